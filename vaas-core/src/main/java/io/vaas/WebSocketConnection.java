package io.vaas;

/**
 * One WebSocket connection to an app's {@code WEBSOCKET} route, from {@link Vaas#webSocket}. The host feeds it what
 * happens on the connection, in order and one at a time: {@link #opened} once the upgrade is done, then each message,
 * then {@link #closed}. Each becomes a call of the route (see {@code io.vaas.api.WebSocketMessage}); what the route
 * returns, and what the app sends on its session, goes out through the {@link WebSocketPeer}.
 *
 * <p>The connection stays with the app version that accepted it. When that version is unloaded or replaced, the
 * container closes the connection with code 1001 ("going away"); the client connects again and reaches the version
 * deployed then.
 */
public interface WebSocketConnection {

    /** The app that serves the connection. */
    String app();

    /** The route, as {@code "WEBSOCKET <pattern>"}. */
    String route();

    /** The connection is open: what the app sends goes to {@code peer} from now on. */
    void opened(WebSocketPeer peer);

    /** A text message arrived. */
    void text(String text);

    /** A binary message arrived. */
    void binary(byte[] data);

    /** The connection closed, by the client or by the server. */
    void closed(int code, String reason);
}
