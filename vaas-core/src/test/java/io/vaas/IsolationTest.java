package io.vaas;

import io.vaas.load.AppClassLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an app can see: its own classes and resources, the JDK, io.vaas.api; never the host's classes or resources,
 * never another app's.
 */
class IsolationTest {

    /** A guest that probes what it can reach and reports it as text. */
    static final GuestApp PROBE = GuestApp.named("probe")
            .source("probe.Probe", """
                    package probe;
                    import io.vaas.api.*;
                    import java.util.*;
                    public class Probe {
                        @VaasServer(type = ServerType.RPC)
                        public String load(String className) {
                            try {
                                Class<?> c = Class.forName(className);
                                return "loaded by " + c.getClassLoader();
                            } catch (ClassNotFoundException e) {
                                return "CNFE: " + e.getMessage();
                            }
                        }
                        @VaasServer(type = ServerType.RPC)
                        public String loadReflectively(String className) {
                            try {
                                // Class.forName is caller-sensitive: invoked reflectively it must still resolve
                                // with the app's loader, not with whatever code performs the reflection.
                                Object c = Class.class.getMethod("forName", String.class).invoke(null, className);
                                return "loaded " + c;
                            } catch (java.lang.reflect.InvocationTargetException e) {
                                return "CNFE via reflection: " + e.getCause().getClass().getSimpleName();
                            } catch (ReflectiveOperationException e) {
                                return "failed: " + e;
                            }
                        }
                        @VaasServer(type = ServerType.RPC)
                        public String loadViaTccl(String className) {
                            try {
                                Thread.currentThread().getContextClassLoader().loadClass(className);
                                return "loaded";
                            } catch (ClassNotFoundException e) {
                                return "CNFE";
                            }
                        }
                        @VaasServer(type = ServerType.RPC)
                        public String resource(String name) {
                            java.net.URL url = getClass().getClassLoader().getResource(name);
                            return url == null ? "none" : url.getProtocol();
                        }
                        @VaasServer(type = ServerType.RPC)
                        public int resourceCount(String name) throws Exception {
                            return Collections.list(getClass().getClassLoader().getResources(name)).size();
                        }
                        @VaasServer(type = ServerType.RPC)
                        public String readResource(String name) throws Exception {
                            try (var in = getClass().getResourceAsStream("/" + name)) {
                                return in == null ? "none" : new String(in.readAllBytes());
                            }
                        }
                        @VaasServer(type = ServerType.RPC)
                        public boolean tcclIsMine() {
                            return Thread.currentThread().getContextClassLoader() == getClass().getClassLoader();
                        }
                        @VaasServer(type = ServerType.RPC)
                        public List<String> services() {
                            List<String> out = new ArrayList<>();
                            ServiceLoader.load(Greeter.class).forEach(g -> out.add(g.greet()));
                            return out;
                        }
                        @VaasServer(type = ServerType.RPC)
                        public String shared() { return probe.lib.Shared.who(); }
                        @VaasServer(type = ServerType.RPC)
                        public String fromLib() { return probe.lib.OnlyInLib.who(); }
                    }
                    """)
            .source("probe.Greeter", "package probe; public interface Greeter { String greet(); }")
            .source("probe.EnglishGreeter", "package probe; public class EnglishGreeter implements Greeter { public String greet() { return \"hello\"; } }")
            .source("probe.lib.Shared", "package probe.lib; public class Shared { public static String who() { return \"app\"; } }")
            .resource("META-INF/services/probe.Greeter", "probe.EnglishGreeter\n")
            .resource("greeting.txt", "from the probe app")
            .lib("probe-lib", GuestApp.library()
                    .source("probe.lib.Shared", "package probe.lib; public class Shared { public static String who() { return \"lib\"; } }")
                    .source("probe.lib.OnlyInLib", "package probe.lib; public class OnlyInLib { public static String who() { return \"only in lib\"; } }")
                    .resource("greeting.txt", "from the library"));

    /** A second app with a class of the same name as one of the probe's. */
    static final GuestApp TWIN = GuestApp.named("twin")
            .source("probe.lib.Shared", """
                    package probe.lib;
                    import io.vaas.api.*;
                    public class Shared {
                        @VaasServer(type = ServerType.RPC) public String shared() { return "twin"; }
                        public static String who() { return "twin"; }
                    }
                    """);

    static Vaas vaas;

    @BeforeAll
    static void deploy(@TempDir Path dir) {
        vaas = Vaas.builder()
                .deploy(AppSpec.of(PROBE.writeFolder(dir.resolve("probe"))), AppSpec.of(TWIN.writeJar(dir.resolve("twin.jar"))))
                .build();
    }

    @AfterAll
    static void close() {
        vaas.close();
    }

    @Test
    void hostClassesAreInvisible() {
        for (String hostClass : List.of("com.fasterxml.jackson.databind.ObjectMapper", "org.slf4j.LoggerFactory",
                "io.vaas.Vaas", "io.vaas.load.AppClassLoader", "org.junit.jupiter.api.Test",
                "org.assertj.core.api.Assertions", "io.vaas.IsolationTest")) {
            assertThat((String) vaas.rpc("probe.load", hostClass))
                    .as(hostClass)
                    .startsWith("CNFE: " + hostClass)
                    .contains("app 'probe'")
                    .contains("lib/");
            assertThat(vaas.rpc("probe.loadViaTccl", hostClass)).as(hostClass).isEqualTo("CNFE");
            assertThat(vaas.rpc("probe.loadReflectively", hostClass)).as(hostClass)
                    .isEqualTo("CNFE via reflection: ClassNotFoundException");
        }
    }

    @Test
    void jdkAndGuestApiAreVisible() {
        assertThat(vaas.rpc("probe.load", "java.sql.Connection")).isEqualTo("loaded by jdk.internal.loader.ClassLoaders$PlatformClassLoader@" + Integer.toHexString(System.identityHashCode(ClassLoader.getPlatformClassLoader())));
        assertThat(vaas.rpc("probe.load", "java.lang.String")).isEqualTo("loaded by null");
        assertThat((String) vaas.rpc("probe.load", "javax.xml.parsers.DocumentBuilderFactory")).startsWith("loaded by");
        // The guest API is the host's own classes: one HttpRequest type for host and guest. Asked for that class's
        // loader, the guest is answered with its own (the host's loader stays out of its reach).
        assertThat((String) vaas.rpc("probe.load", "io.vaas.api.HttpRequest")).isEqualTo("loaded by vaas-app:probe");
        try {
            assertThat(vaas.instance("probe").loader().loadClass("io.vaas.api.HttpRequest"))
                    .isSameAs(io.vaas.api.HttpRequest.class);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void ownClassesComeFirstThenLibraries() throws Exception {
        assertThat(vaas.rpc("probe.shared")).isEqualTo("app");
        assertThat(vaas.rpc("probe.fromLib")).isEqualTo("only in lib");
        assertThat(vaas.rpc("twin.shared")).isEqualTo("twin");
        AppClassLoader probe = vaas.instance("probe").loader();
        AppClassLoader twin = vaas.instance("twin").loader();
        Class<?> a = probe.loadClass("probe.lib.Shared");
        Class<?> b = twin.loadClass("probe.lib.Shared");
        assertThat(a).isNotSameAs(b);
        assertThat(a.getClassLoader()).isSameAs(probe);
        assertThat(probe.getName()).isEqualTo("vaas-app:probe");
    }

    @Test
    void resourcesResolveInsideTheAppOnly() {
        // The host's test class path has this service file (slf4j-simple); the app must not see it.
        assertThat(IsolationTest.class.getClassLoader().getResource("META-INF/services/org.slf4j.spi.SLF4JServiceProvider")).isNotNull();
        assertThat(vaas.rpc("probe.resource", "META-INF/services/org.slf4j.spi.SLF4JServiceProvider")).isEqualTo("none");
        assertThat(vaas.rpc("probe.resource", "simplelogger.properties")).isEqualTo("none");
        assertThat(vaas.rpc("probe.resource", "io/vaas/Vaas.class")).isEqualTo("none");
        // Its own resources, own archive before libraries; both copies listed.
        assertThat(vaas.rpc("probe.readResource", "greeting.txt")).isEqualTo("from the probe app");
        assertThat(vaas.rpc("probe.resourceCount", "greeting.txt")).isEqualTo(2);
        // The app's own scheme, also for folders: a file: URL would show where the host keeps the app.
        assertThat(vaas.rpc("probe.resource", "greeting.txt")).isEqualTo("vaas");
        // Paths that try to leave the app folder find nothing.
        assertThat(vaas.rpc("probe.resource", "../probe/greeting.txt")).isEqualTo("none");
        assertThat(vaas.rpc("probe.resource", "/etc/passwd")).isEqualTo("none");
        // ServiceLoader in the app finds the app's providers.
        assertThat(vaas.rpc("probe.services")).isEqualTo(List.of("hello"));
        // JDK class files stay readable as resources, as libraries that read bytecode expect.
        assertThat(vaas.rpc("probe.resource", "java/lang/Object.class")).isEqualTo("jrt");
    }

    @Test
    void threadContextLoaderIsTheAppsDuringItsCallsOnly() {
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        assertThat(vaas.rpc("probe.tcclIsMine")).isEqualTo(true);
        assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(before);
    }

    @Test
    void loaderIsParallelCapableAndLoadsConcurrently() throws Exception {
        AppClassLoader probe = vaas.instance("probe").loader();
        assertThat(probe.isRegisteredAsParallelCapable()).isTrue();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Class<?>>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String name = List.of("probe.Greeter", "probe.EnglishGreeter", "probe.lib.OnlyInLib").get(i % 3);
                results.add(pool.submit(() -> {
                    start.await();
                    return probe.loadClass(name);
                }));
            }
            start.countDown();
            Map<String, Class<?>> seen = new java.util.HashMap<>();
            for (Future<Class<?>> f : results) {
                Class<?> c = f.get();
                assertThat(seen.computeIfAbsent(c.getName(), n -> c)).isSameAs(c);
            }
            assertThat(seen).hasSize(3);
        } finally {
            pool.shutdownNow();
        }
    }
}
