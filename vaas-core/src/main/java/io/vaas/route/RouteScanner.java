package io.vaas.route;

import io.vaas.AppLoadException;
import io.vaas.api.HttpParams;
import io.vaas.api.HttpRequest;
import io.vaas.api.WebSocketMessage;
import io.vaas.api.ServerType;
import io.vaas.api.VaasServer;
import io.vaas.load.AppArchive;
import io.vaas.rewrite.ClassBytes;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Finds an app's routes: loads its entry classes (named in {@code vaas.json}, or found by scanning its own archive
 * for classes that mention {@code @VaasServer}), reads their annotated methods, makes one instance of each class with
 * instance routes, and builds the {@link RouteTable}.
 */
public final class RouteScanner {

    private static final byte[] ANNOTATION = ("L" + VaasServer.class.getName().replace('.', '/') + ";")
            .getBytes(StandardCharsets.UTF_8);
    /** The HTTP methods a route may name (RFC 9110 and PATCH), or {@code *} for any. */
    private static final java.util.Set<String> HTTP_METHODS = java.util.Set.of("*", "GET", "HEAD", "POST", "PUT",
            "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
    private static final MethodType INVOKER = MethodType.methodType(Object.class, Object.class);

    private final String app;
    private final ClassLoader loader;
    private final AppArchive own;

    /**
     * @param app    the app's name, for messages
     * @param loader the app's loader
     * @param own    the app's own archive, scanned when no entry classes are named
     */
    private final Construction construction;

    public RouteScanner(String app, ClassLoader loader, AppArchive own) {
        this(app, loader, own, (c, make) -> make.get());
    }

    /**
     * @param construction how a route class's instance is made: the app's static initializers and constructor run
     *                     then, so a host may run them elsewhere (on a thread of its own, under a deadline)
     */
    public RouteScanner(String app, ClassLoader loader, AppArchive own, Construction construction) {
        this.app = app;
        this.loader = loader;
        this.own = own;
        this.construction = construction;
    }

    /** Runs the making of one route class's instance, where the app's own initialization code runs. */
    @FunctionalInterface
    public interface Construction {
        /** {@code make}'s result for class {@code routeClass}. */
        Object run(Class<?> routeClass, java.util.function.Supplier<Object> make);
    }

    /**
     * Loads the routes.
     *
     * @param entryClasses the classes named in {@code vaas.json} {@code "entry"}; empty to scan
     * @throws AppLoadException naming the class or method at fault
     */
    public RouteTable scan(List<String> entryClasses) {
        List<String> names = entryClasses.isEmpty() ? candidates() : entryClasses;
        List<Route> routes = new ArrayList<>();
        Map<Class<?>, Object> instances = new LinkedHashMap<>();
        for (String name : names) {
            Class<?> c = load(name, !entryClasses.isEmpty());
            for (Method m : methods(c)) {
                VaasServer ann = m.getAnnotation(VaasServer.class);
                if (ann != null) {
                    routes.add(route(c, m, ann, instances));
                }
            }
        }
        if (routes.isEmpty()) {
            throw new AppLoadException(app, own.location(), entryClasses.isEmpty()
                    ? "no public method carries @VaasServer in the app's classes (" + names.size()
                    + " class(es) mention it); annotate a public method with @io.vaas.api.VaasServer"
                    : "the entry classes " + entryClasses + " have no public @VaasServer method");
        }
        try {
            return RouteTable.of(routes);
        } catch (IllegalArgumentException clash) {
            throw new AppLoadException(app, own.location(), clash.getMessage());
        }
    }

    /** Class names in the app's own archive whose constant pool mentions {@code @VaasServer}. */
    private List<String> candidates() {
        List<String> out = new ArrayList<>();
        try {
            for (String entry : own.entryNames()) {
                if (!entry.endsWith(".class") || entry.startsWith("META-INF/") || entry.endsWith("module-info.class")
                        || entry.endsWith("package-info.class")) {
                    continue;
                }
                byte[] bytes = own.read(entry);
                if (bytes != null && ClassBytes.mentions(bytes, ANNOTATION)) {
                    out.add(entry.substring(0, entry.length() - ".class".length()).replace('/', '.'));
                }
            }
        } catch (IOException e) {
            throw new AppLoadException(app, own.location(), "cannot scan the app's classes: " + e, e);
        }
        out.sort(null);
        return out;
    }

    private Class<?> load(String name, boolean named) {
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException e) {
            throw new AppLoadException(app, own.location(), named
                    ? "entry class " + name + " (from vaas.json \"entry\") is not in the app; check the name"
                    : "class " + name + " cannot be loaded: " + e.getMessage(), e);
        } catch (LinkageError e) {
            throw new AppLoadException(app, own.location(), "class " + name + " failed to load: " + e, e);
        }
    }

    /**
     * The public methods of {@code c} that may be routes: its own and those it inherits from its superclasses and
     * interfaces, the most specific of each signature, without {@code Object}'s and without bridges. Cheaper than
     * {@code getMethods()} on a class just defined, which matters to a cold start.
     */
    private List<Method> methods(Class<?> c) {
        try {
            Map<String, Method> bySignature = new LinkedHashMap<>();
            java.util.ArrayDeque<Class<?>> types = new java.util.ArrayDeque<>();
            java.util.Set<Class<?>> seen = new java.util.HashSet<>();
            types.add(c);
            while (!types.isEmpty()) {
                Class<?> k = types.poll();
                if (k == Object.class || !seen.add(k)) {
                    continue;
                }
                for (Method m : k.getDeclaredMethods()) {
                    // As getMethods(): an interface's static methods are not inherited.
                    if (Modifier.isPublic(m.getModifiers()) && !m.isBridge() && !m.isSynthetic()
                            && !(k != c && k.isInterface() && Modifier.isStatic(m.getModifiers()))) {
                        bySignature.putIfAbsent(m.getName() + java.util.Arrays.toString(m.getParameterTypes()), m);
                    }
                }
                if (k.getSuperclass() != null) {
                    types.add(k.getSuperclass());
                }
                types.addAll(List.of(k.getInterfaces()));
            }
            return new ArrayList<>(bySignature.values());
        } catch (LinkageError e) {
            throw new AppLoadException(app, own.location(), "class " + c.getName()
                    + " refers to a class the app does not have: " + e, e);
        }
    }

    private Route route(Class<?> c, Method m, VaasServer ann, Map<Class<?>, Object> instances) {
        String where = c.getName() + "." + m.getName();
        if (!Modifier.isPublic(c.getModifiers())) {
            throw new AppLoadException(app, own.location(), "class " + c.getName() + " holds route " + where
                    + " but is not public; make it public");
        }
        if (m.getParameterCount() > 1) {
            throw new AppLoadException(app, own.location(), "route " + where + " takes " + m.getParameterCount()
                    + " parameters; a route takes at most one (wrap several values in a record)");
        }
        Class<?> param = m.getParameterCount() == 0 ? null : m.getParameterTypes()[0];
        ServerType type = ann.type();
        Route.Input input = param == null ? Route.Input.NONE
                : param == HttpParams.class ? Route.Input.HTTP_PARAMS
                : param == HttpRequest.class ? Route.Input.HTTP_REQUEST
                : param == WebSocketMessage.class ? Route.Input.WEBSOCKET_MESSAGE
                : type == ServerType.WEBSOCKET && param == String.class ? Route.Input.TEXT
                : type == ServerType.WEBSOCKET && param == byte[].class ? Route.Input.BYTES
                : Route.Input.JSON;
        if (input == Route.Input.WEBSOCKET_MESSAGE && type != ServerType.WEBSOCKET) {
            throw new AppLoadException(app, own.location(), "route " + where + " takes WebSocketMessage, which only "
                    + "WebSocket routes receive; use type = ServerType.WEBSOCKET");
        }
        String name;
        String httpMethod = null;
        PathPattern pattern = null;
        if (type == ServerType.WEBSOCKET) {
            if (input == Route.Input.HTTP_PARAMS || input == Route.Input.HTTP_REQUEST) {
                throw new AppLoadException(app, own.location(), "WebSocket route " + where + " takes "
                        + param.getSimpleName() + "; a WebSocket route takes WebSocketMessage (whose "
                        + "session().request() is the request that opened the connection), String, byte[], a JSON "
                        + "type or nothing");
            }
            String path = ann.route().isEmpty() ? "/" + m.getName() : ann.route();
            pattern = pathPattern(path, where);
            httpMethod = "GET";
            name = "WEBSOCKET " + path;
        } else if (type == ServerType.RPC) {
            if (input == Route.Input.HTTP_PARAMS || input == Route.Input.HTTP_REQUEST) {
                throw new AppLoadException(app, own.location(), "RPC route " + where + " takes " + param.getSimpleName()
                        + ", which only HTTP routes receive; use type = ServerType.HTTP or take the RPC argument type");
            }
            name = ann.route().isEmpty() ? m.getName() : ann.route();
            if (name.isBlank() || name.chars().anyMatch(Character::isWhitespace)) {
                throw new AppLoadException(app, own.location(), "RPC route " + where + " has name '" + name
                        + "'; a name has no spaces");
            }
        } else {
            httpMethod = ann.method().trim().toUpperCase(Locale.ROOT);
            if (!HTTP_METHODS.contains(httpMethod)) {
                String near = io.vaas.config.Suggestions.closest(httpMethod, HTTP_METHODS);
                throw new AppLoadException(app, own.location(), "route " + where + " has method '" + ann.method()
                        + "', which is no HTTP method" + (near == null ? "" : " (did you mean " + near + "?)")
                        + "; use one of GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS, TRACE, CONNECT, or \"*\" for any");
            }
            String path = ann.route().isEmpty() ? "/" + m.getName() : ann.route();
            pattern = pathPattern(path, where);
            name = httpMethod + " " + path;
        }
        String parameterName = null;
        if (type == ServerType.HTTP && input == Route.Input.JSON && SIMPLE.contains(param)) {
            parameterName = simpleParameter(m, pattern, httpMethod, where);
            if (parameterName != null) {
                input = Route.Input.PARAMETER;
            }
        }
        Object target = Modifier.isStatic(m.getModifiers()) ? null
                : instances.computeIfAbsent(c, k -> construction.run(k, () -> instantiate(k)));
        return new Route(type, name, httpMethod, pattern, m, input, parameterName, () -> invoker(m, target, where));
    }

    /** The path pattern of an HTTP or WebSocket route; a bad one fails the deploy naming the route. */
    private PathPattern pathPattern(String path, String where) {
        try {
            return PathPattern.compile(path);
        } catch (IllegalArgumentException e) {
            throw new AppLoadException(app, own.location(), "route " + where + ": " + e.getMessage(), e);
        }
    }

    /** Types one path variable or query parameter binds to. */
    private static final java.util.Set<Class<?>> SIMPLE = java.util.Set.of(String.class, int.class, Integer.class,
            long.class, Long.class, double.class, Double.class, boolean.class, Boolean.class, short.class, Short.class,
            float.class, Float.class, java.math.BigDecimal.class, java.math.BigInteger.class);
    /** Methods whose requests carry no body to bind. */
    private static final java.util.Set<String> BODILESS = java.util.Set.of("GET", "HEAD", "DELETE", "OPTIONS");

    /**
     * The path variable or query parameter an HTTP route's one simple parameter binds to by name: a path variable
     * of its name, else (for methods whose requests carry no body) the query parameter of its name; when the class
     * was compiled without parameter names ({@code javac -parameters}), the route's only path variable. Null when the
     * value is the request body. A bodiless route whose parameter cannot be named is refused, saying how to fix it.
     */
    private String simpleParameter(Method m, PathPattern pattern, String httpMethod, String where) {
        java.lang.reflect.Parameter p = m.getParameters()[0];
        List<String> variables = pattern.variables();
        if (p.isNamePresent()) {
            if (variables.contains(p.getName()) || BODILESS.contains(httpMethod)) {
                return p.getName();
            }
            return null;
        }
        if (variables.size() == 1) {
            return variables.get(0);
        }
        if (BODILESS.contains(httpMethod)) {
            throw new AppLoadException(app, own.location(), "route " + where + " takes one " + p.getType().getSimpleName()
                    + " on " + httpMethod + ", whose requests have no body, and its parameter's name is not in the class"
                    + " file: compile with javac -parameters to bind it by name from the path or the query, or take "
                    + "HttpParams and read p.req().params() / p.req().queryParam(...)");
        }
        return null;
    }

    private Object instantiate(Class<?> c) {
        try {
            Constructor<?> ctor = c.getConstructor();
            return ctor.newInstance();
        } catch (NoSuchMethodException e) {
            throw new AppLoadException(app, own.location(), "class " + c.getName()
                    + " has instance routes but no public no-argument constructor; add one or make the routes static", e);
        } catch (InvocationTargetException e) {
            throw new AppLoadException(app, own.location(), "the constructor of " + c.getName() + " threw "
                    + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new AppLoadException(app, own.location(), "cannot create " + c.getName() + ": " + e, e);
        } catch (RuntimeException e) {
            throw new AppLoadException(app, own.location(), "cannot create " + c.getName() + ": " + e, e);
        }
    }

    private MethodHandle invoker(Method m, Object target, String where) {
        try {
            MethodHandle mh = MethodHandles.publicLookup().unreflect(m);
            if (target != null) {
                mh = mh.bindTo(target);
            }
            if (m.getParameterCount() == 0) {
                mh = MethodHandles.dropArguments(mh, 0, Object.class);
            }
            return mh.asType(INVOKER);
        } catch (IllegalAccessException e) {
            throw new AppLoadException(app, own.location(), "route " + where + " is not accessible: " + e.getMessage(), e);
        }
    }
}
