package io.vaas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An app's output (standard streams and {@code java.util.logging}) is rate-limited per app: lines over
 * {@code limits.maxOutputLinesPerSec} or {@code limits.maxOutputKbPerSec} are dropped and counted, the flooding call
 * is not slowed down, and a neighbour's lines still get through.
 */
class OutputFloodTest {

    static final GuestApp LOUD = GuestApp.named("loud").source("l.Loud", """
            package l;
            import io.vaas.api.*;
            public class Loud {
                @VaasServer(type = ServerType.RPC) public int flood(int lines) {
                    for (int i = 0; i < lines; i++) { System.out.println("line " + i); }
                    return lines;
                }
                @VaasServer(type = ServerType.RPC) public int floodErr(int lines) {
                    for (int i = 0; i < lines; i++) { System.err.println("err " + i); }
                    return lines;
                }
                @VaasServer(type = ServerType.RPC) public int floodLog(int records) {
                    java.util.logging.Logger log = java.util.logging.Logger.getLogger("loud");
                    for (int i = 0; i < records; i++) { log.warning("record " + i); }
                    return records;
                }
                @VaasServer(type = ServerType.RPC) public int floodBytes(int lines) {
                    String kib = "x".repeat(1023);
                    for (int i = 0; i < lines; i++) { System.out.println(kib); }
                    return lines;
                }
                @VaasServer(type = ServerType.RPC) public String say(String text) {
                    System.out.println(text);
                    return text;
                }
            }
            """);

    static final GuestApp QUIET = GuestApp.named("quiet").source("q.Quiet", """
            package q;
            import io.vaas.api.*;
            public class Quiet {
                @VaasServer(type = ServerType.RPC) public String say(String text) {
                    System.out.println(text);
                    return text;
                }
            }
            """);

    final List<String> lines = new CopyOnWriteArrayList<>();

    Vaas deploy(Path dir, String loudConfig, Limits hostDefaults) {
        Vaas.Builder b = Vaas.builder().output((app, version, stream, line) -> lines.add(app + ": " + line))
                .deploy(AppSpec.of(LOUD.writeJar(dir.resolve("loud.jar"))).config(loudConfig),
                        AppSpec.of(QUIET.writeJar(dir.resolve("quiet.jar"))));
        if (hostDefaults != null) {
            b.limits(hostDefaults);
        }
        return b.build();
    }

    long fromApp(String app) {
        return lines.stream().filter(l -> l.startsWith(app + ": ")).count();
    }

    @Test
    void aFloodIsCutToTheAppsRateAndCountedWithoutSlowingTheCall(@TempDir Path dir) {
        try (Vaas vaas = deploy(dir, "{\"limits\": {\"maxOutputLinesPerSec\": 100}}", null)) {
            long start = System.nanoTime();
            assertThat(vaas.rpc("loud.flood", 200_000)).isEqualTo(200_000);
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(20_000);
            long elapsedSeconds = 1 + (System.nanoTime() - start) / 1_000_000_000L;
            assertThat(fromApp("loud")).isBetween(50L, 100 + 100 * elapsedSeconds);
            assertThat(vaas.instance("loud").context().outputRate().dropped())
                    .isGreaterThanOrEqualTo(200_000 - 100 - 100 * elapsedSeconds);
            assertThat(vaas.rpc("quiet.say", "still heard")).isEqualTo("still heard");
            assertThat(lines).contains("quiet: still heard");
        }
    }

    @Test
    void standardErrorAndLoggingCountAgainstTheSameRate(@TempDir Path dir) {
        try (Vaas vaas = deploy(dir, "{\"limits\": {\"maxOutputLinesPerSec\": 100}}", null)) {
            vaas.rpc("loud.floodErr", 50_000);
            long afterErr = vaas.instance("loud").context().outputRate().dropped();
            assertThat(afterErr).isGreaterThan(40_000);
            vaas.rpc("loud.floodLog", 50_000);
            assertThat(vaas.instance("loud").context().outputRate().dropped() - afterErr).isGreaterThan(40_000);
            assertThat(vaas.rpc("quiet.say", "heard")).isEqualTo("heard");
            assertThat(lines).contains("quiet: heard");
        }
    }

    @Test
    void bytesAreLimitedTooAndTheHostSetsTheDefault(@TempDir Path dir) {
        Limits host = Limits.HOST_DEFAULTS.withOutputRate(100_000, 64L);
        try (Vaas vaas = deploy(dir, "{}", host)) {
            long start = System.nanoTime();
            vaas.rpc("loud.floodBytes", 20_000);
            long elapsedSeconds = 1 + (System.nanoTime() - start) / 1_000_000_000L;
            // 64 KiB a second of 1 KiB lines.
            assertThat(fromApp("loud")).isBetween(30L, 64 + 64 * elapsedSeconds);
            assertThat(vaas.rpc("quiet.say", "heard")).isEqualTo("heard");
        }
    }
}
