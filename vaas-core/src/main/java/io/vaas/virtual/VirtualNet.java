package io.vaas.virtual;

import io.vaas.policy.NetAllowlist;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import javax.net.SocketFactory;

/**
 * Outgoing connections, held to the app's {@code net:connect} allowlist ({@link NetAllowlist}). The permission
 * itself is checked where the rewriter meets the call; this class checks where the connection goes, just before it
 * is made, and then makes it as the JDK would.
 *
 * <p>Takes the calling class last, like every entry point here. Not for direct use.
 */
public final class VirtualNet {

    private VirtualNet() {
    }

    // Checks -------------------------------------------------------------------------------------------------

    static void check(String host, int port, Class<?> caller) {
        AppContext context = AppContext.of(caller);
        if (!context.netAllowlist().allows(host, port)) {
            throw refusal(context, host + ":" + port);
        }
    }

    static void check(SocketAddress address, Class<?> caller) {
        AppContext context = AppContext.of(caller);
        if (address != null && !context.netAllowlist().allows(address)) {
            throw refusal(context, address instanceof InetSocketAddress i ? i.getHostString() + ":" + i.getPort()
                    : String.valueOf(address));
        }
    }

    static void check(InetAddress address, int port, Class<?> caller) {
        if (address != null) {
            check(new InetSocketAddress(address, port), caller);
        }
    }

    static void check(URI uri, Class<?> caller) {
        if (uri == null || uri.getHost() == null) {
            return;
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : defaultPort(uri.getScheme());
        check(uri.getHost(), port, caller);
    }

    static int defaultPort(String scheme) {
        return switch (scheme == null ? "" : scheme.toLowerCase(java.util.Locale.ROOT)) {
            case "https", "wss" -> 443;
            case "ftp" -> 21;
            default -> 80;
        };
    }

    private static SecurityException refusal(AppContext context, String target) {
        return new SecurityException("app '" + context.app() + "' may not connect to " + target + ": its "
                + "'net:connect' permission allows " + context.netAllowlist() + " (list the host as "
                + "\"net:connect=host:port\" in \"permissions\" of vaas.json)");
    }

    // Name lookups -------------------------------------------------------------------------------------------

    public static InetAddress getByName(String host, Class<?> caller) throws java.net.UnknownHostException {
        checkLookup(host, caller);
        return InetAddress.getByName(host);
    }

    public static InetAddress[] getAllByName(String host, Class<?> caller) throws java.net.UnknownHostException {
        checkLookup(host, caller);
        return InetAddress.getAllByName(host);
    }

    /** A name the app may not look up stays unresolved (as the JDK leaves a name it cannot resolve). */
    public static InetSocketAddress newInetSocketAddress(String host, int port, Class<?> caller) {
        if (host != null && !AppContext.of(caller).netAllowlist().allowsLookup(host)) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range:" + port);
            }
            return InetSocketAddress.createUnresolved(host, port);
        }
        return new InetSocketAddress(host, port);
    }

    private static void checkLookup(String host, Class<?> caller) {
        AppContext context = AppContext.of(caller);
        if (!context.netAllowlist().allowsLookup(host)) {
            throw new SecurityException("app '" + context.app() + "' may not look up '" + host + "': its "
                    + "'net:connect' permission allows " + context.netAllowlist() + ", and only names it lists are "
                    + "resolved (a lookup reaches the network; list the host as \"net:connect=host:port\" in "
                    + "\"permissions\" of vaas.json)");
        }
    }

    // java.net.Socket ----------------------------------------------------------------------------------------

    public static Socket newSocket(String host, int port, Class<?> caller) throws IOException {
        check(host, port, caller);
        return new Socket(host, port);
    }

    public static Socket newSocket(InetAddress address, int port, Class<?> caller) throws IOException {
        check(address, port, caller);
        return new Socket(address, port);
    }

    public static Socket newSocket(String host, int port, InetAddress localAddr, int localPort, Class<?> caller)
            throws IOException {
        check(host, port, caller);
        return new Socket(host, port, localAddr, localPort);
    }

    public static Socket newSocket(InetAddress address, int port, InetAddress localAddr, int localPort, Class<?> caller)
            throws IOException {
        check(address, port, caller);
        return new Socket(address, port, localAddr, localPort);
    }

    /** Through a proxy, the connection goes to the proxy: it must be allowed too. */
    public static Socket newSocket(Proxy proxy, Class<?> caller) {
        if (proxy != null && proxy.type() != Proxy.Type.DIRECT) {
            check(proxy.address(), caller);
        }
        return new Socket(proxy);
    }

    public static void connect(Socket socket, SocketAddress endpoint, Class<?> caller) throws IOException {
        check(endpoint, caller);
        socket.connect(endpoint);
    }

    public static void connect(Socket socket, SocketAddress endpoint, int timeout, Class<?> caller) throws IOException {
        check(endpoint, caller);
        socket.connect(endpoint, timeout);
    }

    public static Socket createSocket(SocketFactory factory, String host, int port, Class<?> caller) throws IOException {
        check(host, port, caller);
        return factory.createSocket(host, port);
    }

    public static Socket createSocket(SocketFactory factory, InetAddress address, int port, Class<?> caller)
            throws IOException {
        check(address, port, caller);
        return factory.createSocket(address, port);
    }

    public static Socket createSocket(SocketFactory factory, String host, int port, InetAddress localAddr,
                                      int localPort, Class<?> caller) throws IOException {
        check(host, port, caller);
        return factory.createSocket(host, port, localAddr, localPort);
    }

    public static Socket createSocket(SocketFactory factory, InetAddress address, int port, InetAddress localAddr,
                                      int localPort, Class<?> caller) throws IOException {
        check(address, port, caller);
        return factory.createSocket(address, port, localAddr, localPort);
    }

    // Channels -----------------------------------------------------------------------------------------------

    public static SocketChannel open(SocketAddress remote, Class<?> caller) throws IOException {
        check(remote, caller);
        return SocketChannel.open(remote);
    }

    public static boolean connect(SocketChannel channel, SocketAddress remote, Class<?> caller) throws IOException {
        check(remote, caller);
        return channel.connect(remote);
    }

    public static Future<Void> connect(AsynchronousSocketChannel channel, SocketAddress remote, Class<?> caller) {
        check(remote, caller);
        return channel.connect(remote);
    }

    public static <A> void connect(AsynchronousSocketChannel channel, SocketAddress remote, A attachment,
                                   CompletionHandler<Void, ? super A> handler, Class<?> caller) {
        check(remote, caller);
        channel.connect(remote, attachment, handler);
    }

    public static DatagramChannel connect(DatagramChannel channel, SocketAddress remote, Class<?> caller)
            throws IOException {
        check(remote, caller);
        return channel.connect(remote);
    }

    public static int send(DatagramChannel channel, ByteBuffer src, SocketAddress target, Class<?> caller)
            throws IOException {
        check(target, caller);
        return channel.send(src, target);
    }

    // Datagrams ----------------------------------------------------------------------------------------------

    public static void connect(DatagramSocket socket, SocketAddress address, Class<?> caller) throws IOException {
        check(address, caller);
        socket.connect(address);
    }

    public static void connect(DatagramSocket socket, InetAddress address, int port, Class<?> caller) {
        check(address, port, caller);
        socket.connect(address, port);
    }

    /** A connected socket sends only to its peer, checked when it connected; an unconnected one per packet. */
    public static void send(DatagramSocket socket, DatagramPacket packet, Class<?> caller) throws IOException {
        if (!socket.isConnected()) {
            check(packet.getSocketAddress(), caller);
        }
        socket.send(packet);
    }

    // HTTP ---------------------------------------------------------------------------------------------------

    public static <T> HttpResponse<T> send(HttpClient client, HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                           Class<?> caller) throws IOException, InterruptedException {
        check(client, request, caller);
        return client.send(request, handler);
    }

    public static <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpClient client, HttpRequest request,
                                                                  HttpResponse.BodyHandler<T> handler, Class<?> caller) {
        check(client, request, caller);
        return client.sendAsync(request, handler);
    }

    public static <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpClient client, HttpRequest request,
                                                                  HttpResponse.BodyHandler<T> handler,
                                                                  HttpResponse.PushPromiseHandler<T> push,
                                                                  Class<?> caller) {
        check(client, request, caller);
        return client.sendAsync(request, handler, push);
    }

    /**
     * The request's host, and under an allowlist a client that does not follow redirects: the JDK would follow one
     * to a host the list does not name without asking.
     */
    private static void check(HttpClient client, HttpRequest request, Class<?> caller) {
        check(request.uri(), caller);
        AppContext context = AppContext.of(caller);
        if (client.followRedirects() != HttpClient.Redirect.NEVER && !context.netAllowlist().allowsAny()) {
            throw new SecurityException("app '" + context.app() + "' sent " + request.uri() + " with an HttpClient "
                    + "that follows redirects (" + client.followRedirects() + "): a redirect could lead to a host its "
                    + "'net:connect' allowlist (" + context.netAllowlist() + ") does not name; build the client with "
                    + "followRedirects(HttpClient.Redirect.NEVER) and send to the Location yourself");
        }
    }

    /** Under an allowlist, {@code HttpURLConnection}s do not follow redirects (see {@code VirtualUrls}). */
    public static void setInstanceFollowRedirects(java.net.HttpURLConnection connection, boolean follow,
                                                  Class<?> caller) {
        AppContext context = AppContext.of(caller);
        if (follow && !context.netAllowlist().allowsAny()) {
            throw new SecurityException("app '" + context.app() + "' asked " + connection.getURL() + " to follow "
                    + "redirects: a redirect could lead to a host its 'net:connect' allowlist (" + context.netAllowlist()
                    + ") does not name; read the 3xx response's Location and open it yourself");
        }
        connection.setInstanceFollowRedirects(follow);
    }

    public static CompletableFuture<WebSocket> buildAsync(WebSocket.Builder builder, URI uri,
                                                          WebSocket.Listener listener, Class<?> caller) {
        check(uri, caller);
        return builder.buildAsync(uri, listener);
    }
}
