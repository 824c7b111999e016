package io.vaas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.ref.Cleaner;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No JVM thread runs guest code: a guest {@code finalize()} that never returns does not stop the JVM's Finalizer
 * (the host's objects are still finalized), and guest cleaning actions run on the app's own cleaner thread, however
 * the app made its cleaner, never on a thread of the JDK's or the host's; that thread stops at undeploy.
 */
class JvmThreadsTest {

    static final GuestApp LINGERER = GuestApp.named("lingerer").source("j.Lingerer", """
            package j;
            import io.vaas.api.*;
            import java.lang.ref.Cleaner;
            import java.util.*;
            import java.util.concurrent.*;
            public class Lingerer {
                static volatile String finalizedOn = "never";
                static volatile String cleanedOn = "never";
                static final List<String> explicit = new CopyOnWriteArrayList<>();
                static class Base {
                    @Override protected void finalize() throws Throwable { explicit.add("base"); }
                }
                static class Stuck extends Base {
                    @Override protected void finalize() throws Throwable {
                        finalizedOn = Thread.currentThread().getName();
                        Thread.sleep(Long.MAX_VALUE);
                    }
                    void release() throws Throwable { explicit.add("stuck"); super.finalize(); }
                }
                @VaasServer(type = ServerType.RPC) public int makeStuck(int n) {
                    for (int i = 0; i < n; i++) { new Stuck(); }
                    return n;
                }
                @VaasServer(type = ServerType.RPC) public String finalizedOn() { return finalizedOn; }
                @VaasServer(type = ServerType.RPC) public String explicitFinalize() throws Throwable {
                    explicit.clear();
                    new Base().finalize();
                    new Stuck().release();
                    return String.join(",", explicit);
                }
                static final Cleaner CLEANER = Cleaner.create();
                static final Cleaner WITH_FACTORY = Cleaner.create(r -> new Thread(r, "guest-factory"));
                @VaasServer(type = ServerType.RPC) public int makeBlockingGarbage(int n) {
                    for (int i = 0; i < n; i++) {
                        (i % 2 == 0 ? CLEANER : WITH_FACTORY).register(new Object(), () -> {
                            cleanedOn = Thread.currentThread().getName();
                            try { Thread.sleep(Long.MAX_VALUE); } catch (InterruptedException e) { }
                            while (true) { Thread.onSpinWait(); }
                        });
                    }
                    return n;
                }
                @VaasServer(type = ServerType.RPC) public String cleanedOn() { return cleanedOn; }
                @VaasServer(type = ServerType.RPC) public String explicitClean() {
                    List<String> ran = new ArrayList<>();
                    Object held = new Object();
                    Cleaner.Cleanable c = CLEANER.register(held, () -> ran.add(Thread.currentThread().getName()));
                    c.clean();
                    c.clean();
                    return ran.size() + " " + (ran.get(0).equals(Thread.currentThread().getName())) + " " + held.hashCode() * 0;
                }
            }
            """);

    @TempDir
    Path dir;

    private Vaas deploy() {
        return Vaas.builder().deploy(AppSpec.of(LINGERER.writeJar(dir.resolve("lingerer.jar"))).config("{\"timeoutMs\": 3000}"),
                AppSpec.of(BadInputTest.NEIGHBOUR.writeJar(dir.resolve("neighbour.jar")))).build();
    }

    /** A host object whose finalizer counts down: finalized only while the JVM's Finalizer thread is free. */
    @SuppressWarnings({"deprecation", "removal"})
    static final class HostFinalizable {
        private final CountDownLatch finalized;

        HostFinalizable(CountDownLatch finalized) {
            this.finalized = finalized;
        }

        @Override
        protected void finalize() {
            finalized.countDown();
        }
    }

    private static boolean collectUntil(CountDownLatch latch) throws InterruptedException {
        for (int i = 0; i < 100 && latch.getCount() > 0; i++) {
            System.gc();
            latch.await(100, TimeUnit.MILLISECONDS);
        }
        return latch.getCount() == 0;
    }

    @Test
    void aGuestFinalizerThatNeverReturnsDoesNotStopTheFinalizationOfHostObjects() throws Exception {
        try (Vaas vaas = deploy()) {
            assertThat(vaas.rpc("lingerer.makeStuck", 1000)).isEqualTo(1000);
            for (int i = 0; i < 5; i++) {
                System.gc();
                Thread.sleep(50);
            }
            CountDownLatch finalized = new CountDownLatch(1);
            makeHostGarbage(finalized);
            assertThat(collectUntil(finalized)).as("the host's object was finalized").isTrue();
            // The JVM never ran the guest's finalize(): it would have recorded its thread and blocked it.
            assertThat(vaas.rpc("lingerer.finalizedOn")).isEqualTo("never");
            // The app's own calls still reach it, super.finalize() included.
            assertThat(vaas.rpc("lingerer.explicitFinalize")).isEqualTo("base,stuck,base");
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        }
    }

    private static void makeHostGarbage(CountDownLatch finalized) {
        new HostFinalizable(finalized);
    }

    @Test
    void blockingCleaningActionsRunOnTheAppsCleanerThreadAndStopAtUndeploy() throws Exception {
        try (Vaas vaas = deploy()) {
            assertThat(vaas.rpc("lingerer.makeBlockingGarbage", 10)).isEqualTo(10);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (vaas.rpc("lingerer.cleanedOn").equals("never") && System.nanoTime() < until) {
                System.gc();
                Thread.sleep(50);
            }
            // On the app's own thread: not the JDK's common cleaner, nor a thread of the factory the guest passed.
            assertThat(vaas.rpc("lingerer.cleanedOn")).isEqualTo("lingerer/cleaner");
            assertThat(GuardEverywhereTest.appThreads("guest-factory")).isEmpty();
            // While the app's action blocks, the host's own cleaner still cleans.
            CountDownLatch cleaned = new CountDownLatch(1);
            Cleaner hostCleaner = Cleaner.create();
            hostCleaner.register(new Object(), cleaned::countDown);
            assertThat(collectUntil(cleaned)).as("the host's cleaning action ran").isTrue();
            // An explicit clean() runs the action once, on the caller's thread.
            assertThat(vaas.rpc("lingerer.explicitClean")).isEqualTo("1 true 0");
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
            vaas.undeploy("lingerer");
            assertThat(GuardEverywhereTest.appThreads("lingerer/")).as("app threads after undeploy").isEmpty();
            assertThat(GuardEverywhereTest.noThreadRuns("j.Lingerer", 2000)).isTrue();
        }
    }
}
