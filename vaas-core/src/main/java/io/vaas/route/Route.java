package io.vaas.route;

import io.vaas.api.ServerType;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;
import java.lang.reflect.Type;

/** One route of an app: how it is reached, what it takes, and the handle that calls the guest method. */
public final class Route {

    /** What the guest method takes. */
    public enum Input {
        /** No parameter. */
        NONE,
        /** An {@link io.vaas.api.HttpParams}. */
        HTTP_PARAMS,
        /** An {@link io.vaas.api.HttpRequest}. */
        HTTP_REQUEST,
        /** A value bound from JSON: the RPC argument, the HTTP request body, a WebSocket text message. */
        JSON,
        /** An {@link io.vaas.api.WebSocketMessage}: every event of a WebSocket connection. */
        WEBSOCKET_MESSAGE,
        /** A WebSocket route's {@code String}: each text message as it is. */
        TEXT,
        /** A WebSocket route's {@code byte[]}: each binary message. */
        BYTES,
        /**
         * An HTTP route's one simple value (a string, a number, a boolean), bound by name from a path variable or
         * else a query parameter ({@link #parameterName()}).
         */
        PARAMETER
    }

    private final ServerType type;
    private final String name;
    private final String httpMethod;
    private final PathPattern pattern;
    private final String target;
    private final Input input;
    private final Type inputType;
    /** For {@link Input#PARAMETER}: the path variable or query parameter the value comes from. */
    private final String parameterName;
    /** Made on the first call: most of an app's routes are not called right after a deploy. */
    private volatile MethodHandle invoker;
    private final java.util.function.Supplier<MethodHandle> link;

    Route(ServerType type, String name, String httpMethod, PathPattern pattern, Method method, Input input,
          java.util.function.Supplier<MethodHandle> link) {
        this(type, name, httpMethod, pattern, method, input, null, link);
    }

    Route(ServerType type, String name, String httpMethod, PathPattern pattern, Method method, Input input,
          String parameterName, java.util.function.Supplier<MethodHandle> link) {
        this.parameterName = parameterName;
        this.type = type;
        this.name = name;
        this.httpMethod = httpMethod;
        this.pattern = pattern;
        this.target = method.getDeclaringClass().getName() + "." + method.getName();
        this.input = input;
        this.inputType = method.getParameterCount() == 0 ? null : method.getGenericParameterTypes()[0];
        this.link = link;
    }

    /** HTTP, RPC or WEBSOCKET. */
    public ServerType type() {
        return type;
    }

    /**
     * For RPC routes the name callers use; for HTTP routes {@code "<METHOD> <pattern>"}; for WebSocket routes
     * {@code "WEBSOCKET <pattern>"}.
     */
    public String name() {
        return name;
    }

    /** The HTTP method, upper case, or {@code "*"}; null for RPC routes. */
    public String httpMethod() {
        return httpMethod;
    }

    /** The path pattern; null for RPC routes. */
    public PathPattern pattern() {
        return pattern;
    }

    /** The guest method, as {@code class.method}. */
    public String target() {
        return target;
    }

    /** What the guest method takes. */
    public Input input() {
        return input;
    }

    /** For {@link Input#PARAMETER}, the name of the path variable or query parameter bound; else null. */
    public String parameterName() {
        return parameterName;
    }

    /** The generic type of the guest method's parameter, or null when it has none. */
    public Type inputType() {
        return inputType;
    }

    /** Calls the guest method with {@code argument} (ignored when it takes none); a void method returns null. */
    public Object invoke(Object argument) throws Throwable {
        MethodHandle h = invoker;
        if (h == null) {
            // Two first calls at once may both link: the handles are equal, and either will do.
            invoker = h = link.get();
        }
        return (Object) h.invokeExact(argument);
    }

    /** Whether this HTTP route answers {@code method}. */
    boolean answers(String method) {
        return "*".equals(httpMethod) || httpMethod.equals(method);
    }

    @Override
    public String toString() {
        return (type == ServerType.RPC ? "RPC " : "") + name + " -> " + target;
    }
}
