package io.vaas.http;

import io.vaas.WebSocketConnection;
import io.vaas.WebSocketPeer;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ExecutionException;

/**
 * The gateway's WebSocket side, over Jetty's WebSocket server ({@code jetty-websocket-jetty-server}, an optional
 * dependency): upgrades a request to a connection and feeds what happens on it to a {@link WebSocketConnection}.
 * Only {@link VaasHandler} uses it, and only when that jar is on the class path (this class names Jetty's WebSocket
 * types, so nothing else refers to it before checking).
 */
final class JettyWebSockets {

    private final ServerWebSocketContainer container;

    JettyWebSockets(Server server, Duration idleTimeout, long maxMessageBytes) {
        this.container = ServerWebSocketContainer.ensure(server);
        container.setIdleTimeout(idleTimeout);
        container.setMaxTextMessageSize(maxMessageBytes);
        container.setMaxBinaryMessageSize(maxMessageBytes);
    }

    /** Upgrades the request; false when it is not a valid WebSocket upgrade (nothing was sent then). */
    boolean upgrade(WebSocketConnection connection, Request request, Response response, Callback callback) {
        return container.upgrade((upgradeRequest, upgradeResponse, upgradeCallback) -> new WebSocketEndpoint(connection),
                request, response, callback);
    }

    /** Sending and closing over a Jetty session, blocking until Jetty has taken the message. */
    record Peer(Session session) implements WebSocketPeer {

        @Override
        public void sendText(String text) throws IOException {
            org.eclipse.jetty.websocket.api.Callback.Completable sent = new org.eclipse.jetty.websocket.api.Callback.Completable();
            session.sendText(text, sent);
            await(sent);
        }

        @Override
        public void sendBinary(byte[] data) throws IOException {
            org.eclipse.jetty.websocket.api.Callback.Completable sent = new org.eclipse.jetty.websocket.api.Callback.Completable();
            session.sendBinary(ByteBuffer.wrap(data), sent);
            await(sent);
        }

        private static void await(org.eclipse.jetty.websocket.api.Callback.Completable sent) throws IOException {
            try {
                sent.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while sending");
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
        }

        @Override
        public void close(int code, String reason) {
            session.close(code, reason, org.eclipse.jetty.websocket.api.Callback.NOOP);
        }

        @Override
        public boolean isOpen() {
            return session.isOpen();
        }
    }
}
