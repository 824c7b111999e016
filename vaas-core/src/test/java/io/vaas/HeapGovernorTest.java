package io.vaas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Apps that each keep large arrays can together fill the heap; the heap governor stops the one that allocated most
 * once the old generation stays over its threshold after a major collection: its calls end with 503
 * {@code heap_limit} (even a call that ignores interrupts), it is unloaded and comes back empty on its next call,
 * while the other apps keep their data and the neighbour is served. Sizes are shares of this JVM's heap.
 */
class HeapGovernorTest {

    static GuestApp keeper(String name) {
        return GuestApp.named(name).source("k.Keeper", """
                package k;
                import io.vaas.api.*;
                import java.util.*;
                public class Keeper {
                    static final List<byte[]> kept = new ArrayList<>();
                    @VaasServer(type = ServerType.RPC) public long keep(long bytes) {
                        for (long left = bytes; left > 0; left -= 8 << 20) {
                            kept.add(new byte[(int) Math.min(left, 8 << 20)]);
                        }
                        return kept(null);
                    }
                    @VaasServer(type = ServerType.RPC) public long kept(String ignored) {
                        long n = 0;
                        for (byte[] b : kept) { n += b.length; }
                        return n;
                    }
                    @VaasServer(type = ServerType.RPC) public String hold() {
                        // Ignores interrupts: only the guards stop it.
                        while (true) {
                            try { Thread.sleep(20); } catch (InterruptedException e) { }
                        }
                    }
                }
                """);
    }

    @Test
    void theAppThatAllocatedMostIsStoppedAndComesBackEmptyWhileTheOthersKeepTheirData(@TempDir Path dir)
            throws Exception {
        long share = Runtime.getRuntime().maxMemory() * 14 / 100;
        try (Vaas vaas = Vaas.builder().heapGovernor(0.5)
                .deploy(AppSpec.of(keeper("modest").writeJar(dir.resolve("modest.jar"))),
                        AppSpec.of(keeper("steady").writeJar(dir.resolve("steady.jar"))),
                        AppSpec.of(keeper("greedy").writeJar(dir.resolve("greedy.jar"))),
                        AppSpec.of(BadInputTest.NEIGHBOUR.writeJar(dir.resolve("neighbour.jar")))).build()) {
            assertThat(vaas.rpc("modest.keep", share)).isEqualTo(share);
            Thread.sleep(50);
            assertThat(vaas.rpc("steady.keep", share)).isEqualTo(share);
            Thread.sleep(50);
            assertThat(vaas.rpc("greedy.keep", share)).isEqualTo(share);
            assertThat(vaas.rpc("greedy.keep", share)).isEqualTo(2 * share);
            Thread.sleep(50);
            CompletableFuture<Object> holding = CompletableFuture.supplyAsync(() -> vaas.rpc("greedy.hold"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!holding.isDone() && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(200);
            }
            assertThatThrownBy(() -> holding.get(1, TimeUnit.SECONDS)).cause().isInstanceOf(VaasCallException.class)
                    .satisfies(e -> {
                        VaasCallException v = (VaasCallException) e;
                        assertThat(v.status()).isEqualTo(503);
                        assertThat(v.code()).isEqualTo("heap_limit");
                        assertThat(v.getMessage()).contains("app 'greedy' route 'hold' was stopped: its "
                                + "Vaas.Builder.heapGovernor of 50% of the old generation was reached")
                                .contains("more than any other app");
                    });
            // Loaded again, empty; the others kept what they hold, and the neighbour answers.
            assertThat(vaas.rpc("greedy.kept", "")).isEqualTo(0L);
            assertThat(vaas.rpc("modest.kept", "")).isEqualTo(share);
            assertThat(vaas.rpc("steady.kept", "")).isEqualTo(share);
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
            // The pressure is gone: later collections stop nobody else.
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(100);
            }
            assertThat(vaas.rpc("modest.kept", "")).isEqualTo(share);
            assertThat(vaas.rpc("steady.kept", "")).isEqualTo(share);
        }
    }

    @Test
    void theThresholdIsAShareOfTheOldGeneration() {
        assertThatThrownBy(() -> Vaas.builder().heapGovernor(1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("heapGovernor must be 0 (off) or between 0 and 1, got 1.5");
        Vaas.builder().heapGovernor(0).build().close();
    }
}
