package io.vaas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A call between apps made from a thread an app started stays in its chain: the chain starts with that app, so a
 * call back into it is a cycle, and an endless a → b → a … chain ends at once.
 */
class ChainFromAppThreadTest {

    static GuestApp bouncer(String name, String other) {
        return GuestApp.withDescriptor("{\"name\": \"" + name + "\", \"permissions\": [\"rpc\"]}")
                .source("b." + name.toUpperCase() + "Bouncer", """
                        package b;
                        import io.vaas.api.*;
                        public class %sBouncer {
                            @VaasServer(type = ServerType.RPC) public String bounce() {
                                return "%s>" + Rpc.call("%s.bounce", null);
                            }
                            @VaasServer(type = ServerType.RPC) public String fromOwnThread() throws Exception {
                                String[] out = new String[1];
                                Thread t = new Thread(() -> {
                                    try { out[0] = (String) Rpc.call("%s.bounce", null); }
                                    catch (VaasException e) { out[0] = e.status() + " " + e.code() + ": " + e.getMessage(); }
                                });
                                t.start();
                                t.join();
                                return out[0];
                            }
                        }
                        """.formatted(name.toUpperCase(), name, other, other));
    }

    @Test
    void anEndlessChainFromAnAppsOwnThreadEndsAtTheFirstCycle(@TempDir Path dir) {
        try (Vaas vaas = Vaas.builder().deploy(AppSpec.of(bouncer("ping", "pong").writeJar(dir.resolve("ping.jar"))),
                AppSpec.of(bouncer("pong", "ping").writeJar(dir.resolve("pong.jar")))).build()) {
            String result = (String) vaas.rpc("ping.fromOwnThread");
            assertThat(result).startsWith("508 call_cycle").contains("app 'pong' called ping.bounce");
        }
    }
}
