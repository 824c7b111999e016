package io.vaas.examples.hello;

import io.vaas.api.HttpParams;
import io.vaas.api.ServerType;
import io.vaas.api.VaasException;
import io.vaas.api.VaasServer;

import java.util.Map;

/** The smallest useful guest app: HTTP routes, a few RPC routes, a WebSocket route. */
public class Hello {

    /** The argument of {@link #add}: JSON {@code {"a": 1, "b": 2}}. */
    public record AddArgs(int a, int b) {
    }

    /**
     * {@code GET /hello/{name}?greeting=hi} answers {@code {"hello": name, "greeting": greeting}}; without the query
     * parameter the greeting comes from the app's environment variable {@code GREETING} (its {@code vaas.json}).
     */
    @VaasServer(type = ServerType.HTTP, method = "GET", route = "/hello/{name}")
    public Map<String, String> hello(HttpParams p) {
        String greeting = p.req().queryParam("greeting");
        if (greeting == null) {
            greeting = System.getenv().getOrDefault("GREETING", "hello");
        }
        return Map.of("hello", p.req().params().get("name"), "greeting", greeting);
    }

    /**
     * A WebSocket route: each text message sent to {@code ws://…/hello/echo} comes back, after the greeting of the
     * app's environment.
     */
    @VaasServer(type = ServerType.WEBSOCKET, route = "/echo")
    public String echo(String text) {
        return System.getenv().getOrDefault("GREETING", "hello") + ", " + text;
    }

    /** {@code hello.add} with {@code {"a": 1, "b": 2}} returns 3. */
    @VaasServer(type = ServerType.RPC)
    public int add(AddArgs args) {
        return args.a() + args.b();
    }

    /** {@code GET /divide/{a}/{b}}: an error with its own status when {@code b} is zero. */
    @VaasServer(type = ServerType.HTTP, method = "GET", route = "/divide/{a}/{b}")
    public Map<String, Long> divide(HttpParams p) {
        long a = Long.parseLong(p.req().params().get("a"));
        long b = Long.parseLong(p.req().params().get("b"));
        if (b == 0) {
            throw new VaasException(400, "division_by_zero", "cannot divide " + a + " by zero");
        }
        return Map.of("quotient", a / b, "remainder", a % b);
    }

    /** {@code hello.ping} answers "pong": the cheapest route with a result. */
    @VaasServer(type = ServerType.RPC)
    public String ping() {
        return "pong";
    }

    /**
     * {@code hello.reflect} calls {@code String.length()} reflectively {@code n} times: in an app every such call is
     * checked against its permissions, which the benchmarks compare with the same loop in the host.
     */
    @VaasServer(type = ServerType.RPC)
    public long reflect(int n) throws ReflectiveOperationException {
        java.lang.reflect.Method length = String.class.getMethod("length");
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += (Integer) length.invoke("hello");
        }
        return sum;
    }

    /** {@code hello.noop} does nothing: what a call costs with no work inside. */
    @VaasServer(type = ServerType.RPC)
    public void noop() {
    }
}
