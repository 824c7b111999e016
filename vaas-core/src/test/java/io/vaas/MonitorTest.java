package io.vaas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An app cannot hold a monitor the host or another app needs: what it locks of the objects they share (JDK class
 * objects, interned string literals, boxed caches and other value-based JDK instances, JDK enum constants, threads it
 * did not start) is its own stand-in. The app's threads still exclude each other on them, and {@code wait/notify}
 * work as before.
 */
class MonitorTest {

    static final GuestApp HOLDER = GuestApp.named("holder").source("m.Holder", """
            package m;
            import io.vaas.api.*;
            import java.util.*;
            import java.util.concurrent.*;
            public class Holder {
                static final CountDownLatch held = new CountDownLatch(1);
                static volatile Thread caller;
                static Object shared(String what) {
                    return switch (what) {
                        case "classObject" -> String.class;
                        case "literal" -> "lock";
                        case "boxed" -> Integer.valueOf(1);
                        case "emptyList" -> List.of();
                        case "jdkEnum" -> TimeUnit.SECONDS;
                        case "hostThread" -> caller;
                        default -> throw new IllegalArgumentException(what);
                    };
                }
                /** Holds the monitor for a minute on a thread of the app's, outside any call. */
                @VaasServer(type = ServerType.RPC) public boolean holdForAMinute(String what) throws Exception {
                    caller = Thread.currentThread();
                    Object lock = shared(what);
                    new Thread(() -> {
                        synchronized (lock) {
                            held.countDown();
                            try { Thread.sleep(60_000); } catch (InterruptedException e) { }
                        }
                    }, "holder").start();
                    return held.await(10, TimeUnit.SECONDS);
                }
                /** Holds it inside the call, past its deadline. */
                @VaasServer(type = ServerType.RPC) public String holdInCall(String what) throws Exception {
                    synchronized (shared(what)) {
                        Thread.sleep(60_000);
                    }
                    return "woke";
                }
                /** Spins holding a shared monitor, swallowing everything: cancelled, it must still release it. */
                @VaasServer(type = ServerType.RPC) public String spinHolding(String what) {
                    while (true) {
                        try {
                            synchronized (shared(what)) {
                                while (true) { Thread.onSpinWait(); }
                            }
                        } catch (Throwable t) {
                            // A guest that will not stop.
                        }
                    }
                }
                /** Two threads of the app still exclude each other on a shared object's stand-in, and wait/notify. */
                @VaasServer(type = ServerType.RPC) public String handshake(String what) throws Exception {
                    Object lock = shared(what.equals("hostThread") ? "literal" : what);
                    String[] box = new String[1];
                    Thread t = new Thread(() -> {
                        synchronized (lock) {
                            box[0] = "ready";
                            lock.notifyAll();
                        }
                    });
                    synchronized (lock) {
                        t.start();
                        while (box[0] == null) {
                            lock.wait(5_000);
                        }
                    }
                    t.join();
                    try {
                        lock.notify();
                        return box[0] + " then notify without the lock passed";
                    } catch (IllegalMonitorStateException e) {
                        return box[0] + " then " + e.getClass().getSimpleName();
                    }
                }
            }
            """);

    /** Another app that needs the same monitors: it answers while the holder holds them. */
    static final GuestApp OTHER = GuestApp.named("other").source("o.Other", """
            package o;
            import io.vaas.api.*;
            import java.util.*;
            import java.util.concurrent.*;
            public class Other {
                @VaasServer(type = ServerType.RPC) public String lock(String what) {
                    Object lock = switch (what) {
                        case "classObject" -> String.class;
                        case "literal" -> "lock";
                        case "boxed" -> Integer.valueOf(1);
                        case "emptyList" -> List.of();
                        case "jdkEnum" -> TimeUnit.SECONDS;
                        default -> new Object();
                    };
                    synchronized (lock) {
                        return "got " + what;
                    }
                }
            }
            """);

    @TempDir
    Path dir;

    private Vaas deploy() {
        return Vaas.builder().deploy(AppSpec.of(HOLDER.writeJar(dir.resolve("holder.jar"))).config("{\"timeoutMs\": 300}"),
                AppSpec.of(OTHER.writeJar(dir.resolve("other.jar"))).config("{\"timeoutMs\": 3000}"),
                AppSpec.of(BadInputTest.NEIGHBOUR.writeJar(dir.resolve("neighbour.jar")))).build();
    }

    /** The objects the host itself locks, the same ones the app sees (string literals are interned JVM-wide). */
    private static Object hostSide(String what) {
        return switch (what) {
            case "classObject" -> String.class;
            case "literal" -> "lock";
            case "boxed" -> Integer.valueOf(1);
            case "emptyList" -> List.of();
            case "jdkEnum" -> TimeUnit.SECONDS;
            default -> throw new IllegalArgumentException(what);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"classObject", "literal", "boxed", "emptyList", "jdkEnum"})
    void anAppHoldingASharedMonitorForAMinuteBlocksNeitherTheHostNorAnotherApp(String what) throws Exception {
        try (Vaas vaas = deploy()) {
            // Held inside a call: the host and the other app get the monitor meanwhile; the call ends at its deadline.
            CompletableFuture<Object> inCall = GuardEverywhereTest.async(() -> vaas.rpc("holder.holdInCall", what));
            Thread.sleep(100);
            assertThat(within(2, () -> {
                synchronized (hostSide(what)) {
                    return "host got it";
                }
            })).as(what).isEqualTo("host got it");
            assertThat(within(5, () -> vaas.rpc("other.lock", what))).as(what).isEqualTo("got " + what);
            assertThat(GuardEverywhereTest.failure(inCall).status()).isEqualTo(504);
            // The app's threads still exclude each other on it, and wait/notify work on what they locked.
            assertThat(vaas.rpc("holder.handshake", what)).isEqualTo("ready then IllegalMonitorStateException");
            // Held for a minute by a thread of the app's, outside any call.
            assertThat(vaas.rpc("holder.holdForAMinute", what)).isEqualTo(true);
            assertThat(within(2, () -> {
                synchronized (hostSide(what)) {
                    return "host got it";
                }
            })).as(what).isEqualTo("host got it");
            assertThat(within(5, () -> vaas.rpc("other.lock", what))).as(what).isEqualTo("got " + what);
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
            vaas.undeploy("holder");
            assertThat(GuardEverywhereTest.appThreads("holder/")).isEmpty();
        }
    }

    @Test
    void aCancelledCallReleasesTheStandInItHeld() throws Exception {
        try (Vaas vaas = deploy()) {
            VaasCallException e = GuardEverywhereTest.releasedOnTime(vaas, "holder.spinHolding", "classObject");
            assertThat(e.status()).isEqualTo(504);
            assertThat(GuardEverywhereTest.noThreadRuns("m.Holder", 2000)).isTrue();
            // The app's own next call takes the same stand-in: the cancelled one let it go.
            assertThat(vaas.rpc("holder.handshake", "classObject")).isEqualTo("ready then IllegalMonitorStateException");
        }
    }

    @Test
    void anAppLockingTheHostThreadThatCalledItDoesNotStopThatThreadEndingOrBeingJoined() throws Exception {
        try (Vaas vaas = deploy()) {
            Object[] answer = new Object[1];
            Thread host = new Thread(() -> answer[0] = vaas.rpc("holder.holdForAMinute", "hostThread"), "host-caller");
            host.start();
            // join takes the thread's monitor, and so does the JVM as the thread ends.
            host.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(host.isAlive()).isFalse();
            assertThat(answer[0]).isEqualTo(true);
            assertThat(within(2, () -> {
                synchronized (host) {
                    return "joined";
                }
            })).isEqualTo("joined");
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        }
    }

    private static Object within(int seconds, Supplier<Object> task) throws Exception {
        return GuardEverywhereTest.async(task).get(seconds, TimeUnit.SECONDS);
    }
}
