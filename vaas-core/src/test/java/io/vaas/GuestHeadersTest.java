package io.vaas;

import io.vaas.http.Gateway;
import io.vaas.http.VaasHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Headers an app may not send on the shared gateway: names that are not HTTP tokens, framing and hop-by-hop headers,
 * the container's {@code X-Vaas-*} names and {@code vaas-*} cookies, values with line breaks. Each is dropped from the
 * response while the app's ordinary headers and cookies pass, and the raw bytes on the wire are checked, not what a
 * lenient client makes of them.
 */
class GuestHeadersTest {

    static final GuestApp FORGER = GuestApp.named("forger").source("f.F", """
            package f;
            import io.vaas.api.*;
            public class F {
                @VaasServer(method = "GET", route = "/forge")
                public HttpResponse forge() {
                    return HttpResponse.text(200, "hello")
                            .withHeader("content-length ", "5000")
                            .withHeader("Content-Length", "1")
                            .withHeader("transfer-encoding", "chunked")
                            .withHeader("connection", "close")
                            .withHeader("x-vaas-version", "9.9.9")
                            .withHeader("set-cookie", "VAAS-version=9.9.9; Path=/")
                            .withHeader("x-split", "a\\r\\nx-injected: 1")
                            .withHeader("bad header", "1")
                            .withHeader("x-kept", "yes")
                            .withHeader("cache-control", "no-store");
                }
                @VaasServer(method = "GET", route = "/cookie/{form}")
                public HttpResponse cookie(HttpRequest r) {
                    String cookie = switch (r.params().get("form")) {
                        case "root" -> "session=abc; Path=/; Domain=example.com; HttpOnly";
                        case "cart" -> "cart=7; path=/cart; Secure";
                        case "bare" -> "bare=1";
                        default -> "odd=1; Path=relative";
                    };
                    return HttpResponse.text(200, "c").withHeader("set-cookie", cookie);
                }
            }
            """);

    static final GuestApp OWNER = GuestApp.withDescriptor("{\"name\": \"owner\", \"hosts\": [\"owner.example\"]}")
            .source("o.O", """
                    package o;
                    import io.vaas.api.*;
                    public class O {
                        @VaasServer(method = "GET", route = "/c")
                        public HttpResponse c() {
                            return HttpResponse.text(200, "c").withHeader("set-cookie", "c=1; Path=/x; Domain=example");
                        }
                    }
                    """);

    static Vaas vaas;
    static Gateway gateway;

    @BeforeAll
    static void start(@TempDir Path dir) {
        vaas = Vaas.builder().deploy(AppSpec.of(FORGER.writeJar(dir.resolve("forger.jar"))),
                AppSpec.of(BadInputTest.NEIGHBOUR.writeJar(dir.resolve("neighbour.jar"))),
                AppSpec.of(OWNER.writeJar(dir.resolve("owner.jar")))).build();
        gateway = Gateway.start(new VaasHandler(vaas), "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        vaas.close();
    }

    /** The response exactly as it crosses the wire, head and body. */
    static String raw(String path) throws Exception {
        return raw(path, "127.0.0.1");
    }

    static String raw(String path, String host) throws Exception {
        URI url = URI.create(gateway.url());
        try (Socket socket = new Socket("127.0.0.1", url.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void headersThatFrameSpeakForTheContainerOrSmuggleAreDropped() throws Exception {
        String response = raw("/forger/forge");
        String head = response.substring(0, response.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
        assertThat(response).startsWith("HTTP/1.1 200");
        assertThat(head).doesNotContain("content-length :").doesNotContain("5000").doesNotContain("chunked")
                .doesNotContain("x-vaas-version").doesNotContain("vaas-version=").doesNotContain("x-split")
                .doesNotContain("x-injected").doesNotContain("bad header");
        // The gateway frames the body itself: one length, the true one.
        assertThat(head.lines().filter(l -> l.startsWith("content-length")).toList()).containsExactly("content-length: 5");
        assertThat(response).endsWith("\r\n\r\nhello");
        assertThat(head).contains("x-kept: yes").contains("cache-control: no-store");
    }

    @Test
    void theAppsCookiesAreScopedToItsOwnPath() throws Exception {
        // The app writes paths in its own space; the browser gets them under the app's prefix, and no Domain.
        assertThat(setCookie("/forger/cookie/root")).isEqualTo("session=abc; Path=/forger; HttpOnly");
        assertThat(setCookie("/forger/cookie/cart")).isEqualTo("cart=7; Path=/forger/cart; Secure");
        assertThat(setCookie("/forger/cookie/bare")).isEqualTo("bare=1; Path=/forger");
        assertThat(setCookie("/forger/cookie/odd")).isEqualTo("odd=1; Path=/forger");
        // An app reached by a host name of its own keeps its paths; a Domain is dropped all the same.
        assertThat(raw("/c", "owner.example")).contains("\r\nSet-Cookie: c=1; Path=/x\r\n");
        assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
    }

    /** The one Set-Cookie line of a raw response, as sent. */
    static String setCookie(String path) throws Exception {
        List<String> lines = raw(path).lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("set-cookie:"))
                .toList();
        assertThat(lines).hasSize(1);
        return lines.get(0).substring("set-cookie:".length()).strip();
    }
}
