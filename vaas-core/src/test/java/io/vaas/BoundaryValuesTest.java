package io.vaas;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.vaas.api.HttpRequest;
import io.vaas.api.HttpResponse;
import io.vaas.files.AppFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Values that cross between the host and an app do so in the app's world: a {@code Class} through the app's loader,
 * a {@code Path} or {@code File} on the app's own file root, a {@code URL} of a protocol the app may open; live JDK
 * objects (threads, loaders, streams, addresses, reflection objects) are never made from a client's JSON nor written
 * out of an app. Adversarial clients send host class names, host paths and gadget types, by RPC, HTTP and in calls
 * between apps; each is refused with an error naming the field, or contained in the app's world, and the neighbour
 * answers right after.
 */
class BoundaryValuesTest {

    static final GuestApp BINDER = GuestApp.withDescriptor("{\"name\": \"binder\", \"permissions\": [\"files:read\", \"rpc\"]}")
            .lib("jackson-annotations", jacksonAnnotations())
            .source("b.Binder", """
                    package b;
                    import io.vaas.api.*;
                    import com.fasterxml.jackson.annotation.JsonTypeInfo;
                    import java.io.*;
                    import java.net.*;
                    import java.nio.file.*;
                    import java.util.*;
                    public class Binder {
                        public record Where(Path where) { }
                        public record Many(List<Path> paths, Map<Path, String> byPath, Map<String, File> files) { }
                        public record Holder(@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS,
                                include = JsonTypeInfo.As.WRAPPER_ARRAY) Object value) { }
                        public record Live(Thread thread) { }
                        @VaasServer(type = ServerType.RPC) public String className(Class<?> c) { return c.getName(); }
                        @VaasServer(type = ServerType.RPC) public String readPath(Path p) throws IOException {
                            return p + " -> " + Files.readString(p);
                        }
                        @VaasServer(type = ServerType.RPC) public String readFile(File f) throws IOException {
                            try (InputStream in = new FileInputStream(f)) {
                                return f + " -> " + new String(in.readAllBytes());
                            }
                        }
                        @VaasServer(type = ServerType.RPC) public String where(Where w) throws IOException {
                            return w.where() + " -> " + Files.readString(w.where());
                        }
                        @VaasServer(type = ServerType.HTTP, method = "POST", route = "/where")
                        public String whereByHttp(Where w) throws IOException {
                            return where(w);
                        }
                        @VaasServer(type = ServerType.RPC) public String many(Many m) {
                            return m.paths() + " " + m.byPath().keySet().iterator().next().getFileSystem().getClass()
                                    .getSimpleName() + " " + m.files();
                        }
                        @VaasServer(type = ServerType.RPC) public String url(URL u) { return u.toString(); }
                        @VaasServer(type = ServerType.RPC) public String holder(Holder h) throws IOException {
                            return h.value() instanceof InputStream in ? "read " + new String(in.readAllBytes())
                                    : String.valueOf(h.value());
                        }
                        @VaasServer(type = ServerType.HTTP, method = "POST", route = "/holder")
                        public String holderByHttp(Holder h) throws IOException {
                            return holder(h);
                        }
                        @VaasServer(type = ServerType.RPC) public String thread(Thread t) { return t.getName(); }
                        @VaasServer(type = ServerType.RPC) public String live(Live l) { return l.thread().getName(); }
                        @VaasServer(type = ServerType.RPC) public String timer(Timer t) { return "got a timer"; }
                        @VaasServer(type = ServerType.RPC) public String address(InetAddress a) { return a.toString(); }
                        @VaasServer(type = ServerType.RPC) public String stream(FileInputStream in) throws IOException {
                            return new String(in.readAllBytes());
                        }
                        @VaasServer(type = ServerType.RPC) public String loader(ClassLoader l) { return String.valueOf(l); }
                        @VaasServer(type = ServerType.RPC) public Object returnThread() { return Thread.currentThread(); }
                        @VaasServer(type = ServerType.RPC) public Object returnLoader() { return Binder.class.getClassLoader(); }
                        @VaasServer(type = ServerType.RPC) public Object returnFileSystem() { return FileSystems.getDefault(); }
                        @VaasServer(type = ServerType.RPC) public Object returnError() { return new IllegalStateException("kept"); }
                        @VaasServer(type = ServerType.RPC) public Object returnFiles() {
                            return Map.of("file", new File("data.txt"), "path", Path.of("data.txt"));
                        }
                        @VaasServer(type = ServerType.RPC) public String callForPath(String s) throws IOException {
                            Path p = Rpc.call("echo.echo", s, Path.class);
                            return p + " -> " + Files.readString(p);
                        }
                        @VaasServer(type = ServerType.RPC) public String callForClass(String s) {
                            try {
                                return Rpc.call("echo.echo", s, Class.class).getName();
                            } catch (VaasException e) {
                                return "refused " + e.status() + " " + e.code() + ": " + e.getMessage();
                            }
                        }
                    }
                    """);

    static final GuestApp ECHO = GuestApp.named("echo").source("e.Echo", """
            package e;
            import io.vaas.api.*;
            public class Echo { @VaasServer(type = ServerType.RPC) public String echo(String s) { return s; } }
            """);

    static Vaas vaas;
    static Path dir;

    @BeforeAll
    static void deploy(@TempDir Path tmp) throws IOException {
        dir = tmp;
        Path root = Files.createDirectories(tmp.resolve("root/etc"));
        Files.writeString(root.resolve("hostname"), "inside");
        Path jar = BINDER.writeJar(tmp.resolve("binder.jar"));
        vaas = Vaas.builder().exportPackages("com.fasterxml.jackson.annotation")
                .deploy(AppSpec.of(jar).files(AppFiles.folder(tmp.resolve("root"))),
                        AppSpec.of("rootless", jar),
                        AppSpec.of(ECHO.writeJar(tmp.resolve("echo.jar"))),
                        AppSpec.of(BadInputTest.NEIGHBOUR.writeJar(tmp.resolve("neighbour.jar"))))
                .build();
    }

    @AfterAll
    static void close() {
        vaas.close();
    }

    private static Object call(String target, Object argument) {
        try {
            return vaas.rpc(target, argument);
        } finally {
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        }
    }

    private static void refused(String target, Object argument, String... mentions) {
        assertThatThrownBy(() -> call(target, argument)).as(target + " " + argument)
                .isInstanceOfSatisfying(VaasCallException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("bad_argument");
                })
                .hasMessageContaining("app '" + target.substring(0, target.indexOf('.')) + "'")
                .hasMessageContaining(mentions[0])
                .satisfies(e -> {
                    for (String m : mentions) {
                        assertThat(e.getMessage()).contains(m);
                    }
                });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"io.vaas.Vaas", "com.fasterxml.jackson.databind.ObjectMapper", "io.vaas.virtual.VirtualEnvironment",
            "org.junit.jupiter.api.Test"})
    void classValuesResolveThroughTheAppsLoaderOnly(String hostClass) {
        refused("binder.className", hostClass, "class '" + hostClass + "' is not one app 'binder' can see");
        assertThat(call("binder.className", "b.Binder$Where")).isEqualTo("b.Binder$Where");
        assertThat(call("binder.className", "java.lang.String")).isEqualTo("java.lang.String");
    }

    @Test
    void pathsAndFilesAreOnTheAppsRoot() {
        assertThat(call("binder.readPath", "/etc/hostname")).isEqualTo("/etc/hostname -> inside");
        assertThat(call("binder.readPath", "file:///etc/hostname")).isEqualTo("/etc/hostname -> inside");
        assertThat(call("binder.readPath", "../../../../etc/hostname")).isEqualTo("../../../../etc/hostname -> inside");
        assertThat(call("binder.readFile", "/etc/hostname")).isEqualTo("/etc/hostname -> inside");
        assertThat(call("binder.where", Map.of("where", "/etc/hostname"))).isEqualTo("/etc/hostname -> inside");
        assertThat((String) call("binder.many", Map.of("paths", List.of("/etc/hostname"),
                "byPath", Map.of("/etc/hostname", "x"), "files", Map.of("f", "/etc/hostname"))))
                .isEqualTo("[/etc/hostname] RootedFileSystem {f=/etc/hostname}");
    }

    @Test
    void withoutARootPathsAndFilesAreRefusedNamingTheConfig() {
        refused("rootless.readPath", "/etc/hostname", "app 'rootless' has no file root", "java.nio.file.Path",
                "AppSpec.files");
        refused("rootless.readFile", "/etc/hostname", "app 'rootless' has no file root", "java.io.File");
        refused("rootless.where", Map.of("where", "/etc/hostname"), "field 'where'", "has no file root");
        refused("rootless.many", Map.of("paths", List.of(), "byPath", Map.of("/etc/hostname", "x"), "files", Map.of()),
                "has no file root");
        HttpResponse r = vaas.http("rootless", HttpRequest.post("/where", "{\"where\": \"/etc/hostname\"}"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.bodyText()).contains("bad_body", "field 'where'", "app 'rootless' has no file root");
        assertThat(vaas.http("binder", HttpRequest.post("/where", "{\"where\": \"/etc/hostname\"}")).bodyText())
                .isEqualTo("/etc/hostname -> inside");
        assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"jar:file:/etc/x.jar!/a", "jrt:/java.base/java/lang/String.class", "netdoc:/etc/hostname",
            "mailto:x@example.org"})
    void urlsOfProtocolsTheAppMayNotOpenAreRefused(String url) {
        refused("binder.url", url, "does not cross into app 'binder'");
        assertThat(call("binder.url", "http://127.0.0.1:1/x")).isEqualTo("http://127.0.0.1:1/x");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            thread  | java.lang.Thread
            timer   | java.util.Timer
            address | java.net.InetAddress
            stream  | java.io.FileInputStream
            loader  | java.lang.ClassLoader
            """)
    void liveJdkObjectsAreNeverMadeFromJson(String route, String type) {
        Object argument = route.equals("thread") || route.equals("timer") ? Map.of("name", "x") : "/etc/hostname";
        refused("binder." + route, argument, "a " + type, "is not a value and does not cross into app 'binder'");
    }

    @Test
    void liveObjectsAreRefusedInsideRecordsToo() {
        refused("binder.live", Map.of("thread", Map.of("name", "x")), "field 'thread'", "a java.lang.Thread");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            java.io.FileInputStream | "/etc/hostname"     | a java.io.FileInputStream
            java.lang.Thread        | {"name": "x"}       | a java.lang.Thread
            java.util.Timer         | {}                  | a java.util.Timer
            io.vaas.Vaas            | {}                  | io.vaas.Vaas
            com.fasterxml.jackson.databind.ObjectMapper | {} | com.fasterxml.jackson.databind.ObjectMapper
            """)
    void typeIdsNamingClassesResolveInTheAppsWorld(String type, String value, String mention) {
        String json = "{\"value\": [\"" + type + "\", " + value + "]}";
        HttpResponse r = vaas.http("binder", HttpRequest.post("/holder", json));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.bodyText()).contains("bad_body", "field 'value'", mention);
        refused("binder.holder", Map.of("value", List.of(type, parse(value))), "field 'value'", mention);
        assertThat(call("binder.holder", Map.of("value", List.of("b.Binder$Where", Map.of("where", "/etc/hostname")))))
                .isEqualTo("Where[where=/etc/hostname]");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            returnThread     | java.lang.Thread
            returnLoader     | (a ClassLoader)
            returnFileSystem | io.vaas.files.RootedFileSystem
            """)
    void liveObjectsNeverLeaveAnApp(String route, String mention) {
        assertThatThrownBy(() -> call("binder." + route, null)).as(route)
                .isInstanceOfSatisfying(VaasCallException.class, e -> assertThat(e.code()).isEqualTo("bad_response"))
                .hasMessageContaining(mention).hasMessageContaining("does not leave app 'binder'");
    }

    @Test
    void resultsNameTheAppsPathsAndFramesOnly() {
        assertThat(call("binder.returnFiles", null)).isEqualTo(Map.of("file", "/data.txt", "path", "/data.txt"));
        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) call("binder.returnError", null);
        assertThat(error).containsEntry("message", "kept");
        assertThat(String.valueOf(error.get("stackTrace"))).contains("b.Binder").doesNotContain("io.vaas.",
                "org.junit", "classLoaderName=app,");
    }

    @Test
    void callsBetweenAppsConvertResultsInTheCallersWorld() {
        assertThat(call("binder.callForPath", "/etc/hostname")).isEqualTo("/etc/hostname -> inside");
        assertThat((String) call("binder.callForClass", "io.vaas.Vaas"))
                .startsWith("refused 400 bad_value: app 'binder' called echo.echo: ")
                .contains("class 'io.vaas.Vaas' is not one app 'binder' can see");
        assertThat(call("binder.callForClass", "java.lang.Runnable")).isEqualTo("java.lang.Runnable");
    }

    private static Object parse(String json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, Object.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Jackson's annotations as a library the app compiles against; at run time the host's exported copy is used. */
    private static GuestApp jacksonAnnotations() {
        GuestApp lib = GuestApp.library();
        try (InputStream in = JsonTypeInfo.class.getProtectionDomain().getCodeSource().getLocation().openStream();
             ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (e.getName().endsWith(".class") && !e.getName().contains("module-info")
                        && !e.getName().startsWith("META-INF/")) {
                    lib.resource(e.getName(), zip.readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lib;
    }
}
