package io.vaas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code "workerThreads"}: calls on the app's own platform threads, made lazily up to {@code workers}, started ahead
 * with {@code prewarm}, ended when idle and at unload; the CPU budget of virtual-thread callers; deadlines, call
 * chains and interrupts across the hand-off.
 */
class WorkerThreadsTest {

    static final GuestApp WHERE = GuestApp.named("where").source("w.Where", """
            package w;
            import io.vaas.api.*;
            public class Where {
                static final ThreadLocal<Integer> CALLS = ThreadLocal.withInitial(() -> 0);
                @VaasServer(type = ServerType.RPC) public String thread() {
                    return Thread.currentThread().getName();
                }
                @VaasServer(type = ServerType.RPC) public String nap(int ms) throws InterruptedException {
                    Thread.sleep(ms);
                    return Thread.currentThread().getName();
                }
                @VaasServer(type = ServerType.RPC) public long spin() {
                    long x = 0;
                    while (x >= 0) { x++; }
                    return x;
                }
                @VaasServer(method = "GET", route = "/thread") public String httpThread() {
                    return Thread.currentThread().getName();
                }
                @VaasServer(type = ServerType.RPC) public String fail() {
                    throw new VaasException(418, "teapot", "short and stout");
                }
            }
            """);

    static Vaas deploy(Path dir, String config) {
        return deploy(Vaas.builder(), dir, config);
    }

    static Vaas deploy(Vaas.Builder builder, Path dir, String config) {
        return builder.deploy(AppSpec.of(WHERE.writeJar(dir.resolve("where.jar"))).config(config)).build();
    }

    /** The worker threads of app {@code app} alive now. */
    static List<String> workerThreads(String app) {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("vaas-worker:" + app + "-")) {
                names.add(t.getName());
            }
        }
        return names;
    }

    static void awaitNoWorkers(String app) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!workerThreads(app).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(workerThreads(app)).isEmpty();
    }

    static CompletableFuture<Object> async(Vaas vaas, String target, Object arg) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                f.complete(vaas.rpc(target, arg));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    @Test
    void alwaysRunsEveryCallOnTheAppsOwnThreadsMadeAsNeeded(@TempDir Path dir) throws Exception {
        try (Vaas vaas = deploy(dir, "{\"workerThreads\": \"always\", \"workers\": 3, \"queue\": 10}")) {
            assertThat(workerThreads("where")).isEmpty();
            assertThat((String) vaas.rpc("where.thread")).startsWith("vaas-worker:where-");
            assertThat(vaas.http("where", io.vaas.api.HttpRequest.get("/thread")).bodyText())
                    .startsWith("vaas-worker:where-");
            // Back to back, the warm worker serves again.
            assertThat(vaas.rpc("where.thread")).isEqualTo(vaas.rpc("where.thread"));
            assertThat(workerThreads("where")).hasSize(1);

            List<CompletableFuture<Object>> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                calls.add(async(vaas, "where.nap", 200));
            }
            Set<Object> threads = new HashSet<>();
            for (CompletableFuture<Object> c : calls) {
                threads.add(c.get(10, TimeUnit.SECONDS));
            }
            // Six calls, three at a time (the others waited in the queue): never more threads than workers.
            assertThat(threads).hasSizeBetween(1, 3).allSatisfy(t -> assertThat((String) t).startsWith("vaas-worker:"));
            assertThat(workerThreads("where")).hasSizeBetween(1, 3);

            // Failures cross the hand-off as they are.
            assertThatThrownBy(() -> vaas.rpc("where.fail")).isInstanceOfSatisfying(VaasCallException.class, e -> {
                assertThat(e.status()).isEqualTo(418);
                assertThat(e.code()).isEqualTo("teapot");
            });
        }
    }

    @Test
    void prewarmStartsThreadsAtLoadAndIdleOnesEnd(@TempDir Path dir) throws Exception {
        try (Vaas vaas = deploy(Vaas.builder().workerKeepAliveMillis(300), dir,
                "{\"workerThreads\": \"always\", \"workers\": 4, \"prewarm\": 2}")) {
            assertThat(workerThreads("where")).hasSize(2);
            awaitNoWorkers("where");
            // The next call makes one again.
            assertThat((String) vaas.rpc("where.thread")).startsWith("vaas-worker:where-");
            awaitNoWorkers("where");
        }
    }

    @Test
    void autoUsesWorkersOnlyForVirtualCallersOfAnAppWithACpuBudget(@TempDir Path dir) throws Exception {
        try (Vaas vaas = deploy(dir, "{\"limits\": {\"cpuMsPerCall\": 150}, \"timeoutMs\": 20000}")) {
            String caller = Thread.currentThread().getName();
            assertThat(vaas.rpc("where.thread")).isEqualTo(caller);
            AtomicReference<Object> fromVirtual = new AtomicReference<>();
            AtomicReference<Throwable> spun = new AtomicReference<>();
            Thread.ofVirtual().start(() -> {
                fromVirtual.set(vaas.rpc("where.thread"));
                try {
                    vaas.rpc("where.spin");
                } catch (Throwable t) {
                    spun.set(t);
                }
            }).join();
            assertThat((String) fromVirtual.get()).startsWith("vaas-worker:where-");
            // A virtual thread has no CPU clock; the worker has, so the budget holds.
            assertThat(spun.get()).isInstanceOfSatisfying(VaasCallException.class, e -> {
                assertThat(e.status()).isEqualTo(503);
                assertThat(e.code()).isEqualTo("cpu_limit");
                assertThat(e.getMessage()).contains("its limits.cpuMsPerCall of 150 ms was reached");
            });
        }
        try (Vaas vaas = deploy(dir, "{}")) {
            AtomicReference<Object> fromVirtual = new AtomicReference<>();
            Thread.ofVirtual().start(() -> fromVirtual.set(vaas.rpc("where.thread"))).join();
            // No CPU budget: the call runs where it was made.
            assertThat((String) fromVirtual.get()).doesNotStartWith("vaas-worker:");
            assertThat(workerThreads("where")).isEmpty();
        }
    }

    @Test
    void interruptingTheCallerCancelsTheWorkersCall(@TempDir Path dir) throws Exception {
        try (Vaas vaas = deploy(dir, "{\"workerThreads\": \"always\", \"workers\": 1, \"timeoutMs\": 30000}")) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
            Thread caller = Thread.ofPlatform().start(() -> {
                try {
                    vaas.rpc("where.nap", 20_000);
                } catch (Throwable t) {
                    failure.set(t);
                }
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            });
            Thread.sleep(200);
            long start = System.nanoTime();
            caller.interrupt();
            caller.join(10_000);
            assertThat(caller.isAlive()).isFalse();
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
            assertThat(failure.get()).isInstanceOfSatisfying(VaasCallException.class, e -> {
                assertThat(e.code()).isEqualTo("abandoned");
                assertThat(e.getMessage()).contains("app 'where' route 'nap' was stopped: the thread that called "
                        + "it was interrupted");
            });
            assertThat(stillInterrupted.get()).isTrue();
            // The only worker is free again.
            assertThat((String) vaas.rpc("where.nap", 1)).startsWith("vaas-worker:where-");
        }
    }

    @Test
    void aRunawayCallOnAWorkerIsStoppedAndTheWorkerServesAgain(@TempDir Path dir) {
        try (Vaas vaas = deploy(dir, "{\"workerThreads\": \"always\", \"workers\": 1, \"timeoutMs\": 200}")) {
            String worker = (String) vaas.rpc("where.thread");
            assertThatThrownBy(() -> vaas.rpc("where.spin")).isInstanceOfSatisfying(VaasCallException.class, e -> {
                assertThat(e.status()).isEqualTo(504);
                assertThat(e.getMessage()).contains("app 'where' route 'spin' was stopped: its timeoutMs of 200 ms");
            });
            // Stopped, not lost: the same (only) worker answers the next call.
            assertThat(vaas.rpc("where.thread")).isEqualTo(worker);
            assertThat(workerThreads("where")).containsExactly(worker);
        }
    }

    @Test
    void deadlinesAndCallChainsCrossTheHandOff(@TempDir Path dir) {
        Path jar = AppToAppRpcTest.HOPPER.writeJar(dir.resolve("hopper.jar"));
        String onWorkers = "{\"workerThreads\": \"always\"}";
        try (Vaas vaas = Vaas.builder().deploy(AppSpec.of(jar), AppSpec.of("a1", jar).config(onWorkers),
                AppSpec.of("a2", jar).config(onWorkers),
                AppSpec.of("patient", jar).config("{\"workerThreads\": \"always\", \"timeoutMs\": 60000}"))
                .build()) {
            assertThat(vaas.rpc("hopper.hopSafely", "a1,a2")).isEqualTo("ok: a1>a2>end");
            assertThat((String) vaas.rpc("hopper.hopSafely", "a1,a2,hopper"))
                    .contains("failed 508 call_cycle").contains("chain of calls: hopper.hopSafely -> a1.hop -> "
                            + "a2.hop -> hopper.hop");
            assertThat((String) vaas.rpc("hopper.spinThere", "patient")).startsWith("failed 504 timeout: app "
                    + "'patient' route 'spin' was stopped: its deadline of its caller, app 'hopper' route 'spinThere',");
        }
    }

    @Test
    void unloadEndsTheWorkersAndTheAppIsCollected(@TempDir Path dir) throws Exception {
        try (Vaas vaas = deploy(dir, "{\"workerThreads\": \"always\", \"workers\": 2, \"prewarm\": 2}")) {
            assertThat((String) vaas.rpc("where.thread")).startsWith("vaas-worker:where-");
            WeakReference<ClassLoader> loader = new WeakReference<>(vaas.instance("where").loader());
            assertThat(vaas.undeploy("where")).isTrue();
            awaitNoWorkers("where");
            assertThat(RunawayTest.collected(List.of(loader))).isTrue();
        }
    }

    @Test
    void badSettingsAreRefusedNamingTheKey(@TempDir Path dir) {
        assertThatThrownBy(() -> deploy(dir, "{\"workerThreads\": \"sometimes\"}").close())
                .isInstanceOf(AppLoadException.class)
                .hasMessageContaining("\"workerThreads\" is \"sometimes\"; it is one of \"auto\"");
        assertThatThrownBy(() -> deploy(dir, "{\"workers\": 2, \"prewarm\": 3}").close())
                .isInstanceOf(AppLoadException.class)
                .hasMessageContaining("\"prewarm\" must be between 0 and 2, got 3");
        assertThatThrownBy(() -> deploy(dir, "{\"workerThreads\": \"never\", \"prewarm\": 1}").close())
                .isInstanceOf(AppLoadException.class)
                .hasMessageContaining("set \"workerThreads\" to \"always\" or drop \"prewarm\"");
    }
}
