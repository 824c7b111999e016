package io.vaas;

import io.vaas.api.HttpRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Several versions of one app at once: traffic split by weight, versions pinned by callers, one version retired. */
class VersionsTest {

    static GuestApp version(String v) {
        return GuestApp.withDescriptor("{\"name\": \"shop\", \"version\": \"" + v + "\"}").source("s.Shop", """
                package s;
                import io.vaas.api.*;
                public class Shop {
                    @VaasServer(type = ServerType.RPC) public String version() { return "%s"; }
                    @VaasServer(method = "GET", route = "/version") public String http() { return "%s"; }
                }
                """.formatted(v, v));
    }

    @Test
    void trafficSplitsByWeightAndCallersCanPinAVersion(@TempDir Path dir) {
        try (Vaas vaas = Vaas.builder().deploy(AppSpec.of(version("1.0").writeJar(dir.resolve("v1.jar")))).build()) {
            vaas.deployVersion(AppSpec.of(version("2.0").writeJar(dir.resolve("v2.jar"))), 10);
            vaas.weights("shop", Map.of("1.0", 90));
            assertThat(vaas.versions("shop")).isEqualTo(Map.of("1.0", 90, "2.0", 10));
            int v2 = 0;
            int n = 4000;
            for (int i = 0; i < n; i++) {
                if (vaas.rpc("shop.version").equals("2.0")) {
                    v2++;
                }
            }
            assertThat(v2 / (double) n).isBetween(0.06, 0.14);

            assertThat(vaas.rpc("shop@2.0.version")).isEqualTo("2.0");
            assertThat(vaas.rpc("shop@1.0.version")).isEqualTo("1.0");
            assertThat(vaas.http("shop", HttpRequest.get("/version").withHeader("X-Vaas-Version", "2.0")).bodyText())
                    .isEqualTo("2.0");
            assertThat(vaas.http("shop", HttpRequest.get("/version").withHeader("Cookie", "a=b; vaas-version-shop=1.0"))
                    .bodyText()).isEqualTo("1.0");
            assertThatThrownBy(() -> vaas.rpc("shop@3.0.version")).isInstanceOf(VaasCallException.class)
                    .hasMessageContaining("app 'shop' has no version 3.0; it has [1.0, 2.0]");
            assertThat(vaas.http("shop", HttpRequest.get("/version").withHeader("X-Vaas-Version", "9")).status())
                    .isEqualTo(404);
            // The pin cookie is per app: another app's pin, or the old shared name, pins nothing here.
            for (int i = 0; i < 20; i++) {
                assertThat(vaas.http("shop", HttpRequest.get("/version")
                        .withHeader("Cookie", "vaas-version=9.9; vaas-version-other=9.9")).status()).isEqualTo(200);
            }

            // Retiring the first version leaves the second serving everything.
            assertThat(vaas.undeployVersion("shop", "1.0")).isTrue();
            assertThat(vaas.versions("shop")).isEqualTo(Map.of("2.0", 10));
            for (int i = 0; i < 50; i++) {
                assertThat(vaas.rpc("shop.version")).isEqualTo("2.0");
            }
            // deploy() replaces every version with one.
            vaas.deployVersion(AppSpec.of(version("3.0").writeJar(dir.resolve("v3.jar"))), 50);
            vaas.deploy(AppSpec.of(version("4.0").writeJar(dir.resolve("v4.jar"))));
            assertThat(vaas.versions("shop")).isEqualTo(Map.of("4.0", 100));
            assertThat(vaas.rpc("shop.version")).isEqualTo("4.0");
            assertThat(vaas.undeployVersion("shop", "4.0")).isTrue();
            assertThat(vaas.apps()).isEmpty();
        }
    }

    @Test
    void theHostsSelectorChoosesWhenTheCallerDoesNot(@TempDir Path dir) {
        try (Vaas vaas = Vaas.builder()
                .versionSelector((app, versions, request) -> request != null
                        && "beta".equals(request.header("x-channel")) ? "2.0" : null)
                .deploy(AppSpec.of(version("1.0").writeJar(dir.resolve("v1.jar")))).build()) {
            vaas.deployVersion(AppSpec.of(version("2.0").writeJar(dir.resolve("v2.jar"))), 0);
            assertThat(vaas.http("shop", HttpRequest.get("/version").withHeader("X-Channel", "beta")).bodyText())
                    .isEqualTo("2.0");
            for (int i = 0; i < 50; i++) {
                assertThat(vaas.http("shop", HttpRequest.get("/version")).bodyText()).isEqualTo("1.0");
                assertThat(vaas.rpc("shop.version")).isEqualTo("1.0");
            }
        }
    }

    @Test
    void badWeightsAreRefused(@TempDir Path dir) {
        try (Vaas vaas = Vaas.builder().deploy(AppSpec.of(version("1.0").writeJar(dir.resolve("v1.jar")))).build()) {
            assertThatThrownBy(() -> vaas.weights("shop", Map.of("7.0", 5))).hasMessageContaining("has no version 7.0");
            assertThatThrownBy(() -> vaas.weights("shop", Map.of("1.0", -1))).hasMessageContaining("0 or more");
        }
    }

    @Test
    void clientsReachAVersionAtWeightZeroOnlyWithTheHostsPinSecret(@TempDir Path dir) {
        String secret = "s3cret-for-testers-only";
        try (Vaas vaas = Vaas.builder().pinSecret(secret)
                .deploy(AppSpec.of(version("1.0").writeJar(dir.resolve("v1.jar")))).build()) {
            vaas.deployVersion(AppSpec.of(version("0.9").writeJar(dir.resolve("v09.jar"))), 0);
            io.vaas.api.HttpResponse byHeader = vaas.http("shop", HttpRequest.get("/version").withHeader("X-Vaas-Version", "0.9"));
            assertThat(byHeader.status()).isEqualTo(404);
            // The refusal looks like an unknown version's and lists only the open versions.
            assertThat(byHeader.bodyText()).contains("no_such_version").contains("open to clients")
                    .contains("[1.0]").contains("X-Vaas-Pin-Secret");
            assertThat(vaas.http("shop", HttpRequest.get("/version").withHeader("Cookie", "vaas-version-shop=0.9"))
                    .status()).isEqualTo(404);
            assertThat(vaas.http("shop", HttpRequest.get("/version").withHeader("X-Vaas-Version", "0.9")
                    .withHeader("X-Vaas-Pin-Secret", "s3cret-for-testers-onlx")).status()).isEqualTo(404);
            assertThat(vaas.http("shop", HttpRequest.get("/version").withHeader("X-Vaas-Version", "0.9")
                    .withHeader("X-Vaas-Pin-Secret", secret)).bodyText()).isEqualTo("0.9");
            // The host's own pins reach it; an open version stays pinnable by anyone.
            assertThat(vaas.rpc("shop@0.9.version")).isEqualTo("0.9");
            assertThat(vaas.http("shop", HttpRequest.get("/version").withHeader("X-Vaas-Version", "1.0")).bodyText())
                    .isEqualTo("1.0");
            // Given traffic, the version is open to clients.
            vaas.weights("shop", Map.of("0.9", 5));
            assertThat(vaas.http("shop", HttpRequest.get("/version").withHeader("X-Vaas-Version", "0.9")).bodyText())
                    .isEqualTo("0.9");
        }
        assertThatThrownBy(() -> Vaas.builder().pinSecret("short")).hasMessageContaining("at least 16 characters");
    }
}
