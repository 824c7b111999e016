package io.vaas;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bad input: each case is a clear {@link AppLoadException} naming the app and the file, deploys nothing, and leaves
 * the neighbour app serving.
 */
class BadInputTest {

    static final GuestApp NEIGHBOUR = GuestApp.named("neighbour").source("n.N", """
            package n;
            import io.vaas.api.*;
            public class N { @VaasServer(type = ServerType.RPC) public String ping() { return "pong"; } }
            """);

    @TempDir
    Path dir;
    Vaas vaas;

    @BeforeEach
    void start() {
        vaas = Vaas.builder().deploy(AppSpec.of(NEIGHBOUR.writeJar(dir.resolve("neighbour.jar")))).build();
    }

    @AfterEach
    void neighbourStillServesAndNothingElseWasDeployed() {
        assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        assertThat(vaas.apps()).containsExactly("neighbour");
        vaas.close();
    }

    private void refused(AppSpec spec, String... fragments) {
        assertThatThrownBy(() -> vaas.deploy(spec))
                .isInstanceOf(AppLoadException.class)
                .message().contains(fragments);
    }

    private static GuestApp oneRoute(String name) {
        return GuestApp.named(name).source("b.B", """
                package b;
                import io.vaas.api.*;
                public class B { @VaasServer(type = ServerType.RPC) public String ping() { return "b"; } }
                """);
    }

    @Test
    void missingFolderOrJar() {
        refused(AppSpec.of(dir.resolve("absent")), "absent", "app folder does not exist");
        refused(AppSpec.of("orders", dir.resolve("absent.jar")), "app 'orders'", "absent.jar", "app jar does not exist");
    }

    @Test
    void fileThatIsNotAJar() throws Exception {
        Path fake = Files.writeString(dir.resolve("fake.jar"), "not a zip");
        refused(AppSpec.of(fake), "fake.jar", "not a jar (zip) file");
    }

    @Test
    void unreadableLibraryJar() throws Exception {
        Path app = oneRoute("x").writeFolder(dir.resolve("libdir"));
        // A folder where a library jar should be: it cannot be opened as a jar, whoever runs the test.
        Files.createDirectories(app.resolve("lib/broken.jar"));
        refused(AppSpec.of(app), "lib/broken.jar", "cannot open the jar");
        refused(AppSpec.of("x", Files.createDirectories(dir.resolve("empty-folder"))), "app 'x'",
                "no public method carries @VaasServer");
    }

    @Test
    void malformedDescriptorSaysFileLineAndColumn() throws Exception {
        Path app = oneRoute("x").writeFolder(dir.resolve("broken"));
        Files.writeString(app.resolve("vaas.json"), "{\n  \"name\": \"x\",\n  \"workers\": ]\n}");
        refused(AppSpec.of(app), app.resolve("vaas.json").toString(), "malformed JSON at line 3, column 14");
    }

    @Test
    void unknownKeys() throws Exception {
        Path app = oneRoute("x").writeFolder(dir.resolve("typo"));
        Files.writeString(app.resolve("vaas.json"), "{\"name\": \"x\", \"timeout\": 5, \"wrkers\": 2}");
        refused(AppSpec.of(app), "vaas.json", "'timeout' (line 1", "'wrkers' (line 1");
    }

    @Test
    void noRoutes() {
        GuestApp none = GuestApp.named("empty").source("e.E", "package e; public class E { public String x() { return \"\"; } }");
        refused(AppSpec.of(none.writeJar(dir.resolve("empty.jar"))), "app 'empty'", "empty.jar",
                "no public method carries @VaasServer");
    }

    @Test
    void clashingRoutes() {
        GuestApp rpc = GuestApp.named("clash").source("c.A", """
                package c; import io.vaas.api.*;
                public class A { @VaasServer(type = ServerType.RPC) public int add() { return 1; } }
                """).source("c.B", """
                package c; import io.vaas.api.*;
                public class B { @VaasServer(type = ServerType.RPC) public int add() { return 2; } }
                """);
        refused(AppSpec.of(rpc.writeJar(dir.resolve("clash.jar"))), "app 'clash'", "clash.jar",
                "RPC route 'add' is declared twice", "c.A.add", "c.B.add");
        GuestApp http = GuestApp.named("clash2").source("c.H", """
                package c; import io.vaas.api.*;
                public class H {
                    @VaasServer(method = "GET", route = "/a/{x}") public int one() { return 1; }
                    @VaasServer(route = "/a/{y}") public int two() { return 2; }
                }
                """);
        refused(AppSpec.of(http.writeJar(dir.resolve("clash2.jar"))), "app 'clash2'", "HTTP routes clash",
                "GET /a/{x}", "* /a/{y}");
    }

    @Test
    void entryClassMissing() throws Exception {
        Path app = oneRoute("x").writeFolder(dir.resolve("entry"));
        Files.writeString(app.resolve("vaas.json"), "{\"name\": \"x\", \"entry\": \"b.Missing\"}");
        refused(AppSpec.of(app), "app 'x'", "entry class b.Missing", "not in the app");
    }

    @Test
    void classThatFailsToDefine() {
        Map<String, byte[]> entries = new HashMap<>(oneRoute("corrupt").entries());
        // Garbage that mentions the annotation, so the scan picks it up and the JVM must reject it.
        entries.put("b/Bad.class", "\u00ca\u00fe junk Lio/vaas/api/VaasServer; junk".getBytes(StandardCharsets.ISO_8859_1));
        refused(AppSpec.inMemory("corrupt", entries), "app 'corrupt'", "class b.Bad", "ClassFormatError");

        GuestApp needsLib = GuestApp.named("nolib").source("d.D", """
                package d; import io.vaas.api.*;
                public class D extends base.Base { @VaasServer(type = ServerType.RPC) public int v() { return 1; } }
                """).lib("base", GuestApp.library().source("base.Base", "package base; public class Base { }"));
        Map<String, byte[]> withoutLib = new HashMap<>(needsLib.entries());
        withoutLib.remove("lib/base.jar");
        refused(AppSpec.inMemory("nolib", withoutLib), "app 'nolib'", "class d.D failed to load", "base/Base");
    }

    @Test
    void constructorThatThrowsAndBadSignatures() {
        GuestApp throwing = GuestApp.named("ctor").source("t.T", """
                package t; import io.vaas.api.*;
                public class T {
                    public T() { throw new IllegalStateException("no config"); }
                    @VaasServer(type = ServerType.RPC) public int v() { return 1; }
                }
                """);
        refused(AppSpec.of(throwing.writeJar(dir.resolve("ctor.jar"))), "app 'ctor'", "the constructor of t.T threw",
                "no config");
        GuestApp twoParams = GuestApp.named("params").source("t.P", """
                package t; import io.vaas.api.*;
                public class P { @VaasServer(type = ServerType.RPC) public int v(int a, int b) { return a + b; } }
                """);
        refused(AppSpec.of(twoParams.writeJar(dir.resolve("params.jar"))), "app 'params'", "route t.P.v takes 2 parameters");
        GuestApp rpcWithHttp = GuestApp.named("kinds").source("t.K", """
                package t; import io.vaas.api.*;
                public class K { @VaasServer(type = ServerType.RPC) public int v(HttpParams p) { return 1; } }
                """);
        refused(AppSpec.of(rpcWithHttp.writeJar(dir.resolve("kinds.jar"))), "RPC route t.K.v takes HttpParams");
        GuestApp badPattern = GuestApp.named("pattern").source("t.Q", """
                package t; import io.vaas.api.*;
                public class Q { @VaasServer(route = "no-slash") public int v() { return 1; } }
                """);
        refused(AppSpec.of(badPattern.writeJar(dir.resolve("pattern.jar"))), "route t.Q.v", "must start with '/'");
        GuestApp hidden = GuestApp.named("hidden").source("t.H", """
                package t; import io.vaas.api.*;
                class H { @VaasServer(type = ServerType.RPC) public int v() { return 1; } }
                """);
        refused(AppSpec.of(hidden.writeJar(dir.resolve("hidden.jar"))), "class t.H holds route t.H.v but is not public");
    }

    @Test
    void entryNamesThatLeaveTheApp() {
        refused(AppSpec.inMemory("escape", Map.of("../evil.class", new byte[] {1})), "app 'escape'", "../evil.class");
    }

    @Test
    void failedRedeployKeepsTheOldVersionServing() {
        vaas.deploy(AppSpec.of(oneRoute("b").writeJar(dir.resolve("b.jar"))));
        GuestApp broken = GuestApp.named("b").source("b.B", "package b; public class B { }");
        refused(AppSpec.of(broken.writeJar(dir.resolve("b2.jar"))), "app 'b'", "no public method carries @VaasServer");
        assertThat(vaas.rpc("b.ping")).isEqualTo("b");
        vaas.undeploy("b");
    }

    @Test
    void appsFolderDeploysTheGoodAndReportsTheBad() throws Exception {
        Path apps = Files.createDirectories(dir.resolve("apps"));
        oneRoute("good").writeJar(apps.resolve("good.jar"));
        Files.writeString(apps.resolve("bad.jar"), "garbage");
        oneRoute("good").writeFolder(apps.resolve("same-name"));
        Files.writeString(apps.resolve("notes.txt"), "ignored");
        try (Vaas folder = Vaas.builder().apps(apps).build()) {
            assertThat(folder.apps()).containsExactly("good");
            assertThat(folder.rpc("good.ping")).isEqualTo("b");
            assertThat(folder.deployFailures()).hasSize(2);
            assertThat(folder.deployFailures().get(0)).hasMessageContaining("bad.jar");
            assertThat(folder.deployFailures().get(1)).hasMessageContaining("same-name")
                    .hasMessageContaining("already deployed from");
        }
        assertThatThrownBy(() -> Vaas.builder().apps(dir.resolve("no-such-folder")).build())
                .isInstanceOf(AppLoadException.class).hasMessageContaining("apps folder does not exist");
    }
}
