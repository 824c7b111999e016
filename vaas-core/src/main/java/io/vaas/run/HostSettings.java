package io.vaas.run;

import io.vaas.load.HostExports;
import io.vaas.policy.PolicyLibrary;
import io.vaas.rewrite.Rewriter;
import io.vaas.virtual.OutputSink;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the host decides for every app it loads: what apps may see of it, the rewriter, which of its environment
 * variables and system properties pass through to apps, and where apps' output goes.
 *
 * @param exports        host packages visible to apps
 * @param rewriter       the pass every app class goes through
 * @param passEnv        names of host environment variables every app sees (its {@code vaas.json} {@code env}
 *                       comes on top)
 * @param baseProperties the system properties every app starts with (its {@code properties} come on top)
 * @param output         where apps' standard output and error go
 * @param hookMillis     how long unloading waits for an app's shutdown hooks
 * @param policies       the permissions the host knows
 * @param defaultPermissions what an app holds (besides {@code core}) when its {@code vaas.json} asks for none
 * @param strictPolicy   whether an app whose code uses denied JDK members is refused at deploy (else each such use
 *                       throws when reached)
 * @param services       the services every app gets, by interface
 * @param fileRoots      the folder under which each app without a file root of its own gets one, named after it;
 *                       null for none
 * @param limits         the limits of apps that set none of their own (every field set)
 * @param watchdog       the watchdog that enforces deadlines and budgets of the host's calls
 * @param router         how apps' calls to other apps ({@code io.vaas.api.Rpc}) reach the host
 * @param configProvider the host's configuration for its apps, or null
 * @param errorFormatter how error responses look, or null for the default JSON body
 * @param workerKeepAliveMs how long an app's idle worker thread waits for a call before it ends
 * @param deployTimeoutMs how long an app's route classes' static initializers and constructors may run at deploy
 */
public record HostSettings(HostExports exports, Rewriter rewriter, Set<String> passEnv, Properties baseProperties,
                           OutputSink output, long hookMillis, PolicyLibrary policies, List<String> defaultPermissions,
                           boolean strictPolicy, Map<Class<?>, Object> services, java.nio.file.Path fileRoots,
                           io.vaas.Limits limits, io.vaas.guard.Watchdog watchdog, AppRouter router,
                           io.vaas.ConfigProvider configProvider, io.vaas.ErrorFormatter errorFormatter,
                           long workerKeepAliveMs, long deployTimeoutMs) {

    /**
     * The rule that makes guest calls of {@code original} call {@code replacement}.
     *
     * @throws IllegalArgumentException naming what does not fit
     */
    public static io.vaas.rewrite.Rule substitution(HostExports exports, java.lang.reflect.Method original,
                                                    java.lang.reflect.Method replacement) {
        String where = "substitute " + original + " with " + replacement + ": ";
        int mods = replacement.getModifiers();
        if (!java.lang.reflect.Modifier.isStatic(mods) || !java.lang.reflect.Modifier.isPublic(mods)
                || !java.lang.reflect.Modifier.isPublic(replacement.getDeclaringClass().getModifiers())) {
            throw new IllegalArgumentException(where + "the replacement must be a public static method of a public class");
        }
        String pkg = replacement.getDeclaringClass().getPackageName();
        if (!exports.isExported(pkg) || exports.loaderOf(pkg) != replacement.getDeclaringClass().getClassLoader()) {
            throw new IllegalArgumentException(where + "package " + pkg + " is not exported to apps; add exportPackages(\""
                    + pkg + "\")");
        }
        boolean isStatic = java.lang.reflect.Modifier.isStatic(original.getModifiers());
        java.util.List<Class<?>> expected = new java.util.ArrayList<>();
        if (!isStatic) {
            expected.add(original.getDeclaringClass());
        }
        expected.addAll(java.util.List.of(original.getParameterTypes()));
        if (!expected.equals(java.util.List.of(replacement.getParameterTypes()))
                || replacement.getReturnType() != original.getReturnType()) {
            throw new IllegalArgumentException(where + "the replacement must take " + expected + " and return "
                    + original.getReturnType().getName());
        }
        String owner = net.bytebuddy.jar.asm.Type.getInternalName(original.getDeclaringClass());
        return new io.vaas.rewrite.Rule(owner, original.getName(), net.bytebuddy.jar.asm.Type.getMethodDescriptor(original),
                io.vaas.rewrite.Rule.Kind.METHOD, new io.vaas.rewrite.Rule.Substitute(
                net.bytebuddy.jar.asm.Type.getInternalName(replacement.getDeclaringClass()), replacement.getName(),
                net.bytebuddy.jar.asm.Type.getMethodDescriptor(replacement)));
    }

    /**
     * Checks a service before the host hands it to apps.
     *
     * @throws IllegalArgumentException if the type is not an interface of an exported package, or the object does
     *                                  not implement it
     */
    public static void checkService(HostExports exports, Class<?> type, Object service) {
        if (!type.isInterface()) {
            throw new IllegalArgumentException("service type " + type.getName() + " must be an interface, so apps "
                    + "depend on the contract, not on the host's implementation");
        }
        if (!type.isInstance(service)) {
            throw new IllegalArgumentException("service " + service + " does not implement " + type.getName());
        }
        if (!exports.isExported(type.getPackageName())) {
            throw new IllegalArgumentException("service type " + type.getName() + " is in package "
                    + type.getPackageName() + ", which is not exported to apps; add exportPackages(\""
                    + type.getPackageName() + "\")");
        }
        if (exports.loaderOf(type.getPackageName()) != type.getClassLoader()) {
            throw new IllegalArgumentException("service type " + type.getName() + " is not the class apps see: its "
                    + "package is exported from another class loader");
        }
    }

    /**
     * The JVM properties apps see by default: the platform's description (see {@link io.vaas.virtual.SafeProperties}),
     * not the host's paths, class path, user or its own settings; plus the keys the host passes by name.
     */
    public static Properties standardProperties(Set<String> extraKeys) {
        return io.vaas.virtual.SafeProperties.of(System.getProperties(), extraKeys);
    }

    /** The environment an app is granted: the host's pass-through variables, then the app's own. */
    Map<String, String> envFor(Map<String, String> appEnv) {
        Map<String, String> env = new TreeMap<>();
        for (String name : passEnv) {
            String value = System.getenv(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        env.putAll(appEnv);
        return env;
    }

    /** The error response for a failed HTTP call: the host's formatter's, or the default JSON body. */
    public io.vaas.api.HttpResponse errorResponse(io.vaas.VaasCallException e, boolean withStack) {
        if (errorFormatter != null) {
            try {
                io.vaas.api.HttpResponse r = errorFormatter.format(e);
                if (r != null) {
                    return r;
                }
            } catch (RuntimeException broken) {
                // The host's formatter failed: the default answer still goes out.
                org.slf4j.LoggerFactory.getLogger(HostSettings.class).warn("the error formatter failed on {}: {}",
                        e.getMessage(), broken.toString());
            }
        }
        return Failures.toResponse(e, withStack);
    }

    /**
     * The file root of an app the host gave none of its own: {@code fileRoots/<app>}, or null when the host set no
     * {@code fileRoots}.
     */
    io.vaas.files.AppFiles defaultFiles(String app) {
        return fileRoots == null ? null : io.vaas.files.AppFiles.folder(fileRoots.resolve(app));
    }

    /**
     * The properties an app starts with: the base, then its own. Paths name the app's own file system, whose
     * working directory is its root.
     */
    Properties propertiesFor(Map<String, String> appProperties) {
        Properties p = new Properties();
        baseProperties.forEach(p::put);
        p.setProperty("user.dir", "/");
        p.setProperty("user.home", "/");
        p.setProperty("java.io.tmpdir", "/tmp");
        appProperties.forEach(p::setProperty);
        return p;
    }
}
