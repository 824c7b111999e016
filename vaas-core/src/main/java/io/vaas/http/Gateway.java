package io.vaas.http;

import io.vaas.Vaas;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;

/**
 * A Jetty server serving one container's apps ({@link VaasHandler}): bound to one address, with limits on request
 * headers and bodies, an idle timeout for slow clients, and a graceful stop that lets calls in flight finish.
 *
 * <pre>{@code
 * try (Gateway gateway = Gateway.start(vaas, "127.0.0.1", 8080)) { … }
 * }</pre>
 */
public final class Gateway implements AutoCloseable {

    /** How long a connection may stay silent before it is closed: slow clients do not hold threads. */
    public static final long IDLE_TIMEOUT_MS = 30_000;
    /** The largest request line plus headers. */
    public static final int MAX_HEADER_BYTES = 16 * 1024;
    /** How long stopping waits for the calls in flight. */
    public static final long STOP_TIMEOUT_MS = 10_000;

    private final Server server;
    private final ServerConnector connector;

    private Gateway(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /**
     * Starts a server on {@code host:port} (port 0 picks a free one).
     *
     * @throws IllegalStateException naming the address when the server cannot start (the port is taken…)
     */
    public static Gateway start(Vaas vaas, String host, int port) {
        return start(new VaasHandler(vaas), host, port);
    }

    /** Starts a server on {@code host:port} around {@code handler} (say, with another body limit). */
    public static Gateway start(VaasHandler handler, String host, int port) {
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(MAX_HEADER_BYTES);
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(IDLE_TIMEOUT_MS);
        server.addConnector(connector);
        server.setHandler(new GracefulHandler(handler));
        server.setStopTimeout(STOP_TIMEOUT_MS);
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // Already failing.
            }
            throw new IllegalStateException("the HTTP gateway cannot listen on " + host + ":" + port + ": " + e, e);
        }
        return new Gateway(server, connector);
    }

    /** The port it listens on. */
    public int port() {
        return connector.getLocalPort();
    }

    /** The address it serves, as {@code http://host:port}. */
    public String url() {
        return "http://" + connector.getHost() + ":" + port();
    }

    /** Stops taking connections, lets the calls in flight finish (up to {@link #STOP_TIMEOUT_MS}), then stops. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("stopping the HTTP gateway failed: " + e, e);
        }
    }
}
