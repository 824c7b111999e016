package io.vaas.api;

/**
 * One open WebSocket connection to a {@link ServerType#WEBSOCKET WEBSOCKET} route, as its app sees it. An app may keep
 * sessions (to push to clients later, from any of its threads) until they close; a session of an app that is unloaded
 * or redeployed is closed by the host (code 1001, "going away"), and the client connects again to the new version.
 *
 * <p>Sending blocks until the message is handed to the network, within the call's deadline when it is sent from a
 * call. Sending on a closed session throws {@link IllegalStateException}.
 */
public interface WebSocketSession {

    /** An id of the connection, unique in the host while it runs. */
    String id();

    /**
     * The request that opened the connection (the HTTP upgrade): its path (as the app sees it), path parameters of
     * the route, query, headers, host and remote address. It has no body.
     */
    HttpRequest request();

    /** Sends a text message. */
    void send(String text);

    /** Sends a binary message. */
    void send(byte[] data);

    /** Sends {@code value} as a text message of JSON (with the app's own JSON rules). */
    void sendJson(Object value);

    /**
     * Closes the connection.
     *
     * @param code   a close code: 1000 for a normal close, 4000–4999 for the app's own meanings
     * @param reason a short text for the client (at most 123 bytes in UTF-8; longer ones are cut)
     */
    void close(int code, String reason);

    /** Whether the connection is still open. */
    boolean isOpen();
}
