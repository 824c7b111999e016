package io.vaas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An app's route constructors and static initializers run when it is deployed, on a thread of its own under a
 * deadline: whatever they do (loop, sleep, deadlock), the deploying thread is released, the deploy fails naming the
 * setting, and the host and its other apps go on.
 */
class DeployDeadlineTest {

    static GuestApp route(String name, String body) {
        return GuestApp.named(name).source("d.Route", """
                package d;
                import io.vaas.api.*;
                public class Route {
                    %s
                    @VaasServer(type = ServerType.RPC) public String ping() { return "pong"; }
                }
                """.formatted(body));
    }

    static final GuestApp LOOPING = route("looping", """
            public Route() { long n = 0; while (true) { n++; } }""");

    static final GuestApp LOOPING_STATIC = route("loopingstatic", """
            static { long n = 0; while (n >= 0) { n = n + 1 - 1; } }""");

    /** A deadlock between two static initializers: waits no interrupt or kill switch ends. */
    static final GuestApp DEADLOCKED = GuestApp.named("deadlocked").source("d.Route", """
            package d;
            import io.vaas.api.*;
            public class Route {
                static final int READY;
                static {
                    // The thread's code is in another class: a lambda here would wait for this class first.
                    Thread other = new Thread(new Toucher());
                    other.start();
                    try { Thread.sleep(300); } catch (InterruptedException e) { }
                    READY = Other.VALUE;
                }
                @VaasServer(type = ServerType.RPC) public String ping() { return "pong"; }
            }
            """).source("d.Toucher", """
            package d;
            public class Toucher implements Runnable {
                public void run() { Other.touch(); }
            }
            """).source("d.Other", """
            package d;
            public class Other {
                static final int VALUE = Route.READY + 1;
                static void touch() { }
            }
            """);

    @Test
    void aConstructorThatLoopsIsStoppedAtTheDeadline(@TempDir Path dir) {
        assertDeployFailsInTime(dir, LOOPING, "looping");
    }

    @Test
    void aStaticInitializerThatLoopsIsStoppedAtTheDeadline(@TempDir Path dir) {
        assertDeployFailsInTime(dir, LOOPING_STATIC, "loopingstatic");
    }

    @Test
    void aDeadlockBetweenStaticInitializersReleasesTheDeployingThread(@TempDir Path dir) {
        assertDeployFailsInTime(dir, DEADLOCKED, "deadlocked");
    }

    private static void assertDeployFailsInTime(Path dir, GuestApp app, String name) {
        try (Vaas vaas = Vaas.builder().deployTimeoutMillis(500)
                .deploy(AppSpec.inMemory("neighbour", BadInputTest.NEIGHBOUR.entries())).build()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> vaas.deploy(AppSpec.of(app.writeJar(dir.resolve(name + ".jar")))))
                    .isInstanceOf(AppLoadException.class).hasMessageContaining("app '" + name + "'")
                    .hasMessageContaining("within 500 ms (Vaas.Builder.deployTimeoutMillis)");
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(tookMs).as("the deploying thread is released soon after the deadline").isLessThan(5_000);
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
            assertThat(vaas.apps()).doesNotContain(name);
        }
    }

    @Test
    void ordinaryInitializationIsUnaffected(@TempDir Path dir) {
        try (Vaas vaas = Vaas.builder().deployTimeoutMillis(500).build()) {
            vaas.deploy(AppSpec.of(route("fine", "static final java.util.Map<String, Integer> M = java.util.Map.of(\"a\", 1);")
                    .writeJar(dir.resolve("fine.jar"))));
            assertThat(vaas.rpc("fine.ping")).isEqualTo("pong");
        }
    }
}
