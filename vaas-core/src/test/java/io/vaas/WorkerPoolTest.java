package io.vaas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each app's calls run on its own worker threads: made as calls need them (or at deploy with "prewarm"), with a
 * bounded queue in front; an app idle past "idleUnloadMs" is unloaded and loaded again by its next call.
 */
class WorkerPoolTest {

    static final GuestApp WORKER = GuestApp.named("worker").source("w.Worker", """
            package w;
            import io.vaas.api.*;
            public class Worker {
                static int loads;
                static { loads++; }
                @VaasServer(type = ServerType.RPC) public String where() { return Thread.currentThread().getName(); }
                @VaasServer(type = ServerType.RPC) public int slow(int ms) throws InterruptedException {
                    Thread.sleep(ms);
                    return ms;
                }
                @VaasServer(type = ServerType.RPC) public int loads() { return loads; }
                @VaasServer(type = ServerType.RPC) public long burn() {
                    long x = 0;
                    while (true) { x += System.nanoTime() % 3; if (x == -1) return x; }
                }
            }
            """);

    Vaas deploy(Path dir, String config) {
        return Vaas.builder().deploy(AppSpec.of(WORKER.writeJar(dir.resolve("worker.jar"))).config(config)).build();
    }

    @Test
    void callsRunOnTheAppsOwnWorkersMadeAsNeeded(@TempDir Path dir) {
        try (Vaas vaas = deploy(dir, "{\"workers\": 2}")) {
            assertThat(vaas.instance("worker").workersAlive()).isZero();
            assertThat((String) vaas.rpc("worker.where")).startsWith("vaas-worker:worker-")
                    .isNotEqualTo(Thread.currentThread().getName());
            assertThat(vaas.instance("worker").workersAlive()).isEqualTo(1);
        }
        try (Vaas vaas = deploy(dir, "{\"workers\": 3, \"prewarm\": true}")) {
            assertThat(vaas.instance("worker").workersAlive()).isEqualTo(3);
        }
    }

    @Test
    void aFullQueueRefusesTheCallClearly(@TempDir Path dir) throws Exception {
        try (Vaas vaas = deploy(dir, "{\"workers\": 1, \"queue\": 1}")) {
            CompletableFuture<Object> first = new CompletableFuture<>();
            CompletableFuture<Object> second = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> first.complete(vaas.rpc("worker.slow", 800)));
            Thread.sleep(100);
            Thread.ofPlatform().start(() -> second.complete(vaas.rpc("worker.slow", 10)));
            Thread.sleep(100);
            assertThatThrownBy(() -> vaas.rpc("worker.slow", 10)).isInstanceOfSatisfying(VaasCallException.class, e -> {
                assertThat(e.status()).isEqualTo(503);
                assertThat(e.code()).isEqualTo("overloaded");
                assertThat(e.getMessage()).contains("app 'worker' is overloaded: its 1 workers are busy and 1 calls "
                        + "are already waiting (raise \"workers\" or \"queue\" in vaas.json)");
            });
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(800);
            assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(10);
            assertThat(vaas.rpc("worker.slow", 1)).isEqualTo(1);
        }
    }

    @Test
    void aCpuBudgetHoldsEvenForCallersOnVirtualThreads(@TempDir Path dir) throws Exception {
        try (Vaas vaas = deploy(dir, "{\"limits\": {\"cpuMsPerCall\": 100}}")) {
            Throwable[] failure = new Throwable[1];
            Thread.ofVirtual().start(() -> {
                try {
                    vaas.rpc("worker.burn");
                } catch (Throwable t) {
                    failure[0] = t;
                }
            }).join(30_000);
            assertThat(failure[0]).isInstanceOfSatisfying(VaasCallException.class,
                    e -> assertThat(e.code()).isEqualTo("cpu_limit"));
        }
    }

    @Test
    void anIdleAppIsUnloadedAndLoadedAgainByItsNextCall(@TempDir Path dir) throws Exception {
        try (Vaas vaas = deploy(dir, "{\"idleUnloadMs\": 300}")) {
            assertThat(vaas.rpc("worker.loads")).isEqualTo(1);
            WeakReference<ClassLoader> first = new WeakReference<>(vaas.instance("worker").loader());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!vaas.dormant("worker") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(vaas.dormant("worker")).isTrue();
            assertThat(vaas.apps()).containsExactly("worker");
            assertThat(RunawayTest.collected(List.of(first))).isTrue();
            // A fresh load: its static state starts over.
            assertThat(vaas.rpc("worker.loads")).isEqualTo(1);
            assertThat(vaas.dormant("worker")).isFalse();
            assertThat(vaas.undeploy("worker")).isTrue();
            assertThat(vaas.apps()).isEmpty();
        }
    }
}
