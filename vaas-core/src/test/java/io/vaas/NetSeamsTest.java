package io.vaas;

import com.sun.net.httpserver.HttpServer;
import io.vaas.files.AppFiles;
import io.vaas.policy.NetAllowlist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The seams of the network confinement, attacked from inside: the destination checked must be the one used. Each
 * guest tries one way to show the check one thing and the connection another (a name with someone else's IP, an
 * object that answers differently when asked again, a packet changed by a second thread, a proxy, a redirect), to reach
 * the host's Unix domain sockets, or to call other apps in another app's name. Every attempt must be refused with a
 * message naming the app and the way out, nothing may reach the servers it aimed at, and a neighbour app must answer
 * right after. The legitimate uses next to them keep working.
 */
class NetSeamsTest {

    /** A TCP server the attacks aim at; counts the connections that reach it. */
    static ServerSocket target;
    static final AtomicInteger targetHits = new AtomicInteger();
    /** A TCP server the app may reach (as "localhost"). */
    static ServerSocket allowedTcp;
    /** HTTP: one the app may reach ("localhost"), one it may not (counts requests). */
    static HttpServer allowedHttp;
    static HttpServer secretHttp;
    static final AtomicInteger secretHttpHits = new AtomicInteger();
    /** UDP: one the app may send to ("localhost"), one it may not (counts packets). */
    static DatagramSocket allowedUdp;
    static DatagramSocket secretUdp;
    static final AtomicInteger secretUdpHits = new AtomicInteger();

    static final String SEAMS_CODE = """
            package s;
            import io.vaas.api.ServerType;
            import io.vaas.api.VaasServer;
            import java.io.*;
            import java.net.*;
            import java.net.http.*;
            import java.nio.ByteBuffer;
            import java.nio.channels.*;
            import java.time.Duration;
            import java.util.*;
            import java.util.concurrent.TimeUnit;
            import java.util.concurrent.atomic.*;
            public class Seams {
                interface Step { Object run() throws Throwable; }
                static String attempt(Step s) {
                    try {
                        return "ran: " + s.run();
                    } catch (SecurityException e) {
                        return "denied: " + e.getMessage();
                    } catch (Throwable t) {
                        Throwable c = t.getCause() instanceof SecurityException ? t.getCause() : null;
                        return c != null ? "denied: " + c.getMessage() : "failed: " + t;
                    }
                }
                static int port(String name) { return Integer.parseInt(System.getenv(name)); }
                static final byte[] LOOPBACK = {127, 0, 0, 1};
                static InetAddress named(String name, byte[] ip) throws UnknownHostException {
                    return InetAddress.getByAddress(name, ip);
                }
                /** Sends for a second while another thread changes things; reports the first refusal, if any. */
                static String sendWhileRacing(DatagramSocket socket, DatagramPacket packet, Runnable racer) throws Exception {
                    AtomicBoolean stop = new AtomicBoolean();
                    AtomicInteger turns = new AtomicInteger();
                    Thread t = new Thread(() -> { while (!stop.get()) { racer.run(); turns.incrementAndGet(); } });
                    t.start();
                    String refused = null;
                    int sent = 0;
                    try {
                        while (turns.get() < 10) { Thread.onSpinWait(); }
                        // Until the first refusal, for up to 5 s: on a busy machine the racer may need a while.
                        long end = System.nanoTime() + 5_000_000_000L;
                        while (System.nanoTime() < end && refused == null) {
                            try {
                                socket.send(packet);
                                sent++;
                            } catch (SecurityException e) {
                                refused = refused == null ? e.getMessage() : refused;
                            } catch (IllegalArgumentException | IOException e) {
                                // A connected socket refuses a packet for another address: the JDK's own rule.
                            }
                        }
                    } finally {
                        stop.set(true);
                        t.join();
                    }
                    if (refused != null) {
                        throw new SecurityException(refused);
                    }
                    return "no send refused (" + sent + " sent)";
                }
                @VaasServer(type = ServerType.RPC) public String attack(String how) {
                    int target = port("TARGET");
                    int allowedTcp = port("ALLOWED_TCP");
                    int allowedUdp = port("ALLOWED_UDP");
                    int secretUdp = port("SECRET_UDP");
                    int allowedHttp = port("ALLOWED_HTTP");
                    int secretHttp = port("SECRET_HTTP");
                    return attempt(() -> switch (how) {
                        // "The name checked is not where the packet goes."
                        case "nameShownIpUsed" -> {
                            try (Socket s = new Socket(named("allowed.invalid", LOOPBACK), target)) { yield s.isConnected(); }
                        }
                        case "nameShownIpUsedChannel" -> {
                            try (SocketChannel c = SocketChannel.open(new InetSocketAddress(named("allowed.invalid", LOOPBACK), target))) {
                                yield c.isConnected();
                            }
                        }
                        case "wildcardNameShown" -> {
                            try (Socket s = new Socket()) {
                                s.connect(new InetSocketAddress(named("db.internal.invalid", LOOPBACK), target), 2000);
                                yield s.isConnected();
                            }
                        }
                        case "ipv4MappedIpv6" -> {
                            byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
                            try (Socket s = new Socket(Inet6Address.getByAddress("allowed.invalid", mapped, -1), target)) { yield s.isConnected(); }
                        }
                        case "otherIpOfListedName" -> {
                            try (DatagramSocket d = new DatagramSocket()) {
                                d.send(new DatagramPacket(new byte[] {1}, 1, named("localhost", new byte[] {127, 0, 0, 2}), allowedUdp));
                                yield "sent";
                            }
                        }
                        case "datagramChannelNameShown" -> {
                            try (DatagramChannel c = DatagramChannel.open()) {
                                yield c.send(ByteBuffer.wrap(new byte[] {1}), new InetSocketAddress(named("allowed.invalid", LOOPBACK), secretUdp));
                            }
                        }
                        case "zeroAddress" -> { try (Socket s = new Socket("0.0.0.0", target)) { yield s.isConnected(); } }
                        case "asyncServer" -> {
                            try (AsynchronousServerSocketChannel s = AsynchronousServerSocketChannel.open()) {
                                yield s.bind(new InetSocketAddress("127.0.0.1", 0)).getLocalAddress();
                            }
                        }
                        // The JDK connecting on the app's behalf.
                        case "reachabilityProbe" -> InetAddress.getByAddress(LOOPBACK).isReachable(500);
                        case "loggingSocketHandler" -> new java.util.logging.SocketHandler("127.0.0.1", target);
                        case "decimalSpelling" -> { try (Socket s = new Socket("2130706433", target)) { yield s.isConnected(); } }
                        // Time of check, time of use.
                        case "packetChangedWhileSent" -> {
                            InetSocketAddress ok = new InetSocketAddress("localhost", allowedUdp);
                            InetSocketAddress secret = new InetSocketAddress(InetAddress.getByAddress(LOOPBACK), secretUdp);
                            DatagramPacket p = new DatagramPacket(new byte[] {7}, 1, ok);
                            try (DatagramSocket d = new DatagramSocket()) {
                                yield sendWhileRacing(d, p, () -> {
                                    p.setSocketAddress(secret);
                                    for (int i = 0; i < 200; i++) { Thread.onSpinWait(); }
                                    p.setSocketAddress(ok);
                                });
                            }
                        }
                        case "socketDisconnectedWhileSent" -> {
                            InetSocketAddress ok = new InetSocketAddress("localhost", allowedUdp);
                            DatagramPacket p = new DatagramPacket(new byte[] {9}, 1, InetAddress.getByAddress(LOOPBACK), secretUdp);
                            try (DatagramSocket d = new DatagramSocket()) {
                                d.connect(ok);
                                yield sendWhileRacing(d, p, () -> {
                                    d.disconnect();
                                    try { d.connect(ok); } catch (SocketException e) { throw new UncheckedIOException(e); }
                                });
                            }
                        }
                        case "proxyAnswersTwice" -> {
                            AtomicInteger asked = new AtomicInteger();
                            InetSocketAddress secret = new InetSocketAddress(InetAddress.getByAddress(LOOPBACK), target);
                            Proxy sly = new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("localhost", allowedTcp)) {
                                @Override public SocketAddress address() {
                                    return asked.getAndIncrement() == 0 ? super.address() : secret;
                                }
                            };
                            try (Socket s = new Socket(sly)) {
                                s.connect(new InetSocketAddress("localhost", allowedTcp), 2000);
                                yield "connected through " + sly;
                            }
                        }
                        case "requestAnswersTwice" -> {
                            HttpRequest real = HttpRequest.newBuilder(URI.create("http://localhost:" + allowedHttp + "/hi")).build();
                            URI secret = URI.create("http://127.0.0.1:" + secretHttp + "/hi");
                            AtomicInteger asked = new AtomicInteger();
                            HttpRequest sly = new HttpRequest() {
                                @Override public Optional<BodyPublisher> bodyPublisher() { return real.bodyPublisher(); }
                                @Override public String method() { return "GET"; }
                                @Override public Optional<Duration> timeout() { return Optional.empty(); }
                                @Override public boolean expectContinue() { return false; }
                                @Override public URI uri() { return asked.getAndIncrement() == 0 ? real.uri() : secret; }
                                @Override public Optional<HttpClient.Version> version() { return Optional.empty(); }
                                @Override public HttpHeaders headers() { return real.headers(); }
                            };
                            yield HttpClient.newHttpClient().send(sly, HttpResponse.BodyHandlers.ofString()).body();
                        }
                        // Proxies and redirects inside the HTTP client.
                        case "ownProxySelector" -> {
                            InetSocketAddress secret = new InetSocketAddress("127.0.0.1", secretHttp);
                            HttpClient c = HttpClient.newBuilder().proxy(new ProxySelector() {
                                @Override public List<Proxy> select(URI uri) { return List.of(new Proxy(Proxy.Type.HTTP, secret)); }
                                @Override public void connectFailed(URI uri, SocketAddress sa, IOException e) { }
                            }).build();
                            yield c.send(HttpRequest.newBuilder(URI.create("http://localhost:" + allowedHttp + "/hi")).build(),
                                    HttpResponse.BodyHandlers.ofString()).body();
                        }
                        case "fixedProxyNotListed" -> {
                            HttpClient c = HttpClient.newBuilder().proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", secretHttp))).build();
                            yield c.send(HttpRequest.newBuilder(URI.create("http://localhost:" + allowedHttp + "/hi")).build(),
                                    HttpResponse.BodyHandlers.ofString()).body();
                        }
                        case "webSocketFollowsRedirect" -> HttpClient.newBuilder().followRedirects(HttpClient.Redirect.ALWAYS).build()
                                .newWebSocketBuilder().buildAsync(URI.create("ws://localhost:" + allowedHttp + "/away"),
                                        new WebSocket.Listener() { }).get(5, TimeUnit.SECONDS);
                        // What an allowlist still allows.
                        case "byName" -> { try (Socket s = new Socket("localhost", allowedTcp)) { yield s.getInputStream().read(); } }
                        case "byNameUpperCase" -> { try (Socket s = new Socket("LOCALHOST", allowedTcp)) { yield s.getInputStream().read(); } }
                        case "byResolvedAddress" -> {
                            try (SocketChannel c = SocketChannel.open(new InetSocketAddress("localhost", allowedTcp))) { yield c.isConnected(); }
                        }
                        case "byNameWithItsOwnIp" -> { try (Socket s = new Socket(named("localhost", LOOPBACK), allowedTcp)) { yield s.getInputStream().read(); } }
                        case "datagramToListedName" -> {
                            try (DatagramSocket d = new DatagramSocket()) {
                                d.send(new DatagramPacket(new byte[] {1}, 1, new InetSocketAddress("localhost", allowedUdp)));
                                yield "sent";
                            }
                        }
                        case "httpToListedName" -> HttpClient.newHttpClient().send(
                                HttpRequest.newBuilder(URI.create("http://localhost:" + allowedHttp + "/hi")).build(),
                                HttpResponse.BodyHandlers.ofString()).body();
                        case "httpWithRequestSubclass" -> {
                            HttpRequest real = HttpRequest.newBuilder(URI.create("http://localhost:" + allowedHttp + "/hi")).build();
                            HttpRequest own = new HttpRequest() {
                                @Override public Optional<BodyPublisher> bodyPublisher() { return real.bodyPublisher(); }
                                @Override public String method() { return "GET"; }
                                @Override public Optional<Duration> timeout() { return Optional.empty(); }
                                @Override public boolean expectContinue() { return false; }
                                @Override public URI uri() { return real.uri(); }
                                @Override public Optional<HttpClient.Version> version() { return Optional.empty(); }
                                @Override public HttpHeaders headers() { return real.headers(); }
                            };
                            yield HttpClient.newHttpClient().send(own, HttpResponse.BodyHandlers.ofString()).body();
                        }
                        default -> "unknown " + how;
                    });
                }
            }
            """;

    static final String UNIX_CODE = """
            package u;
            import io.vaas.api.*;
            import java.net.*;
            import java.nio.ByteBuffer;
            import java.nio.channels.*;
            import java.nio.file.Path;
            public class Unix {
                interface Step { Object run() throws Throwable; }
                static String attempt(Step s) {
                    try {
                        return "ran: " + s.run();
                    } catch (SecurityException e) {
                        return "denied: " + e.getMessage();
                    } catch (Throwable t) {
                        return "failed: " + t;
                    }
                }
                @VaasServer(type = ServerType.RPC) public String attack(String how) {
                    String hostSocket = System.getenv("HOST_SOCKET");
                    String hostDir = System.getenv("HOST_DIR");
                    return attempt(() -> switch (how) {
                        case "hostSocket" -> { try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(hostSocket))) { yield c.isConnected(); } }
                        case "hostSocketConnect" -> {
                            try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                                yield c.connect(UnixDomainSocketAddress.of(hostSocket));
                            }
                        }
                        case "bindOnHost" -> {
                            try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                                s.bind(UnixDomainSocketAddress.of(hostDir + "/made.sock"));
                                yield s.getLocalAddress();
                            }
                        }
                        case "bindOnHostAsNetworkChannel" -> {
                            try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                                NetworkChannel n = s;
                                n.bind(UnixDomainSocketAddress.of(hostDir + "/made.sock"));
                                yield n.getLocalAddress();
                            }
                        }
                        case "bindNowhere" -> {
                            try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                                s.bind(null);
                                yield s.getLocalAddress();
                            }
                        }
                        case "tcpThroughUnixChannels" -> {
                            // An IP address without naming the classes net:connect allows: deserialized.
                            byte[] bytes = java.util.Base64.getDecoder().decode(System.getenv("TCP_ADDRESS"));
                            SocketAddress address = (SocketAddress) new java.io.ObjectInputStream(
                                    new java.io.ByteArrayInputStream(bytes)).readObject();
                            try (SocketChannel c = SocketChannel.open(address)) {
                                yield c.isConnected();
                            }
                        }
                        case "listenThroughUnixChannels" -> {
                            try (ServerSocketChannel s = ServerSocketChannel.open()) {
                                yield s.bind(null).getLocalAddress();
                            }
                        }
                        case "bindThroughUnixChannels" -> {
                            try (SocketChannel c = SocketChannel.open()) {
                                yield c.bind(null).getLocalAddress();
                            }
                        }
                        case "ownSocket" -> {
                            try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                                s.bind(UnixDomainSocketAddress.of("/app.sock"));
                                try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(Path.of("/app.sock")));
                                     SocketChannel in = s.accept()) {
                                    c.write(ByteBuffer.wrap("hi".getBytes()));
                                    ByteBuffer b = ByteBuffer.allocate(2);
                                    while (b.hasRemaining()) { in.read(b); }
                                    yield s.getLocalAddress() + " " + c.getRemoteAddress() + " " + new String(b.array());
                                }
                            }
                        }
                        default -> "unknown " + how;
                    });
                }
            }
            """;

    @BeforeAll
    static void servers() throws IOException {
        InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        target = new ServerSocket(0, 50, loopback);
        Thread.ofPlatform().daemon().start(() -> accept(target, targetHits));
        allowedTcp = new ServerSocket(0, 50, loopback);
        Thread.ofPlatform().daemon().start(() -> accept(allowedTcp, new AtomicInteger()));
        secretHttp = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        secretHttp.createContext("/", exchange -> {
            secretHttpHits.incrementAndGet();
            respond(exchange, 200, "secret");
        });
        secretHttp.start();
        allowedHttp = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        allowedHttp.createContext("/hi", exchange -> respond(exchange, 200, "allowed"));
        allowedHttp.createContext("/away", exchange -> {
            exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + secretHttp.getAddress().getPort() + "/hi");
            respond(exchange, 302, "");
        });
        allowedHttp.start();
        allowedUdp = new DatagramSocket(0, loopback);
        secretUdp = new DatagramSocket(0, loopback);
        Thread.ofPlatform().daemon().start(() -> {
            DatagramPacket p = new DatagramPacket(new byte[16], 16);
            while (!secretUdp.isClosed()) {
                try {
                    secretUdp.receive(p);
                    secretUdpHits.incrementAndGet();
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    static void accept(ServerSocket server, AtomicInteger hits) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                hits.incrementAndGet();
                s.getOutputStream().write(1);
            } catch (IOException e) {
                return;
            }
        }
    }

    static void respond(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @AfterAll
    static void stop() throws IOException {
        target.close();
        allowedTcp.close();
        allowedHttp.stop(0);
        secretHttp.stop(0);
        allowedUdp.close();
        secretUdp.close();
    }

    @BeforeEach
    void nothingReachedTheSecretsYet() {
        targetHits.set(0);
        secretHttpHits.set(0);
        secretUdpHits.set(0);
    }

    static Map<String, String> ports() {
        return Map.of("TARGET", "" + target.getLocalPort(), "ALLOWED_TCP", "" + allowedTcp.getLocalPort(),
                "ALLOWED_UDP", "" + allowedUdp.getLocalPort(), "SECRET_UDP", "" + secretUdp.getLocalPort(),
                "ALLOWED_HTTP", "" + allowedHttp.getAddress().getPort(),
                "SECRET_HTTP", "" + secretHttp.getAddress().getPort());
    }

    /** "localhost" at the allowed servers' ports, and names that resolve to nothing (the reserved .invalid). */
    static String allowlist() {
        return "net:connect=allowed.invalid:*,*.internal.invalid:*,localhost:" + allowedTcp.getLocalPort()
                + ",localhost:" + allowedUdp.getLocalPort() + ",localhost:" + allowedHttp.getAddress().getPort();
    }

    Vaas deploySeams(Path dir) {
        GuestApp seams = GuestApp.withDescriptor("{\"name\": \"seams\", \"permissions\": [\"" + allowlist() + "\"]}")
                .source("s.Seams", SEAMS_CODE);
        return Vaas.builder().deploy(AppSpec.of(seams.writeJar(dir.resolve("seams.jar"))).env(ports()),
                AppSpec.of(BadInputTest.NEIGHBOUR.writeJar(dir.resolve("neighbour.jar")))).build();
    }

    static void assertNothingReachedTheSecrets() {
        assertThat(targetHits.get()).as("connections that reached the target").isZero();
        assertThat(secretHttpHits.get()).as("requests that reached the secret HTTP server").isZero();
        assertThat(secretUdpHits.get()).as("packets that reached the secret UDP socket").isZero();
    }

    // Names shown, IPs used ----------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            nameShownIpUsed          | allowed.invalid at 127.0.0.1:TARGET: 'allowed.invalid' is listed, but the container's own lookup of it gives no address, not 127.0.0.1
            nameShownIpUsedChannel   | allowed.invalid at 127.0.0.1:TARGET: 'allowed.invalid' is listed
            wildcardNameShown        | db.internal.invalid at 127.0.0.1:TARGET: 'db.internal.invalid' is listed
            ipv4MappedIpv6           | allowed.invalid at 127.0.0.1:TARGET
            otherIpOfListedName      | localhost at 127.0.0.2:ALLOWED_UDP: 'localhost' is listed, but the container's own lookup of it gives [127.0.0.1
            datagramChannelNameShown | allowed.invalid at 127.0.0.1:SECRET_UDP
            zeroAddress              | 0.0.0.0:TARGET
            decimalSpelling          | 127.0.0.1:TARGET
            reachabilityProbe        | 127.0.0.1:7
            loggingSocketHandler     | 127.0.0.1:TARGET
            """)
    void anAddressIsCheckedByTheIpItGoesTo(String how, String refused, @TempDir Path dir) {
        try (Vaas vaas = deploySeams(dir)) {
            String result = (String) vaas.rpc("seams.attack", how);
            assertThat(result).startsWith("denied: app 'seams' may not connect to " + withPorts(refused))
                    .contains("list the host as \"net:connect=host:port\"");
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        }
        assertNothingReachedTheSecrets();
    }

    static String withPorts(String text) {
        String out = text;
        for (Map.Entry<String, String> e : ports().entrySet()) {
            out = out.replace(":" + e.getKey(), ":" + e.getValue());
        }
        return out;
    }

    // Time of check, time of use -----------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"packetChangedWhileSent", "socketDisconnectedWhileSent"})
    void aSecondThreadCannotChangeADatagramBetweenTheCheckAndTheSend(String how, @TempDir Path dir)
            throws InterruptedException {
        try (Vaas vaas = deploySeams(dir)) {
            String result = (String) vaas.rpc("seams.attack", how);
            assertThat(result).startsWith("denied: app 'seams' may not connect to 127.0.0.1:" + secretUdp.getLocalPort());
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        }
        // Give a packet that got through the time to be counted.
        Thread.sleep(200);
        assertNothingReachedTheSecrets();
    }

    @Test
    void aProxyOfTheAppsOwnIsAskedOnce(@TempDir Path dir) {
        try (Vaas vaas = deploySeams(dir)) {
            // The copy of its first answer (an allowed plain TCP server, which is no SOCKS proxy) is what is used.
            String result = (String) vaas.rpc("seams.attack", "proxyAnswersTwice");
            assertThat(result).startsWith("failed: ");
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        }
        assertNothingReachedTheSecrets();
    }

    @Test
    void aRequestOfTheAppsOwnIsReadOnceIntoTheJdksOwn(@TempDir Path dir) {
        try (Vaas vaas = deploySeams(dir)) {
            assertThat(vaas.rpc("seams.attack", "requestAnswersTwice")).isEqualTo("ran: allowed");
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        }
        assertNothingReachedTheSecrets();
    }

    // Proxies and redirects inside the HTTP client ---------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            ownProxySelector         | whose proxy selector (s.Seams$
            fixedProxyNotListed      | may not connect to 127.0.0.1:SECRET_HTTP
            webSocketFollowsRedirect | opened a WebSocket with an HttpClient that follows redirects (ALWAYS)
            """)
    void theHttpClientGoesNowhereTheAllowlistDoesNotName(String how, String refused, @TempDir Path dir) {
        try (Vaas vaas = deploySeams(dir)) {
            String result = (String) vaas.rpc("seams.attack", how);
            assertThat(result).startsWith("denied: app 'seams' ").contains(withPorts(refused))
                    .containsAnyOf("ProxySelector.of(address)", "list the host as", "followRedirects(HttpClient.Redirect.NEVER)");
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        }
        assertNothingReachedTheSecrets();
    }

    @Test
    void listeningNeedsNetListenWhateverTheChannel(@TempDir Path dir) {
        try (Vaas vaas = deploySeams(dir)) {
            assertThat((String) vaas.rpc("seams.attack", "asyncServer"))
                    .startsWith("denied: app 'seams': ").contains("AsynchronousServerSocketChannel")
                    .contains("permission 'net:listen' allows it");
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        }
    }

    // What an allowlist allows ---------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            byName                  | ran: 1
            byNameUpperCase         | ran: 1
            byResolvedAddress       | ran: true
            byNameWithItsOwnIp      | ran: 1
            datagramToListedName    | ran: sent
            httpToListedName        | ran: allowed
            httpWithRequestSubclass | ran: allowed
            """)
    void listedNamesConnectAtTheAddressesTheyResolveTo(String how, String expected, @TempDir Path dir) {
        try (Vaas vaas = deploySeams(dir)) {
            assertThat(vaas.rpc("seams.attack", how)).isEqualTo(expected);
        }
        assertNothingReachedTheSecrets();
    }

    @Test
    void ipEntriesMatchTheAddressHoweverItIsSpelled() throws IOException {
        NetAllowlist list = NetAllowlist.of(List.of("net:connect=127.0.0.1:80,[::1]:81,api.example.com.:443,"
                + "*.Internal:*,bücher.example:8080"));
        for (String spelling : List.of("127.0.0.1", "127.1", "2130706433", "::ffff:127.0.0.1", "[::ffff:7f00:1]")) {
            assertThat(list.allows(spelling, 80)).as(spelling).isTrue();
        }
        assertThat(list.allowsAddress(InetAddress.getByAddress("anything", new byte[] {127, 0, 0, 1}), 80)).isTrue();
        assertThat(list.allows("0:0:0:0:0:0:0:1", 81)).isTrue();
        assertThat(list.allows("0.0.0.0", 80)).isFalse();
        assertThat(list.allows("127.0.0.2", 80)).isFalse();
        // Names: no case, no final dot, international names in ASCII; *.suffix is for names, never for IP literals.
        assertThat(list.allows("API.Example.COM", 443)).isTrue();
        assertThat(list.allows("api.example.com.", 443)).isTrue();
        assertThat(list.allows("db.internal.", 5432)).isTrue();
        assertThat(list.allows("xn--bcher-kva.example", 8080)).isTrue();
        assertThat(list.allows("BÜCHER.example", 8080)).isTrue();
        assertThat(list.allows("api.example.com..", 443)).isFalse();
        assertThat(list.allows("evil.com/.internal", 443)).isFalse();
        assertThatThrownBy(() -> NetAllowlist.of(List.of("net:connect=*.0.1:*"))).hasMessageContaining(
                "net:connect entry \"*.0.1:*\" has no valid host");
        assertThat(list.allowsName("127.0.0.1", 80)).isFalse();
    }

    // Unix domain sockets ----------------------------------------------------------------------------------------

    /** A Unix domain server socket of the host's, outside any app's root, counting the connections it accepts. */
    record HostSocket(ServerSocketChannel channel, Path path, AtomicInteger hits) implements AutoCloseable {
        static HostSocket open(Path dir) throws IOException {
            Path path = dir.resolve("host.sock");
            ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            channel.bind(UnixDomainSocketAddress.of(path));
            AtomicInteger hits = new AtomicInteger();
            Thread.ofPlatform().daemon().start(() -> {
                while (channel.isOpen()) {
                    try (var c = channel.accept()) {
                        hits.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            return new HostSocket(channel, path, hits);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    Vaas deployUnix(Path dir, String permissions, AppFiles files, Path hostSocket, Path hostDir) {
        GuestApp unix = GuestApp.withDescriptor("{\"name\": \"unixapp\", \"permissions\": [" + permissions + "]}")
                .source("u.Unix", UNIX_CODE);
        AppSpec spec = AppSpec.of(unix.writeJar(dir.resolve("unix.jar")))
                .env(Map.of("HOST_SOCKET", hostSocket.toString(), "HOST_DIR", hostDir.toString(),
                        "TCP_ADDRESS", serialized(new InetSocketAddress("127.0.0.1", target.getLocalPort()))));
        return Vaas.builder().deploy(files == null ? spec : spec.files(files),
                AppSpec.of(BadInputTest.NEIGHBOUR.writeJar(dir.resolve("neighbour.jar")))).build();
    }

    static String serialized(Object value) {
        var bytes = new java.io.ByteArrayOutputStream();
        try (var out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return java.util.Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hostSocket", "hostSocketConnect", "bindOnHost", "bindOnHostAsNetworkChannel", "bindNowhere"})
    void aBareNetConnectDoesNotReachUnixDomainSockets(String how, @TempDir Path dir, @TempDir Path hostDir,
                                                      @TempDir Path root) throws IOException {
        try (HostSocket host = HostSocket.open(hostDir);
             Vaas vaas = deployUnix(dir, "\"net:connect\", \"net:listen\", \"files:read\", \"files:write\"",
                     AppFiles.folder(root), host.path(), hostDir)) {
            String result = (String) vaas.rpc("unixapp.attack", how);
            assertThat(result).startsWith("denied: app 'unixapp' uses a Unix domain socket (")
                    .contains("permission 'net:unix' allows it");
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
            assertThat(host.hits().get()).isZero();
        }
        try (var files = Files.list(hostDir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("host.sock");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hostSocket", "hostSocketConnect"})
    void unixSocketPathsAreTheAppsOwnUnderItsRoot(String how, @TempDir Path dir, @TempDir Path hostDir,
                                                  @TempDir Path root) throws IOException {
        try (HostSocket host = HostSocket.open(hostDir);
             Vaas vaas = deployUnix(dir, "\"net:unix\"", AppFiles.folder(root), host.path(), hostDir)) {
            // The host's path names a place under the app's root, where there is no socket.
            String result = (String) vaas.rpc("unixapp.attack", how);
            assertThat(result).startsWith("failed: java.net.SocketException").doesNotContain(root.toString());
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
            assertThat(host.hits().get()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            listenThroughUnixChannels | listening on a port               | net:listen
            bindThroughUnixChannels   | binding to a port                 | net:connect
            """)
    void netUnixIsNoWayToTheNetwork(String how, String use, String permission, @TempDir Path dir,
                                    @TempDir Path hostDir, @TempDir Path root) throws IOException {
        try (HostSocket host = HostSocket.open(hostDir);
             Vaas vaas = deployUnix(dir, "\"net:unix\"", AppFiles.folder(root), host.path(), hostDir)) {
            assertThat((String) vaas.rpc("unixapp.attack", how)).isEqualTo("denied: app 'unixapp' uses " + withPorts(use)
                    + ", which the app's permissions do not allow; permission '" + permission + "' allows it (add it "
                    + "to \"permissions\" in vaas.json)");
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        }
        assertNothingReachedTheSecrets();
    }

    @Test
    void anIpAddressCannotBeSmuggledInByDeserialization(@TempDir Path dir, @TempDir Path hostDir, @TempDir Path root)
            throws IOException {
        try (HostSocket host = HostSocket.open(hostDir);
             Vaas vaas = deployUnix(dir, "\"net:unix\"", AppFiles.folder(root), host.path(), hostDir)) {
            // The stream may carry only the app's classes and JDK values: the address never reaches the channel.
            assertThat((String) vaas.rpc("unixapp.attack", "tcpThroughUnixChannels"))
                    .startsWith("failed: java.io.InvalidClassException");
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        }
        assertNothingReachedTheSecrets();
    }

    @Test
    void bindingAUnixSocketMakesItsFileUnderTheAppsRootOnly(@TempDir Path dir, @TempDir Path hostDir,
                                                              @TempDir Path root) throws IOException {
        Path realRoot = root.toRealPath();
        try (HostSocket host = HostSocket.open(hostDir);
             Vaas vaas = deployUnix(dir, "\"net:unix\", \"net:listen\", \"files:read\", \"files:write\"",
                     AppFiles.folder(root), host.path(), hostDir)) {
            assertThat(vaas.rpc("unixapp.attack", "ownSocket")).isEqualTo("ran: /app.sock /app.sock hi");
            assertThat(realRoot.resolve("app.sock")).exists();
            // The host folder's path names a folder under the app's root, which does not exist there.
            for (String how : List.of("bindOnHost", "bindOnHostAsNetworkChannel")) {
                assertThat((String) vaas.rpc("unixapp.attack", how)).as(how).startsWith("failed: ")
                        .doesNotContain(realRoot.toString());
            }
            String nowhere = (String) vaas.rpc("unixapp.attack", "bindNowhere");
            assertThat(nowhere).startsWith("ran: /tmp/socket_");
            assertThat(realRoot.resolve(nowhere.substring("ran: /".length()))).exists();
            assertThat(host.hits().get()).isZero();
        }
        try (var files = Files.list(hostDir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("host.sock");
        }
    }

    @Test
    void unixSocketsNeedAFolderRootAndBindingNeedsWrites(@TempDir Path dir, @TempDir Path hostDir,
                                                         @TempDir Path root) throws IOException {
        try (HostSocket host = HostSocket.open(hostDir)) {
            try (Vaas vaas = deployUnix(dir, "\"net:unix\"", null, host.path(), hostDir)) {
                assertThat((String) vaas.rpc("unixapp.attack", "hostSocket"))
                        .startsWith("denied: app 'unixapp' has no file root, and the paths of its Unix domain sockets "
                                + "are under it").contains("AppSpec.files(AppFiles.folder(...))");
                assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
            }
            try (Vaas vaas = deployUnix(dir, "\"net:unix\", \"net:listen\"", AppFiles.folder(root), host.path(),
                    hostDir)) {
                assertThat((String) vaas.rpc("unixapp.attack", "ownSocket"))
                        .startsWith("failed: java.nio.file.AccessDeniedException: /app.sock").contains("files:write");
                assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
            }
            assertThat(host.hits().get()).isZero();
        }
    }

    // An RPC caller's identity -------------------------------------------------------------------------------------

    static final GuestApp RELAY = GuestApp.withDescriptor("{\"name\": \"relay\", \"permissions\": [\"rpc\"]}")
            .source("b.Relay", """
                    package b;
                    import io.vaas.api.*;
                    /** Calls what it is told to: as a route, or as a function whoever holds one applies. */
                    public class Relay implements java.util.function.Function<String, Object> {
                        @Override public Object apply(String target) { return Rpc.call(target, null); }
                        @VaasServer(type = ServerType.RPC) public String ping() { return "pong from relay"; }
                        @VaasServer(type = ServerType.RPC) public Object callOn(String target) { return Rpc.call(target, null); }
                    }
                    """);

    static final GuestApp SNEAKY = GuestApp.withDescriptor("{\"name\": \"sneaky\", \"permissions\": [\"rpc\", "
            + "\"reflection\"]}").source("a.Sneaky", """
            package a;
            import io.vaas.api.*;
            import java.util.concurrent.atomic.AtomicReference;
            import java.util.function.Function;
            public class Sneaky {
                interface Step { Object run() throws Throwable; }
                static String attempt(Step s) {
                    try {
                        return "ran: " + s.run();
                    } catch (SecurityException e) {
                        return "denied: " + e.getMessage();
                    } catch (Throwable t) {
                        return "failed: " + t;
                    }
                }
                /** A thread whose overridable methods the host and other apps call while they run on it. */
                static class Spy extends Thread {
                    volatile ClassLoader borrowed;
                    volatile String inside;
                    volatile boolean callFromInside;
                    Spy(Runnable r) { super(r); }
                    @Override public void setContextClassLoader(ClassLoader l) {
                        if (l != null && l != Sneaky.class.getClassLoader()) { borrowed = l; }
                        super.setContextClassLoader(l);
                    }
                    @Override public ClassLoader getContextClassLoader() {
                        ClassLoader l = super.getContextClassLoader();
                        if (callFromInside && inside == null && l != Sneaky.class.getClassLoader()) {
                            // This runs inside another app's call: call out from there.
                            inside = attempt(() -> Rpc.call("neighbour.ping", null));
                        }
                        return l;
                    }
                }
                @VaasServer(type = ServerType.RPC) public String attack(String how) throws Exception {
                    AtomicReference<String> out = new AtomicReference<>();
                    AtomicReference<Spy> self = new AtomicReference<>();
                    Spy spy = new Spy(() -> {
                        Spy me = self.get();
                        switch (how) {
                            case "fromItsOwnThread" -> out.set(attempt(() -> Rpc.call("neighbour.ping", null)));
                            case "borrowedLoader" -> {
                                Rpc.call("relay.ping", null);
                                out.set(me.borrowed == null ? "no loader of another app reached the thread" : attempt(() -> {
                                    @SuppressWarnings("unchecked")
                                    Function<String, Object> relay = (Function<String, Object>) me.borrowed
                                            .loadClass("b.Relay").getConstructor().newInstance();
                                    return relay.apply("neighbour.ping");
                                }));
                            }
                            case "insideAnotherCall" -> {
                                me.callFromInside = true;
                                Rpc.call("relay.callOn", "neighbour.ping");
                                out.set(me.inside == null ? "never called inside the relay's call" : me.inside);
                            }
                            default -> out.set("unknown " + how);
                        }
                    });
                    self.set(spy);
                    spy.start();
                    spy.join();
                    return out.get();
                }
            }
            """);

    Vaas deployRpc(Path dir) {
        return Vaas.builder().deploy(AppSpec.of(SNEAKY.writeJar(dir.resolve("sneaky.jar"))),
                AppSpec.of(RELAY.writeJar(dir.resolve("relay.jar"))),
                AppSpec.of(BadInputTest.NEIGHBOUR.writeJar(dir.resolve("neighbour.jar")))).build();
    }

    @Test
    void anAppsCodeOnAnotherAppsThreadDoesNotCallInItsName(@TempDir Path dir) {
        try (Vaas vaas = deployRpc(dir)) {
            // The sneaky app's Thread subclass waits for the relay's loader in setContextClassLoader: the relay's
            // call runs on the relay's own worker, so the loader never reaches it. (Were it to, running the relay's
            // code on the sneaky thread would still not call in the relay's name: RpcCaller.)
            assertThat((String) vaas.rpc("sneaky.attack", "borrowedLoader"))
                    .isEqualTo("no loader of another app reached the thread");
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        }
    }

    @Test
    void anAppsCodeInsideAnotherAppsCallDoesNotCallOut(@TempDir Path dir) {
        try (Vaas vaas = deployRpc(dir)) {
            // The relay's call does not run on the sneaky app's thread, so the host never asks that thread for its
            // loader from inside the relay's call, and the sneaky override has no call to act inside.
            assertThat((String) vaas.rpc("sneaky.attack", "insideAnotherCall"))
                    .isEqualTo("never called inside the relay's call");
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        }
    }

    @Test
    void anAppCallsOtherAppsFromThreadsItStarted(@TempDir Path dir) {
        try (Vaas vaas = deployRpc(dir)) {
            assertThat(vaas.rpc("sneaky.attack", "fromItsOwnThread")).isEqualTo("ran: pong");
        }
    }
}
