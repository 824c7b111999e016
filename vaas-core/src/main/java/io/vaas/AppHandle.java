package io.vaas;

import io.vaas.api.HttpRequest;
import io.vaas.api.HttpResponse;

import java.util.List;

/**
 * A handle on one deployed app, by name: calls go to whichever version is deployed under that name at the time, and
 * the handle keeps nothing of the app alive.
 */
public final class AppHandle {

    private final Vaas vaas;
    private final String name;

    AppHandle(Vaas vaas, String name) {
        this.vaas = vaas;
        this.name = name;
    }

    /** The app's name. */
    public String name() {
        return name;
    }

    /**
     * The configuration of the deployed app.
     *
     * @throws VaasCallException (404) if no app of this name is deployed
     */
    public AppConfig config() {
        return vaas.config(name);
    }

    /** The app's routes: RPC names, then HTTP {@code "<METHOD> <pattern>"}, then {@code "WEBSOCKET <pattern>"}. */
    public List<String> routes() {
        return vaas.routes(name);
    }

    /** Calls RPC route {@code route} with no argument. */
    public Object rpc(String route) {
        return vaas.call(name, route, null);
    }

    /** Calls RPC route {@code route} with a JSON-like argument; returns the result as JSON-like values. */
    public Object rpc(String route, Object argument) {
        return vaas.call(name, route, argument);
    }

    /** Calls RPC route {@code route} and converts the result to {@code type}. */
    public <T> T rpc(String route, Object argument, Class<T> type) {
        return Vaas.toHostType(name + "." + route, vaas.call(name, route, argument), type);
    }

    /** Serves an HTTP request. */
    public HttpResponse http(HttpRequest request) {
        return vaas.http(name, request);
    }

    /**
     * A WebSocket connection to the app's route for {@code upgrade}'s path; see {@link Vaas#webSocket}.
     *
     * @throws VaasCallException (404) when the app has no WebSocket route for that path
     */
    public WebSocketConnection webSocket(HttpRequest upgrade) {
        return vaas.webSocket(name, upgrade);
    }

    @Override
    public String toString() {
        return "app '" + name + "'";
    }
}
