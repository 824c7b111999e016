package io.vaas;

import com.sun.net.httpserver.HttpServer;
import io.vaas.policy.NetAllowlist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code net:connect=host:port,…}: guest connections go only where the app's allowlist says, by every way the JDK
 * offers to connect, and the JVM-wide network settings stay out of reach.
 */
class NetAllowlistTest {

    static HttpServer allowed;
    static ServerSocket other;
    static Thread acceptor;

    static final String CLIENT_CODE = """
            package n;
            import io.vaas.api.VaasServer;
            import io.vaas.api.ServerType;
            import java.io.*;
            import java.net.*;
            import java.net.http.*;
            import java.nio.channels.*;
            public class Client {
                interface Step { Object run() throws Throwable; }
                static String attempt(Step s) {
                    try {
                        return "ok: " + s.run();
                    } catch (SecurityException e) {
                        return "denied: " + e.getMessage();
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        return e.getCause() instanceof SecurityException d ? "denied: " + d.getMessage() : "failed: " + e.getCause();
                    } catch (Throwable t) {
                        return "failed: " + t + (t.getCause() != null ? " / " + t.getCause() : "");
                    }
                }
                @VaasServer(type = ServerType.RPC) public String connect(String spec) {
                    String how = spec.substring(0, spec.indexOf(' '));
                    int port = Integer.parseInt(spec.substring(spec.indexOf(' ') + 1));
                    return attempt(() -> switch (how) {
                        case "socket" -> { try (Socket s = new Socket("127.0.0.1", port)) { yield s.isConnected(); } }
                        case "socketConnect" -> {
                            try (Socket s = new Socket()) { s.connect(new InetSocketAddress("127.0.0.1", port), 2000); yield s.isConnected(); }
                        }
                        case "channel" -> { try (SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) { yield c.isConnected(); } }
                        case "boundConnect" -> {
                            // A handle bound to the socket: the same check as the direct call.
                            try (Socket s = new Socket()) {
                                java.lang.invoke.MethodHandles.lookup().bind(s, "connect", java.lang.invoke.MethodType
                                        .methodType(void.class, java.net.SocketAddress.class))
                                        .invoke((java.net.SocketAddress) new InetSocketAddress("127.0.0.1", port));
                                yield s.isConnected();
                            }
                        }
                        case "reflectiveConnect" -> {
                            try (Socket s = new Socket()) {
                                Socket.class.getMethod("connect", java.net.SocketAddress.class)
                                        .invoke(s, new InetSocketAddress("127.0.0.1", port));
                                yield s.isConnected();
                            }
                        }
                        case "factory" -> { try (Socket s = javax.net.SocketFactory.getDefault().createSocket("127.0.0.1", port)) { yield s.isConnected(); } }
                        case "http" -> {
                            HttpClient c = HttpClient.newHttpClient();
                            HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hi")).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            yield r.body();
                        }
                        case "url" -> {
                            try (InputStream in = URI.create("http://127.0.0.1:" + port + "/hi").toURL().openStream()) {
                                yield new String(in.readAllBytes());
                            }
                        }
                        case "datagram" -> {
                            try (DatagramSocket d = new DatagramSocket()) {
                                d.send(new DatagramPacket(new byte[1], 1, new InetSocketAddress("127.0.0.1", port)));
                                yield "sent";
                            }
                        }
                        case "lookup" -> InetAddress.getByName(port == 0 ? "exfiltrate.example.org" : "localhost").getHostAddress();
                        case "lookupAll" -> Inet4Address.getAllByName("secret-data.example.org").length;
                        case "lookupLiteral" -> InetAddress.getByName("127.0.0.1").isLoopbackAddress();
                        case "socketAddress" -> new InetSocketAddress("exfiltrate.example.org", port).isUnresolved();
                        case "socketAddressListed" -> new InetSocketAddress("localhost", port).isUnresolved();
                        case "urlRedirect" -> {
                            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/away").toURL().openConnection();
                            yield c.getResponseCode() + " " + (c.getResponseCode() == 200 ? new String(c.getInputStream().readAllBytes()) : c.getHeaderField("Location"));
                        }
                        case "urlFollow" -> {
                            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/away").toURL().openConnection();
                            c.setInstanceFollowRedirects(true);
                            yield c.getResponseCode();
                        }
                        case "httpFollow" -> HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
                                .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/away")).build(),
                                        HttpResponse.BodyHandlers.ofString()).body();
                        case "subclass" -> { try (Socket s = new Socket() { }) { yield "made"; } }
                        case "authenticator" -> { Authenticator.setDefault(new Authenticator() { }); yield "set"; }
                        case "proxySelector" -> { ProxySelector.setDefault(null); yield "set"; }
                        case "followRedirects" -> { HttpURLConnection.setFollowRedirects(false); yield "set"; }
                        case "jarUrl" -> URI.create("jar:file:/x.jar!/a").toURL().openStream();
                        case "resource" -> {
                            try (InputStream in = Client.class.getResource("/data.txt").openStream()) {
                                yield new String(in.readAllBytes());
                            }
                        }
                        default -> "unknown " + how;
                    });
                }
            }
            """;

    @BeforeAll
    static void servers() throws IOException {
        allowed = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        allowed.createContext("/hi", exchange -> {
            byte[] body = "hello from host".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        // A redirect to the same server under another name, which an allowlist of 127.0.0.1 does not list.
        allowed.createContext("/away", exchange -> {
            exchange.getResponseHeaders().add("Location", "http://localhost:" + allowed.getAddress().getPort() + "/hi");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        allowed.start();
        other = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        acceptor = Thread.ofPlatform().daemon().start(() -> {
            while (!other.isClosed()) {
                try (Socket s = other.accept()) {
                    s.getOutputStream().write(1);
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    @AfterAll
    static void stop() throws IOException {
        allowed.stop(0);
        other.close();
    }

    static int allowedPort() {
        return allowed.getAddress().getPort();
    }

    Vaas deploy(Path dir, String permission) {
        GuestApp client = GuestApp.withDescriptor("{\"name\": \"client\", \"permissions\": [\"" + permission + "\"]}")
                .source("n.Client", CLIENT_CODE).resource("data.txt", "own resource");
        return client.deployWithNeighbour(dir, "client.jar");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"socket", "socketConnect", "channel", "factory", "http", "url", "boundConnect",
            "reflectiveConnect"})
    void connectionsGoOnlyWhereTheAllowlistSays(String how, @TempDir Path dir) {
        try (Vaas vaas = deploy(dir, "net:connect=127.0.0.1:" + allowedPort() + ",*.example.com:443")) {
            String ok = (String) vaas.rpc("client.connect", how + " " + allowedPort());
            assertThat(ok).startsWith("ok: ");
            if (how.equals("http") || how.equals("url")) {
                assertThat(ok).isEqualTo("ok: hello from host");
            }
            String refused = (String) vaas.rpc("client.connect", how + " " + other.getLocalPort());
            assertThat(refused).startsWith("denied: app 'client' may not connect to 127.0.0.1:" + other.getLocalPort())
                    .contains("allows 127.0.0.1:" + allowedPort() + ", *.example.com:443")
                    .contains("net:connect=host:port");
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        }
    }

    @Test
    void datagramsAreCheckedPerPacket(@TempDir Path dir) {
        try (Vaas vaas = deploy(dir, "net:connect=127.0.0.1:" + allowedPort())) {
            assertThat(vaas.rpc("client.connect", "datagram" + " " + allowedPort())).isEqualTo("ok: sent");
            assertThat((String) vaas.rpc("client.connect", "datagram" + " " + other.getLocalPort())).startsWith("denied: ");
        }
    }

    @Test
    void onlyNamesTheAllowlistHoldsAreLookedUp(@TempDir Path dir) {
        try (Vaas vaas = deploy(dir, "net:connect=localhost:" + allowedPort())) {
            assertThat((String) vaas.rpc("client.connect", "lookup 0")).startsWith("denied: app 'client' may not look "
                    + "up 'exfiltrate.example.org': its 'net:connect' permission allows localhost:" + allowedPort()
                    + ", and only names it lists are resolved");
            assertThat((String) vaas.rpc("client.connect", "lookupAll 0")).startsWith("denied: app 'client' may not "
                    + "look up 'secret-data.example.org'");
            // Listed names (on any port) and IP literals resolve; an address for another name stays unresolved.
            assertThat(vaas.rpc("client.connect", "lookup 1")).isEqualTo("ok: 127.0.0.1");
            assertThat(vaas.rpc("client.connect", "lookupLiteral 0")).isEqualTo("ok: true");
            assertThat(vaas.rpc("client.connect", "socketAddress 80")).isEqualTo("ok: true");
            assertThat(vaas.rpc("client.connect", "socketAddressListed 80")).isEqualTo("ok: false");
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        }
        try (Vaas vaas = deploy(dir, "net:connect")) {
            // A bare permission resolves any name (not tried here on an outside name: tests stay off the network).
            assertThat((String) vaas.rpc("client.connect", "lookup 1")).isEqualTo("ok: 127.0.0.1");
        }
    }

    @Test
    void redirectsAreNotFollowedPastTheAllowlist(@TempDir Path dir) {
        try (Vaas vaas = deploy(dir, "net:connect=127.0.0.1:" + allowedPort())) {
            assertThat(vaas.rpc("client.connect", "urlRedirect " + allowedPort()))
                    .isEqualTo("ok: 302 http://localhost:" + allowedPort() + "/hi");
            assertThat((String) vaas.rpc("client.connect", "urlFollow " + allowedPort()))
                    .startsWith("denied: app 'client' asked http://127.0.0.1:" + allowedPort() + "/away to follow "
                            + "redirects").contains("read the 3xx response's Location and open it yourself");
            assertThat((String) vaas.rpc("client.connect", "httpFollow " + allowedPort()))
                    .startsWith("denied: app 'client' sent http://127.0.0.1:" + allowedPort() + "/away with an "
                            + "HttpClient that follows redirects (NORMAL)")
                    .contains("followRedirects(HttpClient.Redirect.NEVER)");
        }
        try (Vaas vaas = deploy(dir, "net:connect")) {
            // Any host allowed: redirects are followed as the JDK does.
            assertThat(vaas.rpc("client.connect", "urlRedirect " + allowedPort())).isEqualTo("ok: 200 hello from host");
            assertThat(vaas.rpc("client.connect", "httpFollow " + allowedPort())).isEqualTo("ok: hello from host");
        }
    }

    @Test
    void aBarePermissionAllowsAnyHost(@TempDir Path dir) {
        try (Vaas vaas = deploy(dir, "net:connect")) {
            assertThat(vaas.rpc("client.connect", "socket" + " " + other.getLocalPort())).isEqualTo("ok: true");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"subclass", "authenticator", "proxySelector", "followRedirects", "jarUrl"})
    void theSideDoorsStayClosedEvenWithThePermission(String how, @TempDir Path dir) {
        try (Vaas vaas = deploy(dir, "net:connect")) {
            String result = (String) vaas.rpc("client.connect", how + " " + 1);
            assertThat(result).as(how).matches("(denied|failed): .*").contains("app 'client'");
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        }
    }

    @Test
    void theAppsOwnResourcesOpenWithoutAnyPermission(@TempDir Path dir) {
        try (Vaas vaas = deploy(dir, "files:read")) {
            assertThat(vaas.rpc("client.connect", "resource" + " " + 0)).isEqualTo("ok: own resource");
            assertThat((String) vaas.rpc("client.connect", "url" + " " + allowedPort())).startsWith("denied: ")
                    .contains("'net:connect'");
        }
    }

    @Test
    void badEntriesAreRefusedNamingThem(@TempDir Path dir) {
        assertThatThrownBy(() -> deploy(dir, "net:connect=example.com"))
                .hasMessageContaining("net:connect entry \"example.com\" is not host:port");
        assertThatThrownBy(() -> deploy(dir, "net:connect=example.com:99999"))
                .hasMessageContaining("has no valid port");
        assertThatThrownBy(() -> deploy(dir, "files:read=/etc"))
                .hasMessageContaining("only net:connect takes a list");
    }

    @Test
    void entriesMatchNamesSuffixesAddressesAndRanges() {
        NetAllowlist list = NetAllowlist.of(List.of("net:connect=api.example.com:443,*.internal:*,[::1]:8000-8100"));
        assertThat(list.allows("API.example.com", 443)).isTrue();
        assertThat(list.allows("api.example.com", 80)).isFalse();
        assertThat(list.allows("db.internal", 5432)).isTrue();
        assertThat(list.allows("internal", 5432)).isFalse();
        assertThat(list.allows("::1", 8050)).isTrue();
        assertThat(list.allows("::1", 8101)).isFalse();
        assertThat(NetAllowlist.of(List.of("files:read", "net:connect")).allowsAny()).isTrue();
    }
}
