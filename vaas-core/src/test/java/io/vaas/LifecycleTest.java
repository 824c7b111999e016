package io.vaas;

import io.vaas.api.HttpRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Deploy, undeploy, redeploy, close; and proof that unloading leaves nothing behind. */
class LifecycleTest {

    static GuestApp version(String v) {
        return GuestApp.withDescriptor("{\"name\": \"svc\", \"version\": \"" + v + "\"}").source("s.Svc", """
                package s;
                import io.vaas.api.*;
                public class Svc {
                    @VaasServer(type = ServerType.RPC) public String version() { return "%s"; }
                    @VaasServer(type = ServerType.RPC) public String slow(long millis) throws Exception {
                        Thread.sleep(millis);
                        return Later.say("%s");   // loads a class only now, after a redeploy began
                    }
                }
                """.formatted(v, v)).source("s.Later", """
                package s;
                public class Later { public static String say(String v) { return "late " + v; } }
                """);
    }

    @Test
    void deployUndeployRedeploy(@TempDir Path dir) {
        try (Vaas vaas = Vaas.builder().build()) {
            AppHandle svc = vaas.deploy(AppSpec.of(version("1").writeJar(dir.resolve("v1.jar"))));
            assertThat(svc.rpc("version")).isEqualTo("1");
            ClassLoader first = vaas.instance("svc").loader();

            vaas.deploy(AppSpec.of(version("2").writeFolder(dir.resolve("v2"))));
            assertThat(svc.rpc("version")).isEqualTo("2");
            assertThat(svc.config().version()).isEqualTo("2");
            assertThat(vaas.instance("svc").loader()).isNotSameAs(first);

            assertThat(vaas.undeploy("svc")).isTrue();
            assertThat(vaas.undeploy("svc")).isFalse();
            assertThatThrownBy(() -> svc.rpc("version")).isInstanceOf(VaasCallException.class)
                    .hasMessageContaining("no app 'svc'");
        }
    }

    @Test
    void callsInFlightFinishOnTheOldCodeDuringARedeploy(@TempDir Path dir) throws Exception {
        try (Vaas vaas = Vaas.builder().build()) {
            vaas.deploy(AppSpec.of(version("1").writeJar(dir.resolve("v1.jar"))));
            CompletableFuture<Object> inFlight = CompletableFuture.supplyAsync(() -> vaas.rpc("svc.slow", 300));
            Thread.sleep(100);
            vaas.deploy(AppSpec.of(version("2").writeJar(dir.resolve("v2.jar"))));
            assertThat(vaas.rpc("svc.version")).isEqualTo("2");
            // The old jar stays open for the call that is still running, which loads a class after the switch.
            assertThat(inFlight.get(10, TimeUnit.SECONDS)).isEqualTo("late 1");
            assertThat(vaas.rpc("svc.slow", 1)).isEqualTo("late 2");
        }
    }

    @Test
    void closeUnloadsEverything(@TempDir Path dir) {
        Vaas vaas = Vaas.builder().deploy(
                AppSpec.of(version("1").writeJar(dir.resolve("v1.jar"))),
                AppSpec.of("other", version("1").writeJar(dir.resolve("other.jar")))).build();
        assertThat(vaas.apps()).containsExactly("other", "svc");
        vaas.close();
        assertThat(vaas.apps()).isEmpty();
        assertThat(vaas.http("svc", HttpRequest.get("/")).status()).isEqualTo(404);
        assertThatThrownBy(() -> vaas.deploy(AppSpec.of(dir.resolve("v1.jar"))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        vaas.close();
    }

    @Test
    void inMemoryCodeWithNestedLibrary() {
        GuestApp app = GuestApp.named("mem").source("m.M", """
                package m; import io.vaas.api.*;
                public class M { @VaasServer(type = ServerType.RPC) public String v() { return lib.Util.shout("hi"); } }
                """).lib("util", GuestApp.library().source("lib.Util",
                "package lib; public class Util { public static String shout(String s) { return s.toUpperCase() + \"!\"; } }"));
        try (Vaas vaas = Vaas.builder().build()) {
            vaas.deploy(AppSpec.inMemory("mem", app.entries()));
            assertThat(vaas.rpc("mem.v")).isEqualTo("HI!");
        }
    }

    /** A guest that exercises the JSON codec both ways, so unload covers Jackson's per-type caches too. */
    static final GuestApp CYCLE = GuestApp.named("cycle").source("c.Cycle", """
            package c;
            import io.vaas.api.*;
            import java.util.*;
            public class Cycle {
                public record In(String name, List<Integer> values) {}
                public record Out(String name, int sum, Map<String, In> echo) {}
                @VaasServer(type = ServerType.RPC) public Out sum(In in) {
                    return new Out(in.name(), in.values().stream().mapToInt(Integer::intValue).sum(), Map.of("in", in));
                }
                @VaasServer(method = "POST", route = "/sum") public Out http(In in) { return sum(in); }
                @VaasServer(method = "GET", route = "/fail") public Out fail() { throw new IllegalStateException("x"); }
            }
            """);

    @Test
    void unloadLeavesNoLoaderBehindAndMetaspaceFlat(@TempDir Path dir) throws Exception {
        Path jar = CYCLE.writeJar(dir.resolve("cycle.jar"));
        List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
        int cycles = 200;
        Footprint afterWarmup = null;
        try (Vaas vaas = Vaas.builder().build()) {
            for (int i = 0; i < cycles; i++) {
                vaas.deploy(AppSpec.of(jar));
                assertThat(vaas.rpc("cycle.sum", Map.of("name", "n" + i, "values", List.of(1, 2, i))))
                        .isEqualTo(Map.of("name", "n" + i, "sum", 3 + i,
                                "echo", Map.of("in", Map.of("name", "n" + i, "values", List.of(1, 2, i)))));
                assertThat(vaas.http("cycle", HttpRequest.post("/sum", "{\"name\":\"h\",\"values\":[4]}")).bodyText())
                        .contains("\"sum\":4");
                assertThat(vaas.http("cycle", HttpRequest.get("/fail")).status()).isEqualTo(500);
                assertThatThrownBy(() -> vaas.rpc("cycle.sum", Map.of("bad", 1))).isInstanceOf(VaasCallException.class);
                loaders.add(new WeakReference<>(vaas.instance("cycle").loader()));
                assertThat(vaas.undeploy("cycle")).isTrue();
                if (i == 49) {
                    awaitCollection(loaders, 0);   // loads what the final check loads, before the baseline
                    afterWarmup = Footprint.afterGc();
                }
            }
        }
        long reachable = awaitCollection(loaders, 60);
        Footprint afterAll = Footprint.afterGc();
        assertThat(reachable).as("app class loaders still reachable after %d deploy/undeploy cycles", cycles).isZero();

        // What one loaded copy of the app costs, measured by keeping 20 copies alive.
        Footprint perApp;
        try (Vaas vaas = Vaas.builder().build()) {
            Footprint before = Footprint.afterGc();
            for (int i = 0; i < 20; i++) {
                vaas.deploy(AppSpec.of("cycle" + i, jar));
                vaas.rpc("cycle" + i + ".sum", Map.of("name", "x", "values", List.of(1)));
            }
            perApp = Footprint.afterGc().minus(before).dividedBy(20);
        }
        Footprint growth = afterAll.minus(afterWarmup);
        // Had cycles 50..200 leaked, 150 copies would remain. Class metadata (the compressed class space) and the
        // loaded class count must stay under 20 copies' worth: what the host and test load once along the way. Non-class metaspace is reported, not asserted:
        // it also holds the JIT's profiles of host and JDK methods, which grow as the JIT warms up, app or no app.
        String report = "growth over cycles 50..200: " + growth + "; one app copy: " + perApp;
        assertThat(growth.loadedClasses()).as(report).isLessThan(20 * Math.max(1, perApp.loadedClasses()));
        assertThat(growth.classSpace()).as(report).isLessThan(20 * Math.max(1, perApp.classSpace()));
        System.out.println("[unload] " + report);
    }

    /** A guest that leaves pools and threads behind on purpose: unloading must still free its loader. */
    static final GuestApp BUSY = GuestApp.named("busy").source("b.Busy", """
            package b;
            import io.vaas.api.*;
            import java.util.concurrent.*;
            public class Busy {
                @VaasServer(type = ServerType.RPC) public String work() throws Exception {
                    ExecutorService pool = Executors.newFixedThreadPool(2);
                    pool.submit(() -> "x").get();                       // an idle pool, never shut down
                    ScheduledExecutorService sched = Executors.newSingleThreadScheduledExecutor();
                    sched.schedule(() -> { }, 1, TimeUnit.HOURS);        // a task pending for an hour
                    CompletableFuture.supplyAsync(() -> 1).get();        // the app's common pool
                    new Thread(() -> { try { Thread.sleep(60_000); } catch (InterruptedException e) { } }).start();
                    new java.util.Timer().schedule(new java.util.TimerTask() {   // a timer task due in an hour
                        @Override public void run() { }
                    }, 3_600_000L);
                    CompletableFuture.runAsync(() -> {                         // a chain still waiting to go on
                        try { Thread.sleep(60_000); } catch (InterruptedException e) { }
                    }).thenRun(() -> { });
                    return "busy";
                }
            }
            """);

    @Test
    void unloadStopsWhatTheAppLeftRunningAndFreesItsLoader(@TempDir Path dir) throws Exception {
        Path jar = BUSY.writeJar(dir.resolve("busy.jar"));
        List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
        try (Vaas vaas = Vaas.builder().build()) {
            for (int i = 0; i < 5; i++) {
                vaas.deploy(AppSpec.of(jar));
                assertThat(vaas.rpc("busy.work")).isEqualTo("busy");
                loaders.add(new WeakReference<>(vaas.instance("busy").loader()));
                vaas.undeploy("busy");
            }
        }
        assertThat(awaitCollection(loaders, 30)).as("loaders of apps that left pools and threads running").isZero();
    }

    /** Forces GCs until every loader is collected or the time is up; returns how many are still reachable. */
    private static long awaitCollection(List<WeakReference<ClassLoader>> loaders, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        do {
            System.gc();
            Thread.sleep(20);
        } while (loaders.stream().anyMatch(r -> r.get() != null) && System.nanoTime() < deadline);
        return loaders.stream().filter(r -> r.get() != null).count();
    }

    /** Loaded classes, class space and total metaspace in use. */
    record Footprint(long loadedClasses, long classSpace, long metaspace) {
        static Footprint afterGc() throws InterruptedException {
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(10);
            }
            return new Footprint(ManagementFactory.getClassLoadingMXBean().getLoadedClassCount(),
                    pool("Compressed Class Space"), pool("Metaspace"));
        }

        private static long pool(String name) {
            return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getName().equals(name))
                    .mapToLong(p -> p.getUsage().getUsed()).findFirst().orElse(0);
        }

        Footprint minus(Footprint o) {
            return new Footprint(loadedClasses - o.loadedClasses, classSpace - o.classSpace, metaspace - o.metaspace);
        }

        Footprint dividedBy(int n) {
            return new Footprint(loadedClasses / n, classSpace / n, metaspace / n);
        }

        @Override
        public String toString() {
            return loadedClasses + " classes, " + classSpace + " B class space, " + metaspace + " B metaspace";
        }
    }
}
