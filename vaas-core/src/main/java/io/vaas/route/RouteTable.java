package io.vaas.route;

import io.vaas.api.ServerType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** An app's routes: RPC routes by name, HTTP routes by method and path, WebSocket routes by path. Immutable. */
public final class RouteTable {

    /** The outcome of matching an HTTP request. */
    public sealed interface HttpMatch {
    }

    /** A route answers the request. */
    public record Found(Route route, Map<String, String> params) implements HttpMatch {
    }

    /** Some route has the path, but none answers the method. */
    public record MethodNotAllowed(List<String> allowed) implements HttpMatch {
    }

    /** No route has the path. */
    public record NotFound() implements HttpMatch {
    }

    private static final NotFound NOT_FOUND = new NotFound();

    private final Map<String, Route> rpc;
    private final List<Route> http;
    private final List<Route> webSocket;
    private final List<Route> all;

    private RouteTable(Map<String, Route> rpc, List<Route> http, List<Route> webSocket, List<Route> all) {
        this.rpc = rpc;
        this.http = http;
        this.webSocket = webSocket;
        this.all = all;
    }

    /**
     * Builds a table.
     *
     * @throws IllegalArgumentException if two routes clash: the same RPC name, or HTTP routes with an overlapping
     *                                  method and a path pattern of the same shape
     */
    public static RouteTable of(List<Route> routes) {
        Map<String, Route> rpc = new HashMap<>();
        List<Route> http = new ArrayList<>();
        List<Route> webSocket = new ArrayList<>();
        for (Route r : routes) {
            if (r.type() == ServerType.RPC) {
                Route before = rpc.putIfAbsent(r.name(), r);
                if (before != null) {
                    throw new IllegalArgumentException("RPC route '" + r.name() + "' is declared twice: by "
                            + before.target() + " and by " + r.target() + "; rename one method or set route = \"...\"");
                }
            } else if (r.type() == ServerType.WEBSOCKET) {
                for (Route other : webSocket) {
                    if (other.pattern().sameShapeAs(r.pattern())) {
                        throw new IllegalArgumentException("WebSocket routes clash: " + other.name() + " ("
                                + other.target() + ") and " + r.name() + " (" + r.target() + ") match the same paths");
                    }
                }
                webSocket.add(r);
            } else {
                for (Route other : http) {
                    boolean methodsOverlap = other.answers(r.httpMethod()) || r.answers(other.httpMethod());
                    if (methodsOverlap && other.pattern().sameShapeAs(r.pattern())) {
                        throw new IllegalArgumentException("HTTP routes clash: " + other.name() + " (" + other.target()
                                + ") and " + r.name() + " (" + r.target() + ") match the same requests");
                    }
                }
                http.add(r);
            }
        }
        // A request matching several patterns goes to the one with the most literal segments.
        Comparator<Route> mostLiteralFirst = Comparator.comparingInt((Route r) -> r.pattern().literalCount())
                .reversed().thenComparing(r -> r.pattern().wildcard());
        http.sort(mostLiteralFirst);
        webSocket.sort(mostLiteralFirst);
        return new RouteTable(Map.copyOf(rpc), List.copyOf(http), List.copyOf(webSocket), List.copyOf(routes));
    }

    /** The RPC route called {@code name}, or null. */
    public Route rpc(String name) {
        return rpc.get(name);
    }

    /** Matches an HTTP request. */
    public HttpMatch match(String method, String path) {
        TreeSet<String> allowed = null;
        for (Route r : http) {
            Map<String, String> params = r.pattern().match(path);
            if (params != null) {
                if (r.answers(method)) {
                    return new Found(r, params);
                }
                if (allowed == null) {
                    allowed = new TreeSet<>();
                }
                allowed.add(r.httpMethod());
            }
        }
        return allowed == null ? NOT_FOUND : new MethodNotAllowed(List.copyOf(allowed));
    }

    /** Matches the path of a WebSocket connection: a {@link Found} or a {@link NotFound}. */
    public HttpMatch matchWebSocket(String path) {
        for (Route r : webSocket) {
            Map<String, String> params = r.pattern().match(path);
            if (params != null) {
                return new Found(r, params);
            }
        }
        return NOT_FOUND;
    }

    /** The WebSocket routes as {@code "WEBSOCKET <pattern>"}, sorted. */
    public List<String> webSocketNames() {
        return webSocket.stream().map(Route::name).sorted().toList();
    }

    /** Every route, in declaration order. */
    public List<Route> all() {
        return all;
    }

    /** The names of the RPC routes, sorted. */
    public List<String> rpcNames() {
        return rpc.keySet().stream().sorted().toList();
    }

    /** The HTTP routes as {@code "<METHOD> <pattern>"}, sorted. */
    public List<String> httpNames() {
        return http.stream().map(Route::name).sorted().toList();
    }
}
