package io.vaas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A call from one app to another made on a thread of the caller's own {@code Thread} subclass: the callee runs on
 * its own worker thread, so the caller's overrides of the context-loader methods never receive the callee's loader.
 */
class CrossAppThreadTest {

    static final GuestApp CALLER = GuestApp.withDescriptor("""
            {"name": "caller", "permissions": ["rpc"]}""").source("c.Caller", """
            package c;
            import io.vaas.api.*;
            import java.util.*;
            import java.util.concurrent.*;
            public class Caller {
                static final List<ClassLoader> SEEN = new CopyOnWriteArrayList<>();
                static class Sneaky extends Thread {
                    volatile Object answer;
                    Sneaky() { super("sneaky"); }
                    @Override public void setContextClassLoader(ClassLoader cl) { SEEN.add(cl); super.setContextClassLoader(cl); }
                    @Override public ClassLoader getContextClassLoader() {
                        ClassLoader cl = super.getContextClassLoader();
                        SEEN.add(cl);
                        return cl;
                    }
                    @Override public void run() {
                        try { answer = Rpc.call("callee.whereAmI", null); } catch (RuntimeException e) { answer = e.toString(); }
                    }
                }
                @VaasServer(type = ServerType.RPC) public String attack() throws Exception {
                    Sneaky t = new Sneaky();
                    t.start();
                    t.join();
                    String foreign = SEEN.stream().filter(l -> l != null && l != Caller.class.getClassLoader())
                            .map(String::valueOf).findFirst().orElse("none");
                    return t.answer + " / loaders of other apps seen: " + foreign;
                }
            }
            """);

    static final GuestApp CALLEE = GuestApp.named("callee").source("d.Callee", """
            package d;
            import io.vaas.api.*;
            public class Callee {
                @VaasServer(type = ServerType.RPC) public String whereAmI() {
                    String name = Thread.currentThread().getName();
                    return name.startsWith("vaas-worker:callee") ? "on the callee's worker" : "on " + name;
                }
            }
            """);

    @Test
    void theCalleeRunsOnItsOwnWorkerAndItsLoaderNeverReachesTheCaller(@TempDir Path dir) {
        try (Vaas vaas = Vaas.builder().deploy(AppSpec.of(CALLER.writeJar(dir.resolve("caller.jar"))),
                AppSpec.of(CALLEE.writeJar(dir.resolve("callee.jar")))).build()) {
            assertThat(vaas.rpc("caller.attack")).isEqualTo("on the callee's worker / loaders of other apps seen: none");
        }
    }
}
