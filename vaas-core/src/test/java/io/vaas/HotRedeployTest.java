package io.vaas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hot redeploy under steady load: the new version loads (and is checked) while the old one serves, traffic switches
 * at once, the old version finishes its calls in flight and unloads. Not one call fails.
 */
class HotRedeployTest {

    static GuestApp version(String v) {
        return GuestApp.withDescriptor("{\"name\": \"live\", \"version\": \"" + v + "\"}").source("l.Live", """
                package l;
                import io.vaas.api.*;
                public class Live {
                    @VaasServer(type = ServerType.RPC) public String version() throws InterruptedException {
                        Thread.sleep(1);   // calls in flight at every switch
                        return "%s";
                    }
                    @VaasServer(method = "GET", route = "/version") public String http() { return "%s"; }
                }
                """.formatted(v, v));
    }

    @Test
    void steadyLoadDuringRedeploysLosesNoCall(@TempDir Path dir) throws Exception {
        List<Path> jars = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            jars.add(version("v" + i).writeJar(dir.resolve("live-" + i + ".jar")));
        }
        try (Vaas vaas = Vaas.builder().deploy(AppSpec.of(jars.get(0))).build()) {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger calls = new AtomicInteger();
            Map<String, Integer> seen = new ConcurrentHashMap<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                boolean http = c % 2 == 1;
                clients.add(Thread.ofPlatform().start(() -> {
                    while (running.get()) {
                        try {
                            String v = http ? vaas.http("live", io.vaas.api.HttpRequest.get("/version")).bodyText()
                                    : (String) vaas.rpc("live.version");
                            seen.merge(v, 1, Integer::sum);
                            calls.incrementAndGet();
                        } catch (Throwable t) {
                            failures.add(t);
                        }
                    }
                }));
            }
            for (int round = 1; round < 12; round++) {
                Thread.sleep(60);
                vaas.deploy(AppSpec.of(jars.get(round % 4)));
            }
            Thread.sleep(60);
            running.set(false);
            for (Thread t : clients) {
                t.join();
            }
            assertThat(failures).isEmpty();
            assertThat(calls.get()).isGreaterThan(100);
            assertThat(seen.keySet()).containsExactlyInAnyOrder("v1", "v2", "v3", "v4");
            assertThat(vaas.rpc("live.version")).isEqualTo("v4");
        }
    }
}
