package io.vaas;

import io.vaas.api.HttpRequest;
import io.vaas.api.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Route discovery and calls, RPC and HTTP, against a real compiled guest app deployed from a jar. */
class CallTest {

    static final GuestApp CALC = GuestApp.withDescriptor("{\"name\": \"calc\", \"version\": \"2.1.0\"}")
            .source("calc.Calc", """
                    package calc;
                    import io.vaas.api.*;
                    import java.util.*;
                    public class Calc {
                        public record AddArgs(int a, int b) {}
                        public record Range(int from, int to) {
                            public Range { if (from > to) throw new IllegalArgumentException("from > to"); }
                        }
                        @VaasServer(type = ServerType.RPC) public int width(Range r) { return r.to() - r.from(); }
                        public record Item(String name, int qty) {}
                        @VaasServer(type = ServerType.RPC) public int add(AddArgs args) { return args.a() + args.b(); }
                        @VaasServer(type = ServerType.RPC) public List<Item> items(Map<String, Integer> counts) {
                            List<Item> out = new ArrayList<>();
                            new TreeMap<>(counts).forEach((k, v) -> out.add(new Item(k, v)));
                            return out;
                        }
                        @VaasServer(type = ServerType.RPC) public String ping() { return "pong"; }
                        @VaasServer(type = ServerType.RPC) public void nothing() { }
                        @VaasServer(type = ServerType.RPC) public long twice(long x) { return 2 * x; }
                        @VaasServer(type = ServerType.RPC) public int fail(String kind) {
                            if (kind.equals("vaas")) throw new VaasException(409, "taken", "the name is taken");
                            throw new IllegalStateException("boom " + kind, new ArithmeticException("inner"));
                        }
                        @VaasServer(type = ServerType.RPC, route = "static-hello") public static String hi() { return "hi"; }
                        @VaasServer(method = "GET", route = "/hello/{name}") public Map<String, String> hello(HttpParams p) {
                            return Map.of("hello", p.req().params().get("name"),
                                    "q", String.valueOf(p.req().queryParam("q")),
                                    "h", String.valueOf(p.req().header("X-Test")));
                        }
                        @VaasServer(method = "POST", route = "/orders") public Map<String, Object> order(Item item) {
                            return Map.of("ordered", item.name(), "qty", item.qty());
                        }
                        @VaasServer(method = "GET", route = "/text") public String text() { return "plain"; }
                        @VaasServer(method = "GET", route = "/bytes") public byte[] bytes() { return new byte[] {1, 2, 3}; }
                        @VaasServer(method = "DELETE", route = "/orders/{id}") public void delete(HttpRequest r) { }
                        @VaasServer(method = "GET", route = "/custom") public HttpResponse custom() {
                            return HttpResponse.text(201, "made").withHeader("X-Made", "yes");
                        }
                        @VaasServer(method = "GET", route = "/orders/special") public String special() { return "special"; }
                        @VaasServer(method = "GET", route = "/files/{path*}") public String file(HttpParams p) {
                            return "file " + p.req().params().get("path");
                        }
                        @VaasServer(method = "GET", route = "/files/index") public String index() { return "index"; }
                        @VaasServer(method = "GET", route = "/whoami") public String whoami(HttpRequest r) {
                            return r.host() + " " + (r.remoteAddress().startsWith("127.0.0.1:") ? "local" : "?");
                        }
                        @VaasServer(method = "GET", route = "/lines") public java.util.stream.Stream<String> lines() {
                            return java.util.stream.Stream.of("one\\n", "two\\n", "three\\n");
                        }
                        @VaasServer(method = "GET", route = "/items") public Iterator<Item> itemsStream() {
                            return List.of(new Item("tea", 1), new Item("cake", 2)).iterator();
                        }
                        @VaasServer(method = "GET", route = "/published") public java.util.concurrent.Flow.Publisher<String> published() {
                            java.util.concurrent.SubmissionPublisher<String> p = new java.util.concurrent.SubmissionPublisher<>();
                            new Thread(() -> {
                                try { Thread.sleep(20); } catch (InterruptedException e) { }
                                p.submit("a"); p.submit("b"); p.close();
                            }).start();
                            return p;
                        }
                        @VaasServer(method = "GET", route = "/stream") public java.io.InputStream stream() {
                            return new java.io.ByteArrayInputStream(new byte[] {4, 5});
                        }
                        @VaasServer(method = "GET", route = "/broken") public String broken() {
                            throw new IllegalStateException("broken on purpose");
                        }
                        @VaasServer(method = "GET", route = "/orders/{id}") public String byId(HttpParams p) {
                            return "order " + p.req().params().get("id");
                        }
                        @VaasServer(method = "GET", route = "/boom") public String boom() { throw new IllegalStateException("kaput"); }
                        @VaasServer(method = "GET", route = "/teapot") public String teapot() {
                            throw new VaasException(418, "teapot", "short and stout");
                        }
                        @VaasServer public String defaultRoute() { return "default"; }
                    }
                    """);

    static Vaas vaas;

    @BeforeAll
    static void deploy(@TempDir Path dir) {
        vaas = Vaas.builder().deploy(AppSpec.of(CALC.writeJar(dir.resolve("calc.jar")))).build();
    }

    @AfterAll
    static void close() {
        vaas.close();
    }

    @Test
    void rpcBindsRecordArgumentsAndReturnsPlainValues() {
        assertThat(vaas.rpc("calc.add", Map.of("a", 1, "b", 2))).isEqualTo(3);
        assertThat(vaas.rpc("calc.ping")).isEqualTo("pong");
        assertThat(vaas.rpc("calc.nothing")).isNull();
        assertThat(vaas.rpc("calc.twice", 21)).isEqualTo(42L);
        assertThat(vaas.rpc("calc.static-hello")).isEqualTo("hi");
        Object items = vaas.rpc("calc.items", Map.of("tea", 2, "cake", 1));
        assertThat(items).isEqualTo(List.of(Map.of("name", "cake", "qty", 1), Map.of("name", "tea", "qty", 2)));
        // Results are host values only: no guest class crosses back.
        assertThat(((List<?>) items).getFirst().getClass().getClassLoader()).isNull();
    }

    @Test
    void recordArgumentsBindTheSameWhicheverBinderServesThem() {
        // Exactly typed values take the direct record path; others go through Jackson: same results, same errors.
        assertThat(vaas.rpc("calc.width", Map.of("from", 2, "to", 5))).isEqualTo(3);
        assertThat(vaas.rpc("calc.width", Map.of("from", 2L, "to", "5"))).isEqualTo(3);
        assertThat(vaas.rpc("calc.width", Map.of("from", 2, "to", 5.0))).isEqualTo(3);
        assertThatThrownBy(() -> vaas.rpc("calc.width", Map.of("from", 5, "to", 2)))
                .isInstanceOfSatisfying(VaasCallException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("from > to");
        assertThatThrownBy(() -> vaas.rpc("calc.width", Map.of("from", 1, "to", 2, "by", 1)))
                .isInstanceOfSatisfying(VaasCallException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("\"by\"");
    }

    @Test
    void routesAreFoundOnSuperclassesAndInterfacesTooTheMostSpecificWinning(@TempDir Path dir) {
        GuestApp inherited = GuestApp.withDescriptor("{\"name\": \"kin\", \"entry\": \"k.Child\"}")
                .source("k.Base", """
                        package k;
                        import io.vaas.api.*;
                        public class Base {
                            @VaasServer(type = ServerType.RPC) public String hello() { return "base hello"; }
                            @VaasServer(type = ServerType.RPC) public String who() { return "base"; }
                        }
                        """)
                .source("k.Greets", """
                        package k;
                        import io.vaas.api.*;
                        public interface Greets {
                            @VaasServer(type = ServerType.RPC) default String greet() { return "greet from the interface"; }
                            @VaasServer(type = ServerType.RPC) static String hidden() { return "not inherited"; }
                        }
                        """)
                .source("k.Child", """
                        package k;
                        import io.vaas.api.*;
                        public class Child extends Base implements Greets {
                            @Override @VaasServer(type = ServerType.RPC) public String who() { return "child"; }
                        }
                        """);
        try (Vaas kin = Vaas.builder().deploy(AppSpec.of(inherited.writeJar(dir.resolve("kin.jar")))).build()) {
            assertThat(kin.rpc("kin.hello")).isEqualTo("base hello");
            assertThat(kin.rpc("kin.who")).isEqualTo("child");
            assertThat(kin.rpc("kin.greet")).isEqualTo("greet from the interface");
            assertThat(kin.app("kin").orElseThrow().routes()).containsExactlyInAnyOrder("RPC greet", "RPC hello",
                    "RPC who");
        }
    }

    @Test
    void typedRpcConvertsToHostTypes() {
        assertThat(vaas.rpc("calc.add", Map.of("a", 40, "b", 2), Integer.class)).isEqualTo(42);
        assertThat(vaas.app("calc").orElseThrow().rpc("add", Map.of("a", 1, "b", 1), Long.class)).isEqualTo(2L);
    }

    @Test
    void rpcErrorsNameAppAndRouteAndCarryStatus() {
        assertThatThrownBy(() -> vaas.rpc("calc.fail", "vaas"))
                .isInstanceOfSatisfying(VaasCallException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.code()).isEqualTo("taken");
                    assertThat(e.app()).isEqualTo("calc");
                    assertThat(e.route()).isEqualTo("fail");
                    assertThat(e).hasMessageContaining("app 'calc' route 'fail'").hasMessageContaining("the name is taken");
                });
        assertThatThrownBy(() -> vaas.rpc("calc.fail", "other"))
                .isInstanceOfSatisfying(VaasCallException.class, e -> {
                    assertThat(e.status()).isEqualTo(500);
                    assertThat(e).hasMessageContaining("java.lang.IllegalStateException: boom other");
                    // The guest's exception is copied, not kept: the cause chain is made of host classes.
                    assertThat(e.getCause()).isInstanceOf(GuestFailure.class);
                    assertThat(((GuestFailure) e.getCause()).guestClass()).isEqualTo("java.lang.IllegalStateException");
                    assertThat(e.getCause().getCause()).hasMessage("inner");
                    assertThat(e.getCause().getStackTrace()[0].getClassName()).isEqualTo("calc.Calc");
                });
    }

    @Test
    void rpcRefusesUnknownAppsRoutesAndBadArguments() {
        assertThatThrownBy(() -> vaas.rpc("nope.add", Map.of()))
                .isInstanceOfSatisfying(VaasCallException.class, e -> assertThat(e.status()).isEqualTo(404))
                .hasMessageContaining("no app 'nope'").hasMessageContaining("calc");
        assertThatThrownBy(() -> vaas.rpc("calc.subtract", Map.of()))
                .isInstanceOfSatisfying(VaasCallException.class, e -> assertThat(e.status()).isEqualTo(404))
                .hasMessageContaining("no RPC route 'subtract'").hasMessageContaining("add");
        assertThatThrownBy(() -> vaas.rpc("calc.add", Map.of("a", "one", "b", 2)))
                .isInstanceOfSatisfying(VaasCallException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("field 'a'");
        assertThatThrownBy(() -> vaas.rpc("calc.add", Map.of("a", 1, "b", 2, "c", 3)))
                .isInstanceOfSatisfying(VaasCallException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("\"c\"");
        assertThatThrownBy(() -> vaas.rpc("noDot", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("app.route");
        // An HTTP route is not an RPC route.
        assertThatThrownBy(() -> vaas.rpc("calc.text")).isInstanceOf(VaasCallException.class);
    }

    @Test
    void httpMatchesMethodPathAndParameters() {
        HttpResponse r = vaas.http("calc", HttpRequest.get("/hello/w%C3%B6rld?q=1").withHeader("X-Test", "yes"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("application/json");
        assertThat(r.bodyText()).contains("\"hello\":\"wörld\"").contains("\"q\":\"1\"").contains("\"h\":\"yes\"");

        HttpResponse order = vaas.http("calc", HttpRequest.post("/orders", "{\"name\":\"tea\",\"qty\":3}"));
        assertThat(order.bodyText()).contains("\"ordered\":\"tea\"").contains("\"qty\":3");

        assertThat(vaas.http("calc", HttpRequest.get("/text")).bodyText()).isEqualTo("plain");
        assertThat(vaas.http("calc", HttpRequest.get("/text")).contentType()).startsWith("text/plain");
        assertThat(vaas.http("calc", HttpRequest.get("/bytes")).body()).containsExactly(1, 2, 3);
        assertThat(vaas.http("calc", HttpRequest.delete("/orders/7")).status()).isEqualTo(204);
        HttpResponse custom = vaas.http("calc", HttpRequest.get("/custom"));
        assertThat(custom.status()).isEqualTo(201);
        assertThat(custom.header("x-made")).isEqualTo("yes");
        assertThat(vaas.http("calc", HttpRequest.get("/orders/special")).bodyText()).isEqualTo("special");
        assertThat(vaas.http("calc", HttpRequest.get("/orders/9/")).bodyText()).isEqualTo("order 9");
        assertThat(vaas.http("calc", HttpRequest.of("PATCH", "/defaultRoute")).bodyText()).isEqualTo("default");
        assertThat(vaas.http("calc", HttpRequest.get("/files/docs/a%20b.txt")).bodyText()).isEqualTo("file docs/a b.txt");
        assertThat(vaas.http("calc", HttpRequest.get("/files")).bodyText()).isEqualTo("file ");
        assertThat(vaas.http("calc", HttpRequest.get("/stream")).body()).containsExactly(4, 5);
        assertThat(vaas.http("calc", HttpRequest.get("/lines")).bodyText()).isEqualTo("one\ntwo\nthree\n");
        HttpResponse items = vaas.http("calc", HttpRequest.get("/items"));
        assertThat(items.contentType()).isEqualTo("application/x-ndjson");
        assertThat(items.bodyText()).isEqualTo("{\"name\":\"tea\",\"qty\":1}\n{\"name\":\"cake\",\"qty\":2}\n");
        assertThat(vaas.http("calc", HttpRequest.get("/published")).bodyText()).isEqualTo("ab");
        // A literal route wins over the wildcard.
        assertThat(vaas.http("calc", HttpRequest.get("/files/index")).bodyText()).isEqualTo("index");
    }

    @Test
    void theStackOfAnErrorIsShownOnlyWhenTheAppAsks(@TempDir Path dir) {
        HttpResponse hidden = vaas.http("calc", HttpRequest.get("/broken"));
        assertThat(hidden.status()).isEqualTo(500);
        assertThat(hidden.bodyText()).contains("broken on purpose").doesNotContain("\"stack\"");
        try (Vaas dev = Vaas.builder().deploy(AppSpec.of("dev", CALC.writeJar(dir.resolve("dev.jar")))
                .config("{\"showErrorStack\": true}")).build()) {
            HttpResponse shown = dev.http("dev", HttpRequest.get("/broken"));
            assertThat(shown.status()).isEqualTo(500);
            assertThat(shown.bodyText()).contains("\"stack\"").contains("java.lang.IllegalStateException: broken on "
                    + "purpose").contains("calc.Calc.broken(Calc.java").doesNotContain("io.vaas.run")
                    .doesNotContain("junit");
        }
    }

    @Test
    void httpErrorsAreResponsesThatNameAppAndRoute() {
        HttpResponse boom = vaas.http("calc", HttpRequest.get("/boom"));
        assertThat(boom.status()).isEqualTo(500);
        assertThat(boom.bodyText()).contains("\"app\":\"calc\"").contains("GET /boom").contains("kaput");

        HttpResponse teapot = vaas.http("calc", HttpRequest.get("/teapot"));
        assertThat(teapot.status()).isEqualTo(418);
        assertThat(teapot.bodyText()).contains("\"error\":\"teapot\"").contains("short and stout");

        HttpResponse notFound = vaas.http("calc", HttpRequest.get("/missing"));
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.bodyText()).contains("GET /missing").contains("GET /text");

        HttpResponse wrongMethod = vaas.http("calc", HttpRequest.post("/text", "x"));
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.header("Allow")).isEqualTo("GET");

        HttpResponse badBody = vaas.http("calc", HttpRequest.post("/orders", "{\"name\":\"tea\",\"qty\":\"lots\"}"));
        assertThat(badBody.status()).isEqualTo(400);
        assertThat(badBody.bodyText()).contains("field 'qty'");

        HttpResponse notJson = vaas.http("calc", HttpRequest.post("/orders", "{oops"));
        assertThat(notJson.status()).isEqualTo(400);

        HttpResponse noBody = vaas.http("calc", HttpRequest.of("POST", "/orders"));
        assertThat(noBody.status()).isEqualTo(400);
        assertThat(noBody.bodyText()).contains("needs a JSON body");

        HttpResponse noApp = vaas.http("nope", HttpRequest.get("/"));
        assertThat(noApp.status()).isEqualTo(404);
        assertThat(noApp.bodyText()).contains("no app 'nope'");
    }

    @Test
    void handleDescribesTheApp() {
        AppHandle calc = vaas.app("calc").orElseThrow();
        assertThat(calc.config().version()).isEqualTo("2.1.0");
        assertThat(calc.routes()).contains("RPC add", "RPC static-hello", "GET /hello/{name}", "* /defaultRoute");
        assertThat(vaas.app("nope")).isEmpty();
    }
}
