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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP gateway: a real Jetty server on 127.0.0.1 serving the container's apps, called by a real client. */
class GatewayTest {

    static Vaas vaas;
    static Gateway gateway;
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start(@TempDir Path dir) {
        vaas = Vaas.builder().deploy(AppSpec.of(CallTest.CALC.writeJar(dir.resolve("calc.jar")))
                        .config("{\"hosts\": [\"calc.example\"]}"),
                AppSpec.of(BadInputTest.NEIGHBOUR.writeJar(dir.resolve("neighbour.jar")))).build();
        gateway = Gateway.start(new VaasHandler(vaas).maxBodyBytes(1024), "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        vaas.close();
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static URI at(String path) {
        return URI.create(gateway.url() + path);
    }

    @Test
    void theFirstPathSegmentNamesTheApp() throws Exception {
        HttpResponse<String> text = send(HttpRequest.newBuilder(at("/calc/text")));
        assertThat(text.statusCode()).isEqualTo(200);
        assertThat(text.body()).isEqualTo("plain");
        assertThat(text.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));

        HttpResponse<String> hello = send(HttpRequest.newBuilder(at("/calc/hello/w%C3%B6rld?q=1")).header("X-Test", "yes"));
        assertThat(hello.body()).contains("\"hello\":\"wörld\"").contains("\"q\":\"1\"").contains("\"h\":\"yes\"");

        HttpResponse<String> order = send(HttpRequest.newBuilder(at("/calc/orders"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"tea\",\"qty\":3}")));
        assertThat(order.body()).contains("\"ordered\":\"tea\"");

        assertThat(send(HttpRequest.newBuilder(at("/calc/whoami"))).body()).isEqualTo("127.0.0.1 local");

        // Streamed results arrive as chunks (no Content-Length).
        HttpResponse<java.util.stream.Stream<String>> lines = CLIENT.send(HttpRequest.newBuilder(at("/calc/lines")).build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(lines.headers().firstValue("content-length")).isEmpty();
        assertThat(lines.body().toList()).containsExactly("one", "two", "three");
        assertThat(send(HttpRequest.newBuilder(at("/calc/published"))).body()).isEqualTo("ab");

        HttpResponse<String> custom = send(HttpRequest.newBuilder(at("/calc/custom")));
        assertThat(custom.statusCode()).isEqualTo(201);
        assertThat(custom.headers().firstValue("x-made")).hasValue("yes");
    }

    @Test
    void badRequestsGetErrorsThatNameWhatWasAsked() throws Exception {
        HttpResponse<String> noApp = send(HttpRequest.newBuilder(at("/nope/x")));
        assertThat(noApp.statusCode()).isEqualTo(404);
        assertThat(noApp.body()).contains("no_such_app").contains("/nope/x").doesNotContain("calc")
                .doesNotContain("neighbour");

        HttpResponse<String> noRoute = send(HttpRequest.newBuilder(at("/calc/missing")));
        assertThat(noRoute.statusCode()).isEqualTo(404);
        assertThat(noRoute.body()).contains("app 'calc'");

        HttpResponse<String> wrongMethod = send(HttpRequest.newBuilder(at("/calc/text")).DELETE());
        assertThat(wrongMethod.statusCode()).isEqualTo(405);

        HttpResponse<String> badJson = send(HttpRequest.newBuilder(at("/calc/orders"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"tea\",\"qty\":\"three\"}")));
        assertThat(badJson.statusCode()).isEqualTo(400);
        assertThat(badJson.body()).contains("qty");

        // Malformed JSON: what the parser met and where, none of the parser's own description of its source.
        HttpResponse<String> notJson = send(HttpRequest.newBuilder(at("/calc/orders"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": tea}")));
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).contains("bad_body").contains("is not valid JSON").contains("line 1, column")
                .doesNotContain("Source").doesNotContain("REDACTED").doesNotContain("StreamReadFeature");

        HttpResponse<String> tooBig = send(HttpRequest.newBuilder(at("/calc/orders"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(5000))));
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(tooBig.body()).contains("body_too_large").contains("1024");

        // An app that failed to load: 503 naming it and why.
        GuestApp broken = GuestApp.named("broken").source("b.B", """
                package b;
                import io.vaas.api.*;
                public class B {
                    public B() { throw new IllegalStateException("no database"); }
                    @VaasServer(method = "GET", route = "/x") public String x() { return "x"; }
                }
                """);
        Path brokenDir = java.nio.file.Files.createTempDirectory("broken");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> vaas.deploy(AppSpec.of(broken.writeJar(
                brokenDir.resolve("broken.jar"))))).isInstanceOf(AppLoadException.class);
        HttpResponse<String> notLoaded = send(HttpRequest.newBuilder(at("/broken/x")));
        assertThat(notLoaded.statusCode()).isEqualTo(503);
        assertThat(notLoaded.body()).contains("app 'broken' could not be loaded").contains("no database")
                .doesNotContain(brokenDir.toString()).doesNotContain("broken.jar");

        // A malformed vaas.json: the name was never read, so the failure counts for the folder's name.
        Path garbled = GuestApp.withDescriptor("{\"name\": \"garbled\", ").source("g.G", """
                package g;
                public class G { }
                """).writeFolder(java.nio.file.Files.createTempDirectory("g").resolve("garbled"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> vaas.deploy(AppSpec.of(garbled)))
                .isInstanceOf(AppLoadException.class).hasMessageContaining("malformed JSON");
        HttpResponse<String> garbledAnswer = send(HttpRequest.newBuilder(at("/garbled/x")));
        assertThat(garbledAnswer.statusCode()).isEqualTo(503);
        assertThat(garbledAnswer.body()).contains("app 'garbled' could not be loaded").contains("malformed JSON")
                .doesNotContain(garbled.toString());

        // The neighbour is fine.
        assertThat(send(HttpRequest.newBuilder(at("/calc/text"))).body()).isEqualTo("plain");
    }

    @Test
    void anAppsHostsNameItWithoutAPrefix() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /text HTTP/1.1\r\nHost: calc.example\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 200").endsWith("plain");
        }
    }

    @Test
    void theAppListInA404IsTheHostsChoice() throws Exception {
        try (Gateway listing = Gateway.start(new VaasHandler(vaas).listAppsWhenNotFound(true), "127.0.0.1", 0)) {
            HttpResponse<String> noApp = send(HttpRequest.newBuilder(URI.create(listing.url() + "/nope/x")));
            assertThat(noApp.statusCode()).isEqualTo(404);
            assertThat(noApp.body()).contains("deployed apps").contains("calc").contains("neighbour");
        }
    }

    @Test
    void routeLiteralsMatchHoweverTheClientEncodesThem(@TempDir Path dir) throws Exception {
        GuestApp menu = GuestApp.named("menu").source("m.M", """
                package m;
                import io.vaas.api.*;
                public class M {
                    @VaasServer(method = "GET", route = "/café/{item}") public String item(HttpRequest r) {
                        return "served " + r.params().get("item");
                    }
                }
                """);
        vaas.deploy(AppSpec.of(menu.writeJar(dir.resolve("menu.jar"))));
        for (String path : new String[] {"/menu/caf%C3%A9/th%C3%A9", "/menu/cafe%CC%81/th%C3%A9"}) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(at(path)));
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.body()).isEqualTo("served thé");
        }
        assertThat(send(HttpRequest.newBuilder(at("/menu/cafe/the"))).statusCode()).isEqualTo(404);
    }

    @Test
    void theAccessLogHasOneEntryPerRequestNamingItsApp() throws Exception {
        java.util.List<io.vaas.http.AccessLog.Entry> entries = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Gateway logged = Gateway.start(new VaasHandler(vaas).accessLog(entries::add), "127.0.0.1", 0)) {
            URI base = URI.create(logged.url());
            send(HttpRequest.newBuilder(base.resolve("/calc/text")));
            send(HttpRequest.newBuilder(base.resolve("/calc/lines")));
            send(HttpRequest.newBuilder(base.resolve("/nope/x")));
            // A sink that throws costs its line only.
            try (Gateway failing = Gateway.start(new VaasHandler(vaas).accessLog(e -> {
                throw new IllegalStateException("disk full");
            }), "127.0.0.1", 0)) {
                assertThat(send(HttpRequest.newBuilder(URI.create(failing.url() + "/calc/text"))).body()).isEqualTo("plain");
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (entries.size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        assertThat(entries).hasSize(3);
        // Entries are written after each response is handed off: in any order.
        java.util.Map<String, io.vaas.http.AccessLog.Entry> byPath = new java.util.HashMap<>();
        entries.forEach(e -> byPath.put(e.path(), e));
        assertThat(byPath.get("/calc/text")).satisfies(e -> {
            assertThat(e.app()).isEqualTo("calc");
            assertThat(e.method()).isEqualTo("GET");
            assertThat(e.path()).isEqualTo("/calc/text");
            assertThat(e.status()).isEqualTo(200);
            assertThat(e.bytes()).isEqualTo(5);
            assertThat(e.remote()).startsWith("127.0.0.1:");
            assertThat(e.line()).matches("127\\.0\\.0\\.1:\\d+ GET /calc/text 200 5 \\d+\\.\\d{3}ms");
        });
        assertThat(byPath.get("/calc/lines").bytes()).as("streamed: the chunks' sum").isEqualTo("onetwothree".length() + 3);
        assertThat(byPath.get("/nope/x").app()).isNull();
        assertThat(byPath.get("/nope/x").status()).isEqualTo(404);
    }

    @Test
    void stoppingLetsTheCallsInFlightFinishAndTakesNoMore(@TempDir Path dir) throws Exception {
        GuestApp slow = GuestApp.named("slow").source("s.S", """
                package s;
                import io.vaas.api.*;
                public class S {
                    @VaasServer(method = "GET", route = "/nap") public String nap() throws InterruptedException {
                        Thread.sleep(800);
                        return "rested";
                    }
                }
                """);
        vaas.deploy(AppSpec.of(slow.writeJar(dir.resolve("slow.jar"))));
        Gateway draining = Gateway.start(new VaasHandler(vaas), "127.0.0.1", 0);
        URI nap = URI.create(draining.url() + "/slow/nap");
        var inFlight = CLIENT.sendAsync(HttpRequest.newBuilder(nap).build(), HttpResponse.BodyHandlers.ofString());
        Thread.sleep(300);
        long start = System.nanoTime();
        draining.close();
        long stopMs = (System.nanoTime() - start) / 1_000_000;
        HttpResponse<String> answered = inFlight.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(answered.body()).isEqualTo("rested");
        assertThat(stopMs).as("close waited for the call").isLessThan(Gateway.STOP_TIMEOUT_MS);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Socket("127.0.0.1", nap.getPort()).close())
                .isInstanceOf(java.io.IOException.class);
    }
}
