package io.vaas.api;

import java.nio.charset.StandardCharsets;

/**
 * One event of a WebSocket connection, given to a {@link ServerType#WEBSOCKET WEBSOCKET} route that takes it.
 *
 * <p>What a WebSocket route receives follows its parameter:
 * <ul>
 *   <li>{@code WebSocketMessage}: every event of the connection, {@link Kind#OPEN OPEN} first and
 *       {@link Kind#CLOSE CLOSE} last, with the {@link #session()} to send on;</li>
 *   <li>{@code String}: each text message; {@code byte[]}: each binary message;</li>
 *   <li>any other type: each text message, bound from JSON (a message that does not bind gets an error message back);
 *   </li>
 *   <li>no parameter: each message, text or binary.</li>
 * </ul>
 * A message of the other kind (binary to a {@code String} route, text to a {@code byte[]} route) closes the
 * connection with code 1003. The events of one connection are calls made one after the other, in order; each has the
 * app's {@code timeoutMs} and budgets. The return value, if not null, is sent back: a {@code String} as text, a
 * {@code byte[]} as binary, anything else as JSON text. A failure sends an error message (the same JSON body as an
 * HTTP error) and the connection stays open; a failure at {@link Kind#OPEN OPEN} also closes it, with code 4000 plus
 * the error's HTTP status (a {@code VaasException(403, …)} closes with 4403).
 *
 * <pre>{@code
 * @VaasServer(type = ServerType.WEBSOCKET, route = "/echo")
 * public String echo(String text) { return "echo: " + text; }
 * }</pre>
 */
public final class WebSocketMessage {

    /** What happened. */
    public enum Kind {
        /** The connection opened; nothing was received yet. */
        OPEN,
        /** A text message arrived. */
        TEXT,
        /** A binary message arrived. */
        BINARY,
        /** The connection closed (by either side); sending is no longer possible. */
        CLOSE
    }

    private final Kind kind;
    private final WebSocketSession session;
    private final String text;
    private final byte[] bytes;
    private final int closeCode;

    private WebSocketMessage(Kind kind, WebSocketSession session, String text, byte[] bytes, int closeCode) {
        this.kind = kind;
        this.session = session;
        this.text = text;
        this.bytes = bytes;
        this.closeCode = closeCode;
    }

    /** The event of a connection that has just opened. */
    public static WebSocketMessage open(WebSocketSession session) {
        return new WebSocketMessage(Kind.OPEN, session, null, null, 0);
    }

    /** A text message. */
    public static WebSocketMessage text(WebSocketSession session, String text) {
        return new WebSocketMessage(Kind.TEXT, session, text, null, 0);
    }

    /** A binary message. */
    public static WebSocketMessage binary(WebSocketSession session, byte[] bytes) {
        return new WebSocketMessage(Kind.BINARY, session, null, bytes.clone(), 0);
    }

    /** The event of a connection that has closed with {@code code} and {@code reason}. */
    public static WebSocketMessage close(WebSocketSession session, int code, String reason) {
        return new WebSocketMessage(Kind.CLOSE, session, reason, null, code);
    }

    public Kind kind() {
        return kind;
    }

    /** The connection: where to send, and the request that opened it. */
    public WebSocketSession session() {
        return session;
    }

    /** A text message's text; for {@link Kind#CLOSE CLOSE}, the close reason; else null. */
    public String text() {
        return text;
    }

    /** A binary message's bytes (a copy); for a text message its UTF-8 bytes; else null. */
    public byte[] bytes() {
        if (bytes != null) {
            return bytes.clone();
        }
        return kind == Kind.TEXT ? text.getBytes(StandardCharsets.UTF_8) : null;
    }

    /** For {@link Kind#CLOSE CLOSE}, the close code (1000 normal, 1001 going away, …); else 0. */
    public int closeCode() {
        return closeCode;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case OPEN -> "WebSocket open " + session.request().path();
            case TEXT -> "WebSocket text (" + text.length() + " chars)";
            case BINARY -> "WebSocket binary (" + bytes.length + " bytes)";
            case CLOSE -> "WebSocket close " + closeCode + (text == null || text.isEmpty() ? "" : " " + text);
        };
    }
}
