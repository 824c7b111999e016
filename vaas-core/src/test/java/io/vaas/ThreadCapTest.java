package io.vaas;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code limits.maxThreads} counts every thread the app causes, whatever factory made it: its own
 * {@code ThreadFactory} handed to JDK executors and pools, {@code Thread.Builder} factories, virtual threads. The
 * ninth thread of an app limited to 8 is refused naming the limit; the neighbour is served; after undeploy none of
 * the app's threads runs on.
 */
class ThreadCapTest {

    static final GuestApp SPAWNER = GuestApp.withDescriptor("""
            {"name": "spawner", "limits": {"maxThreads": 8}}""").source("s.Spawner", """
            package s;
            import io.vaas.api.*;
            import java.util.*;
            import java.util.concurrent.*;
            public class Spawner {
                static final Runnable SLEEP = () -> { try { Thread.sleep(600_000); } catch (InterruptedException e) { } };
                static final ThreadFactory MINE = r -> new Thread(r, "mine");
                static String attempt(Callable<Object> a) {
                    try {
                        return "ran: " + a.call();
                    } catch (OutOfMemoryError e) {
                        return "refused: " + e.getMessage();
                    } catch (Throwable t) {
                        return "failed: " + t;
                    }
                }
                static Object submitAll(ExecutorService pool) {
                    for (int i = 0; i < 16; i++) { pool.execute(SLEEP); }
                    return "16 tasks";
                }
                @VaasServer(type = ServerType.RPC) public String attack(String how) {
                    return switch (how) {
                        case "fixedPoolWithFactory" -> attempt(() -> submitAll(Executors.newFixedThreadPool(16, MINE)));
                        case "cachedPoolWithFactory" -> attempt(() -> submitAll(Executors.newCachedThreadPool(MINE)));
                        case "scheduledWithFactory" -> attempt(() -> {
                            ScheduledThreadPoolExecutor p = new ScheduledThreadPoolExecutor(16, MINE);
                            return p.prestartAllCoreThreads();
                        });
                        case "executorConstructorWithFactory" -> attempt(() -> {
                            ThreadPoolExecutor p = new ThreadPoolExecutor(16, 16, 1, TimeUnit.MINUTES,
                                    new LinkedBlockingQueue<>(), MINE, new ThreadPoolExecutor.AbortPolicy());
                            return p.prestartAllCoreThreads();
                        });
                        case "setThreadFactory" -> attempt(() -> {
                            ThreadPoolExecutor p = new ThreadPoolExecutor(16, 16, 1, TimeUnit.MINUTES,
                                    new LinkedBlockingQueue<>());
                            p.setThreadFactory(MINE);
                            return p.prestartAllCoreThreads();
                        });
                        case "forkJoinWithFactory" -> attempt(() -> {
                            ForkJoinPool p = new ForkJoinPool(16, pool -> new ForkJoinWorkerThread(null, pool, true) { },
                                    null, false);
                            List<Future<?>> all = new ArrayList<>();
                            for (int i = 0; i < 16; i++) { all.add(p.submit(() -> { SLEEP.run(); return 1; })); }
                            Thread.sleep(300);
                            // A fork-join pool swallows its factory's refusals (its workers report them): the pool
                            // just stays small.
                            return p.getPoolSize();
                        });
                        case "builderFactory" -> attempt(() -> {
                            ThreadFactory f = Thread.ofPlatform().name("built-", 0).factory();
                            for (int i = 0; i < 16; i++) { f.newThread(SLEEP).start(); }
                            return 16;
                        });
                        case "virtualThreadsWithFactory" -> attempt(() ->
                                submitAll(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().factory())));
                        case "virtualPerTask" -> attempt(() -> submitAll(Executors.newVirtualThreadPerTaskExecutor()));
                        default -> "unknown " + how;
                    };
                }
            }
            """);

    @TempDir
    Path dir;
    Vaas vaas;

    @BeforeEach
    void deploy() {
        vaas = SPAWNER.deployWithNeighbour(dir, "spawner.jar");
    }

    @AfterEach
    void close() {
        vaas.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"fixedPoolWithFactory", "cachedPoolWithFactory", "scheduledWithFactory",
            "executorConstructorWithFactory", "setThreadFactory", "forkJoinWithFactory", "builderFactory",
            "virtualThreadsWithFactory", "virtualPerTask"})
    void everyThreadTheAppCausesIsCountedCappedAndStoppedAtUndeploy(String how) throws Exception {
        Object result = vaas.rpc("spawner.attack", how);
        if (how.equals("forkJoinWithFactory") && result.toString().startsWith("ran: ")) {
            // Refused on a worker's own thread (which reports it) rather than the submitter's.
            assertThat(Integer.parseInt(result.toString().substring("ran: ".length()))).isBetween(1, 8);
        } else {
            assertThat(result).asString()
                    .startsWith("refused: app 'spawner' may have at most 8 threads alive (limits.maxThreads)");
        }
        // A thread refused on its own (a fork-join worker) ends right after it is refused: let it.
        List<Thread> threads = new ArrayList<>(vaas.instance("spawner").context().threads().live());
        for (int i = 0; i < 100 && threads.size() > 8; i++) {
            Thread.sleep(10);
            threads = new ArrayList<>(vaas.instance("spawner").context().threads().live());
        }
        assertThat(threads).hasSizeBetween(1, 8).allSatisfy(t -> assertThat(t.getName()).startsWith("spawner/"));
        assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        vaas.undeploy("spawner");
        for (Thread t : threads) {
            t.join(5_000);
            assertThat(t.isAlive()).as(t.getName()).isFalse();
        }
        assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
    }
}
