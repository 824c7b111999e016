package io.vaas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Apps calling apps through the host ({@code io.vaas.api.Rpc}): arguments and results cross as JSON-like values,
 * failures as {@code VaasException}; the caller's deadline carries over, cycles and chains too deep are refused.
 */
class AppToAppRpcTest {

    static final GuestApp HOPPER = GuestApp.withDescriptor("""
            {"name": "hopper", "permissions": ["rpc"], "timeoutMs": 400}
            """).source("h.Hopper", """
            package h;
            import io.vaas.api.*;
            import java.util.*;
            public class Hopper {
                public record Pair(int a, int b) { }
                public record Sum(int total) { }
                static String attempt(java.util.function.Supplier<Object> s) {
                    try {
                        return "ok: " + s.get();
                    } catch (VaasException e) {
                        return "failed " + e.status() + " " + e.code() + ": " + e.getMessage();
                    } catch (SecurityException e) {
                        return "denied: " + e.getMessage();
                    }
                }
                @VaasServer(type = ServerType.RPC) public Sum add(Pair p) { return new Sum(p.a() + p.b()); }
                @VaasServer(type = ServerType.RPC) public String addThere(String app) {
                    return attempt(() -> Rpc.call(app + ".add", new Pair(2, 3), Sum.class).total());
                }
                @VaasServer(type = ServerType.RPC) public String plain(String app) {
                    return attempt(() -> Rpc.call(app + ".add", Map.of("a", 1, "b", 1)));
                }
                @VaasServer(type = ServerType.RPC) public String missing(String app) {
                    return attempt(() -> Rpc.call(app + ".nothing", null));
                }
                /** Calls the next app of the chain: "a1,a2,a3" calls a1.hop("a2,a3"). */
                @VaasServer(type = ServerType.RPC) public String hop(String rest) {
                    if (rest.isEmpty()) {
                        return "end";
                    }
                    int comma = rest.indexOf(',');
                    String next = comma < 0 ? rest : rest.substring(0, comma);
                    String after = comma < 0 ? "" : rest.substring(comma + 1);
                    Object r = Rpc.call(next + ".hop", after);
                    return next + ">" + r;
                }
                @VaasServer(type = ServerType.RPC) public String hopSafely(String rest) {
                    return attempt(() -> hop(rest));
                }
                @VaasServer(type = ServerType.RPC) public String spin() {
                    long x = 0;
                    while (x >= 0) { x++; }
                    return "never";
                }
                @VaasServer(type = ServerType.RPC) public String spinThere(String app) {
                    return attempt(() -> Rpc.call(app + ".spin", null));
                }
            }
            """);

    @Test
    void appsCallAppsWithValuesAcrossTheirOwnTypes(@TempDir Path dir) {
        Path jar = HOPPER.writeJar(dir.resolve("hopper.jar"));
        try (Vaas vaas = Vaas.builder().deploy(AppSpec.of(jar), AppSpec.of("other", jar)).build()) {
            assertThat(vaas.rpc("hopper.addThere", "other")).isEqualTo("ok: 5");
            assertThat(vaas.rpc("hopper.plain", "other")).isEqualTo("ok: {total=2}");
            assertThat((String) vaas.rpc("hopper.missing", "other"))
                    .startsWith("failed 404 no_such_route: app 'other' has no RPC route 'nothing'");
            assertThat((String) vaas.rpc("hopper.missing", "ghost"))
                    .startsWith("failed 404 no_such_app: no app 'ghost' is deployed");
        }
    }

    @Test
    void cyclesAndChainsTooDeepAreRefused(@TempDir Path dir) {
        Path jar = HOPPER.writeJar(dir.resolve("hopper.jar"));
        Vaas.Builder builder = Vaas.builder();
        for (int i = 1; i <= 9; i++) {
            builder.deploy(AppSpec.of("a" + i, jar));
        }
        try (Vaas vaas = builder.deploy(AppSpec.of(jar)).build()) {
            assertThat(vaas.rpc("hopper.hopSafely", "a1,a2,a3")).isEqualTo("ok: a1>a2>a3>end");
            assertThat((String) vaas.rpc("hopper.hopSafely", "a1,a2,hopper"))
                    .contains("failed 508 call_cycle").contains("app 'a2' called hopper.hop, an app already in the "
                            + "chain of calls: hopper.hopSafely -> a1.hop -> a2.hop -> hopper.hop");
            assertThat((String) vaas.rpc("hopper.hopSafely", "a1,a2,a3,a4,a5,a6,a7,a8,a9"))
                    .contains("508 too_deep").contains("chains of calls between apps stop at 8");
        }
    }

    @Test
    void theCallersDeadlineCarriesOver(@TempDir Path dir) {
        Path jar = HOPPER.writeJar(dir.resolve("hopper.jar"));
        try (Vaas vaas = Vaas.builder().deploy(AppSpec.of(jar),
                AppSpec.of("patient", jar).config("{\"timeoutMs\": 60000}")).build()) {
            long start = System.nanoTime();
            String result = (String) vaas.rpc("hopper.spinThere", "patient");
            assertThat(result).startsWith("failed 504 timeout: app 'patient' route 'spin' was stopped: its deadline "
                    + "of its caller, app 'hopper' route 'spinThere',");
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(30_000);
        }
    }

    @Test
    void callingOtherAppsNeedsThePermission(@TempDir Path dir) {
        GuestApp plain = GuestApp.withDescriptor("{\"name\": \"plainapp\"}").source("p.P", """
                package p;
                import io.vaas.api.*;
                public class P {
                    @VaasServer(type = ServerType.RPC) public String call() {
                        try {
                            return String.valueOf(Rpc.call("hopper.add", java.util.Map.of("a", 1, "b", 2)));
                        } catch (SecurityException e) {
                            return "denied: " + e.getMessage();
                        }
                    }
                }
                """);
        try (Vaas vaas = Vaas.builder().deploy(AppSpec.of(plain.writeJar(dir.resolve("p.jar"))),
                AppSpec.of(HOPPER.writeJar(dir.resolve("hopper.jar")))).build()) {
            assertThat((String) vaas.rpc("plainapp.call")).startsWith("denied: app 'plainapp' uses io.vaas.api.Rpc")
                    .contains("permission 'rpc' allows it");
            // An app calling itself is a cycle too.
            assertThat(vaas.rpc("hopper.addThere", "hopper")).asString().contains("508 call_cycle");
        }
    }
}
