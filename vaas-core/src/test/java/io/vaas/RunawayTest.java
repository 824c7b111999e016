package io.vaas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Runaway guests: each is stopped with an error that names the app, the route, the limit, its value and what was
 * used, while its neighbour keeps answering; after unload nothing of it runs and its loader is collected.
 */
class RunawayTest {

    static final GuestApp RUNAWAY = GuestApp.named("runaway").source("r.Runaway", """
            package r;
            import io.vaas.api.*;
            import java.util.*;
            import java.util.stream.*;
            public class Runaway {
                static volatile Object sink;
                static volatile long spins;
                @VaasServer(type = ServerType.RPC) public String spin() {
                    while (true) { spins++; }
                }
                @VaasServer(type = ServerType.RPC) public String swallow() {
                    while (true) {
                        try {
                            while (true) { spins++; }
                        } catch (Throwable t) {
                            // A guest that will not stop.
                        }
                    }
                }
                void recurse() {
                    try { recurse(); } catch (Throwable t) { recurse(); }
                }
                @VaasServer(type = ServerType.RPC) public String recurseForever() {
                    recurse();
                    return "done";
                }
                int depth(int n) { return depth(n + 1) + 1; }
                @VaasServer(type = ServerType.RPC) public int deep() { return depth(0); }
                @VaasServer(type = ServerType.RPC) public int hugeArray() { return new byte[Integer.MAX_VALUE - 8].length; }
                @VaasServer(type = ServerType.RPC) public int hugeMatrix(int n) { return new long[n][n].length; }
                @VaasServer(type = ServerType.RPC) public int smallArray(int n) { return new int[n].length; }
                @VaasServer(type = ServerType.RPC) public String allocate() {
                    while (true) { sink = new byte[1 << 20]; }
                }
                @VaasServer(type = ServerType.RPC) public String burn() {
                    long x = 0;
                    while (true) { x += System.nanoTime() % 7; if (x == -1) return "never"; }
                }
                @VaasServer(type = ServerType.RPC) public String sleep() throws InterruptedException {
                    Thread.sleep(60_000);
                    return "woke";
                }
                @VaasServer(type = ServerType.RPC) public String bomb() {
                    List<Thread> started = new ArrayList<>();
                    while (true) {
                        Thread t = new Thread(() -> { try { Thread.sleep(60_000); } catch (InterruptedException e) { } });
                        t.start();
                        started.add(t);
                    }
                }
                @VaasServer(type = ServerType.RPC) public String parallel() {
                    IntStream.range(0, 64).parallel().forEach(i -> { while (true) { spins++; } });
                    return "never";
                }
                @VaasServer(type = ServerType.RPC) public long count(int n) {
                    long sum = 0;
                    for (int i = 0; i < n; i++) { sum += i; }
                    return sum;
                }
                static final String RUN = "a".repeat(60) + "b";
                @VaasServer(type = ServerType.RPC) public String backtrack(String how) {
                    // Each of these tries some 60^12 ways to split RUN inside the JDK's regex engine (its
                    // memoization, which defuses (a+)+b, does not help here).
                    return switch (how) {
                        case "matches" -> String.valueOf(RUN.matches("(.*a){12}"));
                        case "matcher" -> String.valueOf(java.util.regex.Pattern.compile("(.*a){12}$").matcher(RUN).find());
                        case "replaceAll" -> RUN.replaceAll("(.*a){12}$", "x");
                        case "split" -> String.valueOf(RUN.split("(.*a){12}$").length);
                        default -> "unknown";
                    };
                }
                @VaasServer(type = ServerType.RPC) public String regexStillWorks() {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\\\w+)@(\\\\w+)\\\\.com").matcher("mail ann@example.com now");
                    String found = m.find() ? m.group(1) + " at " + m.group(2) : "none";
                    return found + "; " + "a1b22c333".replaceAll("[0-9]+", "#") + "; " + String.join("|", "x, y ,z".split("\\\\s*,\\\\s*"))
                            + "; " + String.join("|", "p,q,r".split(",")) + "; " + "2026-11-25".matches("\\\\d{4}-\\\\d{2}-\\\\d{2}")
                            + "; " + java.util.regex.Pattern.compile(";").splitAsStream("u;v").count()
                            + "; " + m.reset("bob@mail.com").matches()
                            + "; " + "abc".replaceAll("x*", "-") + "; " + "a-b-c".replaceFirst("-", "+")
                            + "; " + "ann smith".replaceAll("(\\\\w+) (\\\\w+)", "$2, $1");
                }
                @VaasServer(method = "GET", route = "/endless") public Stream<String> endless() {
                    return Stream.generate(() -> {
                        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                        return "x";
                    });
                }
                @VaasServer(type = ServerType.RPC) public String leaveRunning() {
                    Thread spinner = new Thread(() -> { while (true) { spins++; } }, "spinner");
                    spinner.start();
                    Thread sleeper = new Thread(() -> {
                        while (true) { try { Thread.sleep(60_000); } catch (InterruptedException e) { } }
                    }, "sleeper");
                    sleeper.start();
                    return "left";
                }
            }
            """);

    Vaas deploy(Path dir, String config) {
        return Vaas.builder().deploy(AppSpec.of(RUNAWAY.writeJar(dir.resolve("runaway.jar"))).config(config),
                AppSpec.of(BadInputTest.NEIGHBOUR.writeJar(dir.resolve("neighbour.jar")))).build();
    }

    /** Runs {@code route} and, while it runs, checks the neighbour answers; returns the route's failure. */
    static VaasCallException stopped(Vaas vaas, String route, Object arg) throws Exception {
        CompletableFuture<Object> running = CompletableFuture.supplyAsync(() -> vaas.rpc("runaway." + route, arg));
        Thread.sleep(30);
        assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        try {
            running.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(VaasCallException.class);
            return (VaasCallException) e.getCause();
        }
        throw new AssertionError(route + " was not stopped");
    }

    @Test
    void aDeadlineStopsLoopsThatNeitherEndNorLetGo(@TempDir Path dir) throws Exception {
        WeakReference<ClassLoader> loader;
        try (Vaas vaas = deploy(dir, "{\"timeoutMs\": 200}")) {
            loader = new WeakReference<>(vaas.instance("runaway").loader());
            for (String route : List.of("spin", "swallow", "recurseForever", "sleep")) {
                VaasCallException e = stopped(vaas, route, null);
                assertThat(e.status()).as(route).isEqualTo(504);
                assertThat(e.code()).isEqualTo("timeout");
                assertThat(e.getMessage()).as(route).contains("app 'runaway' route '" + route + "' was stopped: "
                        + "its timeoutMs of 200 ms was reached (ran ");
                // The app itself goes on.
                assertThat(vaas.rpc("runaway.count", 1000)).isEqualTo(499500L);
            }
        }
        assertThat(collected(List.of(loader))).isTrue();
    }

    @Test
    void aDeadlineStopsCatastrophicRegularExpressionsInsideTheJdk(@TempDir Path dir) throws Exception {
        try (Vaas vaas = deploy(dir, "{\"timeoutMs\": 200}")) {
            for (String how : List.of("matches", "matcher", "replaceAll", "split")) {
                long start = System.nanoTime();
                VaasCallException e = stopped(vaas, "backtrack", how);
                assertThat(e.status()).as(how).isEqualTo(504);
                assertThat(e.getMessage()).as(how).contains("app 'runaway' route 'backtrack' was stopped: its timeoutMs "
                        + "of 200 ms was reached");
                assertThat((System.nanoTime() - start) / 1_000_000).as(how).isLessThan(10_000);
            }
            // Ordinary expressions give the JDK's answers.
            assertThat(vaas.rpc("runaway.regexStillWorks"))
                    .isEqualTo("ann at example; a#b#c#; x|y|z; p|q|r; true; 2; true; -a-b-c-; a+b-c; smith, ann");
        }
    }

    static boolean collected(List<WeakReference<ClassLoader>> loaders) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        do {
            System.gc();
            Thread.sleep(20);
        } while (loaders.stream().anyMatch(r -> r.get() != null) && System.nanoTime() < deadline);
        return loaders.stream().allMatch(r -> r.get() == null);
    }

    @Test
    void anAppUndeployedAfterACancelledCallIsCollectedWhileTheContainerRuns(@TempDir Path dir) throws Exception {
        try (Vaas vaas = deploy(dir, "{\"timeoutMs\": 100}")) {
            WeakReference<ClassLoader> loader = new WeakReference<>(vaas.instance("runaway").loader());
            assertThat(stopped(vaas, "spin", null).code()).isEqualTo("timeout");
            vaas.undeploy("runaway");
            assertThat(collected(List.of(loader))).isTrue();
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        }
    }

    @Test
    void cancellingOneCallLeavesTheAppsOtherCallsRunning(@TempDir Path dir) throws Exception {
        try (Vaas vaas = deploy(dir, "{\"timeoutMs\": 1500}")) {
            CompletableFuture<Object> spinning = CompletableFuture.supplyAsync(() -> vaas.rpc("runaway.spin"));
            Thread.sleep(100);
            CompletableFuture<Object> counting = CompletableFuture.supplyAsync(() -> {
                // Loops across the moment the spinning call is cancelled, and for a while after.
                long last = 0;
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2500);
                while (System.nanoTime() < until) {
                    last = ((Number) vaas.rpc("runaway.count", 100_000)).longValue();
                }
                return last;
            });
            assertThatThrownBy(() -> spinning.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(VaasCallException.class)
                    .hasMessageContaining("timeoutMs");
            assertThat(counting.get(30, TimeUnit.SECONDS)).isEqualTo(4999950000L);
        }
    }

    @Test
    void budgetsOfCpuAndAllocationStopTheCall(@TempDir Path dir) throws Exception {
        try (Vaas vaas = deploy(dir, "{\"timeoutMs\": 20000, \"limits\": {\"cpuMsPerCall\": 150}}")) {
            VaasCallException cpu = stopped(vaas, "burn", null);
            assertThat(cpu.code()).isEqualTo("cpu_limit");
            assertThat(cpu.getMessage()).contains("route 'burn' was stopped: its limits.cpuMsPerCall of 150 ms was "
                    + "reached (used ").contains("ms of CPU)");
        }
        try (Vaas vaas = deploy(dir, "{\"timeoutMs\": 20000, \"limits\": {\"allocMbPerCall\": 64}}")) {
            VaasCallException alloc = stopped(vaas, "allocate", null);
            assertThat(alloc.code()).isEqualTo("alloc_limit");
            assertThat(alloc.getMessage()).contains("its limits.allocMbPerCall of 64 MiB was reached (allocated ");
        }
    }

    @Test
    void anEndlessStreamedResultEndsAtTheDeadline(@TempDir Path dir) {
        try (Vaas vaas = deploy(dir, "{\"timeoutMs\": 200}")) {
            io.vaas.api.HttpResponse r = vaas.http("runaway", io.vaas.api.HttpRequest.get("/endless"));
            assertThat(r.status()).isEqualTo(504);
            assertThat(r.bodyText()).contains("timeoutMs of 200 ms");
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        }
    }

    @Test
    void stackOverflowEndsTheCallNotTheWorker(@TempDir Path dir) {
        try (Vaas vaas = deploy(dir, "{}")) {
            assertThatThrownBy(() -> vaas.rpc("runaway.deep")).isInstanceOf(VaasCallException.class)
                    .hasMessageContaining("app 'runaway' route 'deep' failed: java.lang.StackOverflowError");
            assertThat(vaas.rpc("runaway.count", 10)).isEqualTo(45L);
        }
    }

    @Test
    void arraysOverTheLimitAreRefusedBeforeTheyAreMade(@TempDir Path dir) {
        try (Vaas vaas = deploy(dir, "{\"limits\": {\"maxArrayMb\": 16}}")) {
            assertThatThrownBy(() -> vaas.rpc("runaway.hugeArray")).isInstanceOf(VaasCallException.class)
                    .hasMessageContaining("java.lang.OutOfMemoryError: app 'runaway' route 'hugeArray': an array of "
                            + "2147483639 elements (2047 MiB) is over its limits.maxArrayMb of 16 MiB");
            assertThatThrownBy(() -> vaas.rpc("runaway.hugeMatrix", 30_000)).hasMessageContaining("limits.maxArrayMb");
            assertThat(vaas.rpc("runaway.smallArray", 1000)).isEqualTo(1000);
            assertThat(vaas.rpc("runaway.hugeMatrix", 100)).isEqualTo(100);
        }
    }

    @Test
    void aThreadBombStopsAtTheThreadLimit(@TempDir Path dir) {
        try (Vaas vaas = deploy(dir, "{\"limits\": {\"maxThreads\": 16}}")) {
            assertThatThrownBy(() -> vaas.rpc("runaway.bomb")).isInstanceOf(VaasCallException.class)
                    .hasMessageContaining("app 'runaway' may have at most 16 threads alive (limits.maxThreads)");
            assertThat(vaas.instance("runaway").context().threads().live()).hasSizeLessThanOrEqualTo(16);
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        }
    }

    @Test
    void aParallelStreamThatSpinsIsStoppedOnEveryThread(@TempDir Path dir) throws Exception {
        WeakReference<ClassLoader> loader;
        try (Vaas vaas = deploy(dir, "{\"timeoutMs\": 300}")) {
            loader = new WeakReference<>(vaas.instance("runaway").loader());
            VaasCallException e = stopped(vaas, "parallel", null);
            assertThat(e.code()).isEqualTo("timeout");
            // The JVM's common pool ran the app's lambdas: they stop too.
            assertThat(ForkJoinPool.commonPool().awaitQuiescence(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(collected(List.of(loader))).isTrue();
    }

    @Test
    void unloadStopsThreadsThatSpinOrIgnoreInterruptsAndFreesTheLoader(@TempDir Path dir) throws Exception {
        List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
        List<Thread> left = new ArrayList<>();
        try (Vaas vaas = deploy(dir, "{}")) {
            for (int i = 0; i < 3; i++) {
                vaas.deploy(AppSpec.of(RUNAWAY.writeJar(dir.resolve("runaway.jar"))));
                assertThat(vaas.rpc("runaway.leaveRunning")).isEqualTo("left");
                left.addAll(vaas.instance("runaway").context().threads().live());
                loaders.add(new WeakReference<>(vaas.instance("runaway").loader()));
                vaas.undeploy("runaway");
            }
        }
        assertThat(left).hasSize(6);
        for (Thread t : left) {
            t.join(5000);
            assertThat(t.isAlive()).as(t.getName()).isFalse();
        }
        left.clear();   // a Thread, even ended, holds its context class loader
        assertThat(collected(loaders)).isTrue();
    }
}
