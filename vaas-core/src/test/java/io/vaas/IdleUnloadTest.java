package io.vaas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An app idle past its "idleUnloadMs" is unloaded, all of it, and loaded again by its next call. */
class IdleUnloadTest {

    static final GuestApp WORKER = GuestApp.named("worker").source("w.Worker", """
            package w;
            import io.vaas.api.*;
            public class Worker {
                static int loads;
                static { loads++; }
                @VaasServer(type = ServerType.RPC) public int loads() { return loads; }
            }
            """);

    /** An app whose loading takes a while: its route's constructor runs for 1.5 s. */
    static final GuestApp SLOW = GuestApp.named("slow").source("s.Slow", """
            package s;
            import io.vaas.api.*;
            public class Slow {
                static int loads;
                public Slow() throws InterruptedException { loads++; Thread.sleep(1500); }
                @VaasServer(type = ServerType.RPC) public int loads() { return loads; }
            }
            """);

    @Test
    void wakingAnAppHoldsUpNeitherDeploysNorOtherAppsCalls(@TempDir Path dir) throws Exception {
        try (Vaas vaas = Vaas.builder().deploy(AppSpec.of(SLOW.writeJar(dir.resolve("slow.jar")))
                        .config("{\"idleUnloadMs\": 300}"),
                AppSpec.inMemory("neighbour", BadInputTest.NEIGHBOUR.entries())).build()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!vaas.dormant("slow") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(vaas.dormant("slow")).isTrue();
            java.util.List<Object> loads = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            Thread first = Thread.ofPlatform().start(() -> loads.add(vaas.rpc("slow.loads")));
            Thread second = Thread.ofPlatform().start(() -> loads.add(vaas.rpc("slow.loads")));
            Thread.sleep(200);
            // While the app loads again, the container's lock is free: other apps answer and deploys go on.
            long start = System.nanoTime();
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
            vaas.deploy(AppSpec.of("worker", WORKER.writeJar(dir.resolve("worker.jar"))));
            assertThat(vaas.rpc("worker.loads")).isEqualTo(1);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1_000);
            assertThat(first.isAlive() || second.isAlive()).as("the slow app was still loading").isTrue();
            first.join();
            second.join();
            // Both calls met the one load.
            assertThat(loads).containsExactly(1, 1);
        }
    }

    Vaas deploy(Path dir, String config) {
        return Vaas.builder().deploy(AppSpec.of(WORKER.writeJar(dir.resolve("worker.jar"))).config(config)).build();
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

    @Test
    void aBusyAppIsNotUnloadedAndADormantOneCanBeUndeployed(@TempDir Path dir) throws Exception {
        try (Vaas vaas = deploy(dir, "{\"idleUnloadMs\": 300}")) {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(900);
            while (System.nanoTime() < until) {
                assertThat(vaas.rpc("worker.loads")).isEqualTo(1);
                Thread.sleep(50);
            }
            assertThat(vaas.dormant("worker")).isFalse();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!vaas.dormant("worker") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(vaas.undeploy("worker")).isTrue();
            assertThatThrownBy(() -> vaas.rpc("worker.loads")).isInstanceOf(VaasCallException.class)
                    .hasMessageContaining("no app 'worker' is deployed");
        }
    }
}
