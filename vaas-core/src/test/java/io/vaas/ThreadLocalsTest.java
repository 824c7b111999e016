package io.vaas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thread locals guest code sets on threads that are not its own (the host's threads making calls, shared pools): kept
 * by the app, per thread, and dropped with it, so an app's objects never stay on a host thread after it is unloaded.
 */
class ThreadLocalsTest {

    static final GuestApp LOCALS = GuestApp.named("locals").source("l.Locals", """
            package l;
            import io.vaas.api.*;
            import java.util.function.*;
            public class Locals {
                public static class Holder { final int n; Holder(int n) { this.n = n; } }
                static final ThreadLocal<Holder> PLAIN = new ThreadLocal<>();
                static final ThreadLocal<Holder> SUPPLIED = ThreadLocal.withInitial(() -> new Holder(7));
                static final ThreadLocal<Holder> OVERRIDDEN = new ThreadLocal<>() {
                    @Override protected Holder initialValue() { return new Holder(9); }
                };
                static final InheritableThreadLocal<Holder> INHERITABLE = new InheritableThreadLocal<>();
                @VaasServer(type = ServerType.RPC) public String set(int n) {
                    PLAIN.set(new Holder(n));
                    INHERITABLE.set(new Holder(n));
                    SUPPLIED.get();
                    OVERRIDDEN.get();
                    return "set";
                }
                @VaasServer(type = ServerType.RPC) public String get() {
                    Holder h = PLAIN.get();
                    return (h == null ? "none" : String.valueOf(h.n)) + " " + SUPPLIED.get().n + " "
                            + OVERRIDDEN.get().n;
                }
                @VaasServer(type = ServerType.RPC) public String removeAndGet() {
                    PLAIN.remove();
                    Supplier<Holder> ref = PLAIN::get;
                    return String.valueOf(ref.get());
                }
                @VaasServer(type = ServerType.RPC) public String onOwnThread() throws Exception {
                    String[] out = new String[1];
                    Thread t = new Thread(() -> { PLAIN.set(new Holder(5)); out[0] = String.valueOf(PLAIN.get().n); });
                    t.start();
                    t.join();
                    return out[0];
                }
            }
            """);

    @Test
    void valuesSetOnTheCallersThreadStayWithTheAppAndGoWithIt(@TempDir Path dir) throws Exception {
        WeakReference<ClassLoader> loader;
        try (Vaas vaas = Vaas.builder().deploy(AppSpec.of(LOCALS.writeJar(dir.resolve("locals.jar")))).build()) {
            loader = new WeakReference<>(vaas.instance("locals").loader());
            assertThat(vaas.rpc("locals.get")).isEqualTo("none 7 9");
            assertThat(vaas.rpc("locals.set", 3)).isEqualTo("set");
            assertThat(vaas.rpc("locals.get")).isEqualTo("3 7 9");
            assertThat(vaas.rpc("locals.removeAndGet")).isEqualTo("null");
            assertThat(vaas.rpc("locals.set", 4)).isEqualTo("set");
            assertThat(vaas.rpc("locals.onOwnThread")).isEqualTo("5");
            // Another host thread has its own values.
            String[] other = new String[1];
            Thread t = Thread.ofPlatform().start(() -> other[0] = (String) vaas.rpc("locals.get"));
            t.join();
            assertThat(other[0]).isEqualTo("none 7 9");
            assertThat(vaas.rpc("locals.get")).isEqualTo("4 7 9");
        }
        // This (host) thread set app objects in thread locals; they must not keep the app.
        assertThat(RunawayTest.collected(List.of(loader))).isTrue();
    }
}
