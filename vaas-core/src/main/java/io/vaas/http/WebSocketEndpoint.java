package io.vaas.http;

import io.vaas.WebSocketConnection;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;

/**
 * The gateway's listener on one WebSocket connection: hands Jetty's events, in order, to the app's
 * {@link WebSocketConnection}. Public only because Jetty calls listeners through public lookups; hosts do not make
 * these, the gateway does.
 */
public final class WebSocketEndpoint implements Session.Listener.AutoDemanding {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketEndpoint.class);

    private final WebSocketConnection connection;

    WebSocketEndpoint(WebSocketConnection connection) {
        this.connection = connection;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        connection.opened(new JettyWebSockets.Peer(session));
    }

    @Override
    public void onWebSocketText(String message) {
        connection.text(message);
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, org.eclipse.jetty.websocket.api.Callback callback) {
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        // The buffer goes back to Jetty before the call: the app has its own copy.
        callback.succeed();
        connection.binary(bytes);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        connection.closed(statusCode, reason);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        LOG.debug("WebSocket to app '{}' {}: {}", connection.app(), connection.route(), cause.toString());
    }
}
