package io.vaas.virtual;

import io.vaas.policy.NetAllowlist;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import javax.net.SocketFactory;

/**
 * Outgoing connections, held to the app's {@code net:connect} allowlist ({@link NetAllowlist}), and Unix domain
 * sockets, held under its file root ({@link UnixSockets}). The permission itself is checked where the rewriter meets
 * the call; this class decides where the connection goes just before it is made ({@link NetDestinations}: what the
 * app handed over is read once into JDK values, those are checked, and only they reach the JDK), and then makes it
 * as the JDK would.
 *
 * <p>Takes the calling class last, like every entry point here. Not for direct use.
 */
public final class VirtualNet {

    private VirtualNet() {
    }

    // Checks -------------------------------------------------------------------------------------------------

    /** Whether {@code o} is of the JDK's own classes, so that what it answers is the JDK's and cannot change. */
    private static boolean isJdk(Object o) {
        ClassLoader loader = o.getClass().getClassLoader();
        return loader == null || loader == ClassLoader.getPlatformClassLoader();
    }

    /** The checked address for a socket or channel of the IP families; null is left for the JDK to refuse. */
    private static InetSocketAddress inet(SocketAddress given, Class<?> caller) {
        return given == null ? null : NetDestinations.checked(AppContext.of(caller), given);
    }

    /**
     * As {@link #inet}, or the host address under the app's root of a Unix domain one. Stream channels serve both
     * families, and {@code net:unix} alone allows them: an IP address needs {@code net:connect} here.
     */
    private static SocketAddress stream(SocketAddress given, Class<?> caller) throws IOException {
        AppContext context = AppContext.of(caller);
        if (given instanceof UnixDomainSocketAddress unix) {
            return UnixSockets.forConnect(context, unix);
        }
        if (given != null) {
            context.requirePermission("net:connect", "a connection to " + given);
        }
        return inet(given, caller);
    }

    private static void check(InetAddress address, int port, Class<?> caller) {
        if (address != null) {
            NetDestinations.check(AppContext.of(caller), new InetSocketAddress(address, port).getHostString(),
                    address, port);
        }
    }

    /** A host that the client given it resolves itself (an {@code http:} URL's). */
    static void check(String host, int port, Class<?> caller) {
        NetDestinations.checkHost(AppContext.of(caller), host, port);
    }

    /** The proxy an app's {@link Proxy} stands for, as a checked JDK one. */
    static Proxy proxy(Proxy proxy, Class<?> caller) {
        return NetDestinations.proxy(AppContext.of(caller), proxy);
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
            throw new io.vaas.api.PolicyDenial("app '" + context.app() + "' may not look up '" + host + "': its "
                    + "'net:connect' permission allows " + context.netAllowlist() + ", and only names it lists are "
                    + "resolved (a lookup reaches the network; list the host as \"net:connect=host:port\" in "
                    + "\"permissions\" of vaas.json)");
        }
    }

    /** A reachability probe goes to the address: ICMP echo, or TCP port 7 (echo) when the JVM may not send ICMP. */
    public static boolean isReachable(InetAddress address, int timeout, Class<?> caller) throws IOException {
        check(address, ECHO_PORT, caller);
        return address.isReachable(timeout);
    }

    public static boolean isReachable(InetAddress address, java.net.NetworkInterface netif, int ttl, int timeout,
                                      Class<?> caller) throws IOException {
        check(address, ECHO_PORT, caller);
        return address.isReachable(netif, ttl, timeout);
    }

    private static final int ECHO_PORT = 7;

    // java.util.logging.SocketHandler ------------------------------------------------------------------------

    /** The handler connects by itself, resolving the name it is given: checked as a client that does so. */
    public static java.util.logging.SocketHandler newSocketHandler(String host, int port, Class<?> caller)
            throws IOException {
        check(host, port, caller);
        return new java.util.logging.SocketHandler(host, port);
    }

    /** Without arguments it connects where the JVM's logging configuration says. */
    public static java.util.logging.SocketHandler newSocketHandler(Class<?> caller) throws IOException {
        java.util.logging.LogManager config = java.util.logging.LogManager.getLogManager();
        String prefix = java.util.logging.SocketHandler.class.getName();
        String host = config.getProperty(prefix + ".host");
        int port;
        try {
            port = Integer.parseInt(String.valueOf(config.getProperty(prefix + ".port")).trim());
        } catch (NumberFormatException e) {
            port = 0;
        }
        check(host, port, caller);
        return new java.util.logging.SocketHandler();
    }

    // java.net.Socket ----------------------------------------------------------------------------------------

    public static Socket newSocket(String host, int port, Class<?> caller) throws IOException {
        return new Socket(NetDestinations.resolve(AppContext.of(caller), host, port), port);
    }

    public static Socket newSocket(InetAddress address, int port, Class<?> caller) throws IOException {
        check(address, port, caller);
        return new Socket(address, port);
    }

    public static Socket newSocket(String host, int port, InetAddress localAddr, int localPort, Class<?> caller)
            throws IOException {
        return new Socket(NetDestinations.resolve(AppContext.of(caller), host, port), port, localAddr, localPort);
    }

    public static Socket newSocket(InetAddress address, int port, InetAddress localAddr, int localPort, Class<?> caller)
            throws IOException {
        check(address, port, caller);
        return new Socket(address, port, localAddr, localPort);
    }

    /** Through a proxy, the connection goes to the proxy: it must be allowed too. */
    public static Socket newSocket(Proxy proxy, Class<?> caller) {
        return new Socket(proxy(proxy, caller));
    }

    public static void connect(Socket socket, SocketAddress endpoint, Class<?> caller) throws IOException {
        socket.connect(inet(endpoint, caller));
    }

    public static void connect(Socket socket, SocketAddress endpoint, int timeout, Class<?> caller) throws IOException {
        socket.connect(inet(endpoint, caller), timeout);
    }

    /**
     * The JDK's factories connect to the address the container resolved and checked (a TLS socket still sees the
     * name, which the address carries); an app's own factory is app code, checked where it reaches the JDK.
     */
    public static Socket createSocket(SocketFactory factory, String host, int port, Class<?> caller) throws IOException {
        if (!isJdk(factory)) {
            return factory.createSocket(host, port);
        }
        return factory.createSocket(NetDestinations.resolve(AppContext.of(caller), host, port), port);
    }

    public static Socket createSocket(SocketFactory factory, InetAddress address, int port, Class<?> caller)
            throws IOException {
        if (isJdk(factory)) {
            check(address, port, caller);
        }
        return factory.createSocket(address, port);
    }

    public static Socket createSocket(SocketFactory factory, String host, int port, InetAddress localAddr,
                                      int localPort, Class<?> caller) throws IOException {
        if (!isJdk(factory)) {
            return factory.createSocket(host, port, localAddr, localPort);
        }
        return factory.createSocket(NetDestinations.resolve(AppContext.of(caller), host, port), port, localAddr,
                localPort);
    }

    public static Socket createSocket(SocketFactory factory, InetAddress address, int port, InetAddress localAddr,
                                      int localPort, Class<?> caller) throws IOException {
        if (isJdk(factory)) {
            check(address, port, caller);
        }
        return factory.createSocket(address, port, localAddr, localPort);
    }

    // Channels -----------------------------------------------------------------------------------------------

    public static SocketChannel open(SocketAddress remote, Class<?> caller) throws IOException {
        return SocketChannel.open(stream(remote, caller));
    }

    public static boolean connect(SocketChannel channel, SocketAddress remote, Class<?> caller) throws IOException {
        return channel.connect(stream(remote, caller));
    }

    public static Future<Void> connect(AsynchronousSocketChannel channel, SocketAddress remote, Class<?> caller) {
        return channel.connect(inet(remote, caller));
    }

    public static <A> void connect(AsynchronousSocketChannel channel, SocketAddress remote, A attachment,
                                   CompletionHandler<Void, ? super A> handler, Class<?> caller) {
        channel.connect(inet(remote, caller), attachment, handler);
    }

    public static DatagramChannel connect(DatagramChannel channel, SocketAddress remote, Class<?> caller)
            throws IOException {
        return channel.connect(inet(remote, caller));
    }

    public static int send(DatagramChannel channel, ByteBuffer src, SocketAddress target, Class<?> caller)
            throws IOException {
        return channel.send(src, inet(target, caller));
    }

    /** Binding a Unix domain socket makes its file, under the app's root ({@link UnixSockets}). */
    public static SocketChannel bind(SocketChannel channel, SocketAddress local, Class<?> caller) throws IOException {
        return channel.bind(UnixSockets.forBind(AppContext.of(caller), channel, local, false));
    }

    public static ServerSocketChannel bind(ServerSocketChannel channel, SocketAddress local, Class<?> caller)
            throws IOException {
        return channel.bind(UnixSockets.forBind(AppContext.of(caller), channel, local, true));
    }

    public static ServerSocketChannel bind(ServerSocketChannel channel, SocketAddress local, int backlog,
                                           Class<?> caller) throws IOException {
        return channel.bind(UnixSockets.forBind(AppContext.of(caller), channel, local, true), backlog);
    }

    public static NetworkChannel bind(NetworkChannel channel, SocketAddress local, Class<?> caller) throws IOException {
        boolean server = channel instanceof ServerSocketChannel
                || channel instanceof java.nio.channels.AsynchronousServerSocketChannel;
        return channel.bind(UnixSockets.forBind(AppContext.of(caller), channel, local, server));
    }

    /** The app's own path for a Unix domain socket under its root, not the host's. */
    public static SocketAddress getLocalAddress(SocketChannel channel, Class<?> caller) throws IOException {
        return UnixSockets.toApp(AppContext.of(caller), channel.getLocalAddress());
    }

    public static SocketAddress getRemoteAddress(SocketChannel channel, Class<?> caller) throws IOException {
        return UnixSockets.toApp(AppContext.of(caller), channel.getRemoteAddress());
    }

    public static SocketAddress getLocalAddress(ServerSocketChannel channel, Class<?> caller) throws IOException {
        return UnixSockets.toApp(AppContext.of(caller), channel.getLocalAddress());
    }

    public static SocketAddress getLocalAddress(NetworkChannel channel, Class<?> caller) throws IOException {
        return UnixSockets.toApp(AppContext.of(caller), channel.getLocalAddress());
    }

    /**
     * A Unix domain address names a path of the app's: a path of its own file system is taken by its text (the JDK
     * accepts only the host's), and mapped under its root when used.
     */
    public static UnixDomainSocketAddress of(Path path, Class<?> caller) {
        return UnixDomainSocketAddress.of(path.toString());
    }

    // Datagrams ----------------------------------------------------------------------------------------------

    public static void connect(DatagramSocket socket, SocketAddress address, Class<?> caller) throws IOException {
        socket.connect(inet(address, caller));
    }

    public static void connect(DatagramSocket socket, InetAddress address, int port, Class<?> caller) {
        check(address, port, caller);
        socket.connect(address, port);
    }

    /**
     * Under an allowlist, a copy of the packet is sent, its address checked ({@link NetDestinations#packet}): the
     * app's packet, and whether its socket is connected, can change between a check and the send.
     */
    public static void send(DatagramSocket socket, DatagramPacket packet, Class<?> caller) throws IOException {
        AppContext context = AppContext.of(caller);
        socket.send(packet == null || context.netAllowlist().allowsAny() ? packet
                : NetDestinations.packet(context, packet));
    }

    // HTTP ---------------------------------------------------------------------------------------------------

    public static <T> HttpResponse<T> send(HttpClient client, HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                           Class<?> caller) throws IOException, InterruptedException {
        return client.send(checked(client, request, caller), handler);
    }

    public static <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpClient client, HttpRequest request,
                                                                  HttpResponse.BodyHandler<T> handler, Class<?> caller) {
        return client.sendAsync(checked(client, request, caller), handler);
    }

    public static <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpClient client, HttpRequest request,
                                                                  HttpResponse.BodyHandler<T> handler,
                                                                  HttpResponse.PushPromiseHandler<T> push,
                                                                  Class<?> caller) {
        return client.sendAsync(checked(client, request, caller), handler, push);
    }

    /**
     * The request a JDK client sends: the app's own {@link HttpRequest} subclass copied into a JDK one first (its
     * {@code uri()} could answer differently when the client asks again), its host checked, and under an allowlist
     * a client that neither follows redirects nor asks a proxy selector of the app's. An app's own {@link HttpClient}
     * is app code: what it does with the JDK's is checked there.
     */
    private static HttpRequest checked(HttpClient client, HttpRequest request, Class<?> caller) {
        if (!isJdk(client)) {
            return request;
        }
        HttpRequest sent = isJdk(request) ? request : HttpRequest.newBuilder(request, (name, value) -> true).build();
        AppContext context = AppContext.of(caller);
        NetDestinations.checkUri(context, sent.uri());
        checkClient(context, client, sent.uri(), "sent " + sent.uri() + " with");
        return sent;
    }

    /**
     * Under an allowlist, a JDK client that follows redirects is refused (the JDK would follow one to a host the
     * list does not name without asking), and so is one whose proxy is not a fixed, allowed one: a selector of the
     * app's own is asked again at each connection, after any check.
     *
     * @param uri where the client will connect, or null when not known yet (a WebSocket builder)
     */
    private static void checkClient(AppContext context, HttpClient client, URI uri, String doing) {
        if (context.netAllowlist().allowsAny()) {
            return;
        }
        if (client.followRedirects() != HttpClient.Redirect.NEVER) {
            throw new io.vaas.api.PolicyDenial("app '" + context.app() + "' " + doing + " an HttpClient that follows "
                    + "redirects (" + client.followRedirects() + "): a redirect could lead to a host its "
                    + "'net:connect' allowlist (" + context.netAllowlist() + ") does not name; build the client with "
                    + "followRedirects(HttpClient.Redirect.NEVER) and send to the Location yourself");
        }
        java.util.Optional<ProxySelector> selector = client.proxy();
        if (selector.isEmpty()) {
            return;
        }
        ProxySelector proxies = selector.get();
        if (uri == null || !isJdk(proxies)) {
            throw new io.vaas.api.PolicyDenial("app '" + context.app() + "' " + doing + " an HttpClient whose proxy "
                    + "selector (" + proxies.getClass().getName() + ") " + (uri == null ? "is not checked for "
                    + "WebSockets" : "is its own: the client asks it again at each connection, after any check")
                    + "; under its 'net:connect' allowlist (" + context.netAllowlist() + ") use "
                    + (uri == null ? "a client without a proxy" : "ProxySelector.of(address) with an allowed address"));
        }
        for (Proxy p : proxies.select(uri)) {
            NetDestinations.proxy(context, p);
        }
    }

    /** Under an allowlist, HttpURLConnections do not follow redirects (see {@code VirtualUrls}). */
    public static void setInstanceFollowRedirects(java.net.HttpURLConnection connection, boolean follow,
                                                  Class<?> caller) {
        AppContext context = AppContext.of(caller);
        if (follow && !context.netAllowlist().allowsAny()) {
            throw new io.vaas.api.PolicyDenial("app '" + context.app() + "' asked " + connection.getURL() + " to follow "
                    + "redirects: a redirect could lead to a host its 'net:connect' allowlist (" + context.netAllowlist()
                    + ") does not name; read the 3xx response's Location and open it yourself");
        }
        connection.setInstanceFollowRedirects(follow);
    }

    /** A WebSocket's opening handshake is an HTTP request of the client's: it follows the client's redirects. */
    public static WebSocket.Builder newWebSocketBuilder(HttpClient client, Class<?> caller) {
        if (isJdk(client)) {
            checkClient(AppContext.of(caller), client, null, "opened a WebSocket with");
        }
        return client.newWebSocketBuilder();
    }

    public static CompletableFuture<WebSocket> buildAsync(WebSocket.Builder builder, URI uri,
                                                          WebSocket.Listener listener, Class<?> caller) {
        if (isJdk(builder)) {
            NetDestinations.checkUri(AppContext.of(caller), uri);
        }
        return builder.buildAsync(uri, listener);
    }
}
