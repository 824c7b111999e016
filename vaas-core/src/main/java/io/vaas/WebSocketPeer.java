package io.vaas;

import java.io.IOException;

/**
 * The transport side of one WebSocket connection, which the host (or its gateway) implements: how the container
 * sends to the client and closes the connection. The gateway in {@code io.vaas.http} has one over Jetty's WebSocket
 * sessions; a host with its own WebSocket server writes one over that.
 */
public interface WebSocketPeer {

    /** Sends a text message; blocks until it is handed to the network. */
    void sendText(String text) throws IOException;

    /** Sends a binary message; blocks until it is handed to the network. */
    void sendBinary(byte[] data) throws IOException;

    /** Closes the connection with {@code code} and {@code reason} (at most 123 bytes of UTF-8). */
    void close(int code, String reason);

    /** Whether the connection is still open. */
    boolean isOpen();
}
