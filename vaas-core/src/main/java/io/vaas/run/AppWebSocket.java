package io.vaas.run;

import io.vaas.VaasCallException;
import io.vaas.WebSocketConnection;
import io.vaas.WebSocketPeer;
import io.vaas.api.HttpRequest;
import io.vaas.api.WebSocketMessage;
import io.vaas.api.WebSocketSession;
import io.vaas.route.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One WebSocket connection to a loaded app: the host's side ({@link WebSocketConnection}, fed by the transport) and,
 * in a separate object, the app's side ({@link Session}, which guest code sends on: it cannot reach the host's
 * methods, not even by reflection on the object it holds). Each event the route takes is one call of the app, made
 * through {@link AppInstance#webSocketCall}.
 */
final class AppWebSocket implements WebSocketConnection {

    private static final Logger LOG = LoggerFactory.getLogger(AppWebSocket.class);
    private static final AtomicLong IDS = new AtomicLong();

    private final AppInstance instance;
    private final Route route;
    private final HttpRequest request;
    private final String id;
    private volatile WebSocketPeer peer;
    private volatile boolean closed;
    private final Session session = new Session();

    AppWebSocket(AppInstance instance, Route route, HttpRequest request) {
        this.instance = instance;
        this.route = route;
        this.request = request;
        this.id = instance.name() + "-" + IDS.incrementAndGet();
    }

    @Override
    public String app() {
        return instance.name();
    }

    @Override
    public String route() {
        return route.name();
    }

    // ---- the host's side

    @Override
    public void opened(WebSocketPeer peer) {
        this.peer = java.util.Objects.requireNonNull(peer, "peer");
        switch (instance.register(this)) {
            case OPEN -> { }
            case RETIRED -> {
                goAway();
                return;
            }
            case FULL -> {
                // Never open to the app: it sees neither an open nor a close event.
                closed = true;
                closeQuietly(1013, instance.tooManyWebSockets());
                return;
            }
        }
        if (route.input() == Route.Input.WEBSOCKET_MESSAGE) {
            deliver(WebSocketMessage.open(session));
        }
    }

    @Override
    public void text(String text) {
        if (route.input() == Route.Input.BYTES) {
            refuse("binary");
        } else if (!closed) {
            deliver(WebSocketMessage.text(session, text));
        }
    }

    @Override
    public void binary(byte[] data) {
        if (route.input() == Route.Input.TEXT || route.input() == Route.Input.JSON) {
            refuse("text");
        } else if (!closed) {
            deliver(WebSocketMessage.binary(session, data));
        }
    }

    @Override
    public void closed(int code, String reason) {
        if (closed) {
            return;
        }
        closed = true;
        instance.deregister(this);
        if (route.input() == Route.Input.WEBSOCKET_MESSAGE) {
            deliver(WebSocketMessage.close(session, code, reason));
        }
    }

    /** Closes the connection because the app version that holds it is going (unload, redeploy, idle unload). */
    void goAway() {
        closeQuietly(1001, "app '" + instance.name() + "' " + instance.config().version() + " was unloaded or "
                + "replaced; connect again");
    }

    private void refuse(String takes) {
        closeQuietly(1003, "route " + route.name() + " of app '" + instance.name() + "' takes " + takes + " messages");
    }

    private void deliver(WebSocketMessage message) {
        if (!instance.tryEnter()) {
            // The version that accepted the connection is going; its connections are being closed.
            goAway();
            return;
        }
        Object out;
        try {
            out = instance.webSocketCall(route, message);
        } catch (VaasCallException e) {
            failed(message, e);
            return;
        } finally {
            instance.exit();
        }
        if (out == null || message.kind() == WebSocketMessage.Kind.CLOSE) {
            return;
        }
        try {
            if (out instanceof byte[] b) {
                session.send(b);
            } else {
                session.send((String) out);
            }
        } catch (IllegalStateException | UncheckedIOException e) {
            // The client has gone; its close comes through closed().
            LOG.debug("app '{}' {}: connection {}: the reply was not sent: {}", instance.name(), route.name(), id,
                    e.toString());
        }
    }

    /** A call failed: the error goes to the client as a message; a refused OPEN or an app that exited closes. */
    private void failed(WebSocketMessage message, VaasCallException e) {
        if (message.kind() == WebSocketMessage.Kind.CLOSE) {
            LOG.info("app '{}' {}: handling the close of connection {} failed: {}", instance.name(), route.name(), id,
                    e.getMessage());
            return;
        }
        trySend(instance.errorText(e));
        if (message.kind() == WebSocketMessage.Kind.OPEN) {
            closeQuietly(4000 + Math.min(Math.max(e.status(), 0), 999), e.code());
        } else if (instance.exited()) {
            closeQuietly(1011, "app '" + instance.name() + "' exited; connect again");
        }
    }

    private void trySend(String text) {
        try {
            session.send(text);
        } catch (IllegalStateException | UncheckedIOException e) {
            LOG.debug("connection {}: the error message could not be sent: {}", id, e.toString());
        }
    }

    private void closeQuietly(int code, String reason) {
        WebSocketPeer p = peer;
        if (p != null && p.isOpen()) {
            try {
                p.close(code, truncate(reason));
            } catch (RuntimeException e) {
                LOG.debug("connection {}: closing failed: {}", id, e.toString());
            }
        }
    }

    /** The app's side of the connection: all guest code gets. */
    private final class Session implements WebSocketSession {

        @Override
        public String id() {
            return id;
        }

        @Override
        public HttpRequest request() {
            return request;
        }

        @Override
        public void send(String text) {
            java.util.Objects.requireNonNull(text, "text");
            try {
                openPeer().sendText(text);
            } catch (IOException e) {
                throw new UncheckedIOException("sending on WebSocket session " + id + " failed: " + e.getMessage(),
                        e);
            }
        }

        @Override
        public void send(byte[] data) {
            java.util.Objects.requireNonNull(data, "data");
            try {
                openPeer().sendBinary(data.clone());
            } catch (IOException e) {
                throw new UncheckedIOException("sending on WebSocket session " + id + " failed: " + e.getMessage(),
                        e);
            }
        }

        @Override
        public void sendJson(Object value) {
            send(instance.toJsonText(value));
        }

        @Override
        public void close(int code, String reason) {
            if (code != 1000 && (code < 3000 || code > 4999)) {
                throw new IllegalArgumentException("close code " + code + " is not one an app sends: use 1000 (normal) "
                        + "or 3000-4999");
            }
            closeQuietly(code, reason == null ? "" : reason);
        }

        @Override
        public boolean isOpen() {
            WebSocketPeer p = peer;
            return !closed && p != null && p.isOpen();
        }

        private WebSocketPeer openPeer() {
            WebSocketPeer p = peer;
            if (closed || p == null || !p.isOpen()) {
                throw new IllegalStateException("WebSocket session " + id + " of app '" + instance.name() + "' is "
                        + (p == null ? "not open yet" : "closed"));
            }
            return p;
        }

        @Override
        public String toString() {
            return "WebSocket session " + id + " of app '" + instance.name() + "' " + route.name();
        }
    }

    /** A close reason fits 123 bytes of UTF-8; cut on a character boundary. */
    static String truncate(String reason) {
        byte[] utf8 = reason.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= 123) {
            return reason;
        }
        int end = 120;
        while (end > 0 && (utf8[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(utf8, 0, end, StandardCharsets.UTF_8) + "...";
    }

    @Override
    public String toString() {
        return "WebSocket " + id + " to app '" + instance.name() + "' " + route.name();
    }
}
