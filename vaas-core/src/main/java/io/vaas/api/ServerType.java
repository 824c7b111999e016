package io.vaas.api;

/** How a {@link VaasServer} route is reached. */
public enum ServerType {
    /** Reached by HTTP method and path, through {@code Vaas.http(app, request)} or the HTTP gateway. */
    HTTP,
    /** Reached by name, as {@code "app.method"}, through {@code Vaas.rpc(...)} or from another app. */
    RPC,
    /**
     * Reached by a WebSocket connection to its path (through the gateway, or {@code Vaas.webSocket(...)}): each
     * message of the connection is one call of the method; see {@link WebSocketMessage}.
     */
    WEBSOCKET
}
