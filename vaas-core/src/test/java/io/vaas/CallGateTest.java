package io.vaas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** "workers" calls of an app run at once, "queue" more wait, and the next is refused at once with a clear error. */
class CallGateTest {

    static final GuestApp SLOW = GuestApp.named("slow").source("s.Slow", """
            package s;
            import io.vaas.api.*;
            public class Slow {
                @VaasServer(type = ServerType.RPC) public int nap(int ms) throws InterruptedException {
                    Thread.sleep(ms);
                    return ms;
                }
                @VaasServer(method = "GET", route = "/nap") public String httpNap() throws InterruptedException {
                    Thread.sleep(10);
                    return "ok";
                }
            }
            """);

    static CompletableFuture<Object> async(Vaas vaas, int ms) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                f.complete(vaas.rpc("slow.nap", ms));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    @Test
    void callsPastWorkersAndQueueAreRefusedAtOnce(@TempDir Path dir) throws Exception {
        try (Vaas vaas = Vaas.builder().deploy(AppSpec.of(SLOW.writeJar(dir.resolve("slow.jar")))
                .config("{\"workers\": 1, \"queue\": 1}")).build()) {
            CompletableFuture<Object> first = async(vaas, 800);
            Thread.sleep(150);
            CompletableFuture<Object> second = async(vaas, 10);
            Thread.sleep(150);
            assertThatThrownBy(() -> vaas.rpc("slow.nap", 10)).isInstanceOfSatisfying(VaasCallException.class, e -> {
                assertThat(e.status()).isEqualTo(503);
                assertThat(e.code()).isEqualTo("overloaded");
                assertThat(e.getMessage()).contains("app 'slow' is overloaded: 1 calls are running and 1 more are "
                        + "waiting (raise \"workers\" or \"queue\" in vaas.json)");
            });
            assertThat(vaas.http("slow", io.vaas.api.HttpRequest.get("/nap")).status()).isEqualTo(503);
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(800);
            assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(10);
            assertThat(vaas.rpc("slow.nap", 1)).isEqualTo(1);
        }
    }

    @Test
    void aCallWaitsNoLongerThanItsDeadline(@TempDir Path dir) throws Exception {
        try (Vaas vaas = Vaas.builder().deploy(AppSpec.of(SLOW.writeJar(dir.resolve("slow.jar")))
                .config("{\"workers\": 1, \"timeoutMs\": 300}")).build()) {
            CompletableFuture<Object> first = async(vaas, 250);
            Thread.sleep(50);
            // Waits for the first (about 200 ms more), within its own 300 ms.
            assertThat(vaas.rpc("slow.nap", 1)).isEqualTo(1);
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(250);
        }
    }

    static final GuestApp HOG = GuestApp.withDescriptor("""
            {"name": "hog", "permissions": ["rpc"], "timeoutMs": 10000}
            """).source("h.Hog", """
            package h;
            import io.vaas.api.*;
            import java.util.*;
            import java.util.concurrent.atomic.AtomicInteger;
            public class Hog {
                @VaasServer(type = ServerType.RPC) public String flood(int n) throws InterruptedException {
                    AtomicInteger ok = new AtomicInteger();
                    List<String> refused = Collections.synchronizedList(new ArrayList<>());
                    List<Thread> threads = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        threads.add(Thread.ofPlatform().start(() -> {
                            try {
                                Rpc.call("slow.nap", 600);
                                ok.incrementAndGet();
                            } catch (VaasException e) {
                                refused.add(e.status() + " " + e.code() + " " + e.getMessage());
                            }
                        }));
                    }
                    for (Thread t : threads) {
                        t.join();
                    }
                    return ok.get() + " ok; " + refused.size() + " refused; " + (refused.isEmpty() ? "" : refused.get(0));
                }
            }
            """);

    @Test
    void oneCallingAppTakesAtMostHalfOfAnothersGate(@TempDir Path dir) throws Exception {
        try (Vaas vaas = Vaas.builder().deploy(AppSpec.of(SLOW.writeJar(dir.resolve("slow.jar")))
                        .config("{\"workers\": 2, \"queue\": 2, \"timeoutMs\": 5000}"),
                AppSpec.of(HOG.writeJar(dir.resolve("hog.jar")))).build()) {
            CompletableFuture<Object> flood = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> {
                try {
                    flood.complete(vaas.rpc("hog.flood", 6));
                } catch (Throwable t) {
                    flood.completeExceptionally(t);
                }
            });
            Thread.sleep(200);
            // The host's own callers still get in while the hog holds its share.
            CompletableFuture<Object> host1 = async(vaas, 10);
            CompletableFuture<Object> host2 = async(vaas, 10);
            assertThat(host1.get(5, TimeUnit.SECONDS)).isEqualTo(10);
            assertThat(host2.get(5, TimeUnit.SECONDS)).isEqualTo(10);
            String outcome = (String) flood.get(10, TimeUnit.SECONDS);
            assertThat(outcome).startsWith("2 ok; 4 refused; 503 overloaded")
                    .contains("app 'hog' has 2 calls running or waiting in app 'slow', its share");
            // Once its calls end, the share is free again.
            assertThat(vaas.rpc("hog.flood", 2)).isEqualTo("2 ok; 0 refused; ");
        }
    }
}
