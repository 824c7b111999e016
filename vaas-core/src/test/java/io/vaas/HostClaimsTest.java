package io.vaas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Host names an app may claim are the host's decision: never the gateway's own names or addresses, never a name
 * another app holds (whichever deploys first, whatever the names), and only what the host's {@link HostClaims} rule
 * gives.
 */
class HostClaimsTest {

    static GuestApp claiming(String name, String... hosts) {
        StringBuilder list = new StringBuilder();
        for (String h : hosts) {
            list.append(list.isEmpty() ? "" : ", ").append('"').append(h).append('"');
        }
        return GuestApp.withDescriptor("{\"name\": \"" + name + "\", \"hosts\": [" + list + "]}").source("h.H", """
                package h;
                import io.vaas.api.*;
                public class H { @VaasServer(method = "GET", route = "/who") public String who() { return "%s"; } }
                """.formatted(name));
    }

    @Test
    void theGatewaysOwnNamesAndAddressesAreNoAppsToClaim(@TempDir Path dir) {
        try (Vaas vaas = Vaas.builder().deploy(AppSpec.of(BadInputTest.NEIGHBOUR.writeJar(dir.resolve("n.jar")))).build()) {
            for (String host : List.of("localhost", "LocalHost.", "api.localhost", "127.0.0.1", "0.0.0.0", "[::1]", "::1",
                    "2130706433", "127.1", "0x7f.0.0.1")) {
                Path jar = claiming("squatter", host).writeJar(dir.resolve("s" + Math.abs(host.hashCode()) + ".jar"));
                assertThatThrownBy(() -> vaas.deploy(AppSpec.of(jar))).as(host).isInstanceOf(AppLoadException.class)
                        .hasMessageContaining("app 'squatter'").hasMessageContaining("'" + host + "'")
                        .hasMessageContaining("a name or address of the gateway itself");
            }
            assertThat(vaas.isDeployed("squatter")).isFalse();
            assertThat(vaas.appForHost("localhost")).isEmpty();
            assertThat(vaas.appForHost("127.0.0.1:8080")).isEmpty();
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        }
    }

    @Test
    void twoAppsNeverShareANameWhicheverComesFirst(@TempDir Path dir) {
        for (String[] order : new String[][] {{"aaa", "zzz"}, {"zzz", "aaa"}}) {
            try (Vaas vaas = Vaas.builder().build()) {
                vaas.deploy(AppSpec.of(claiming(order[0], "shop.example").writeJar(dir.resolve(order[0] + ".jar"))));
                Path second = claiming(order[1], "SHOP.example.").writeJar(dir.resolve(order[1] + ".jar"));
                assertThatThrownBy(() -> vaas.deploy(AppSpec.of(second))).isInstanceOf(AppLoadException.class)
                        .hasMessageContaining("app '" + order[1] + "'")
                        .hasMessageContaining("which app '" + order[0] + "' holds already");
                assertThat(vaas.appForHost("Shop.Example.:443")).isEqualTo(Optional.of(order[0]));
                assertThat(vaas.http(order[0], io.vaas.api.HttpRequest.get("/who")).bodyText()).isEqualTo(order[0]);
                // The first app redeployed keeps its name; once it lets the name go, the other may take it.
                vaas.deploy(AppSpec.of(claiming(order[0], "shop.example").writeJar(dir.resolve(order[0] + "-2.jar"))));
                assertThat(vaas.undeploy(order[0])).isTrue();
                vaas.deploy(AppSpec.of(second));
                assertThat(vaas.appForHost("shop.example")).isEqualTo(Optional.of(order[1]));
            }
        }
    }

    @Test
    void theHostsRuleSaysWhoMayClaimWhat(@TempDir Path dir) {
        try (Vaas vaas = Vaas.builder().hostClaims(HostClaims.patterns(Map.of("shop", List.of("*.shop.example",
                "shop.example")))).build()) {
            vaas.deploy(AppSpec.of(claiming("shop", "shop.example", "eu.shop.example", "a.b.shop.example")
                    .writeJar(dir.resolve("shop.jar"))));
            assertThat(vaas.appForHost("a.b.shop.example")).hasValue("shop");
            Path greedy = claiming("blog", "blog.shop.example").writeJar(dir.resolve("blog.jar"));
            assertThatThrownBy(() -> vaas.deploy(AppSpec.of(greedy))).isInstanceOf(AppLoadException.class)
                    .hasMessageContaining("app 'blog'").hasMessageContaining("'blog.shop.example'")
                    .hasMessageContaining("Vaas.Builder.hostClaims");
            Path lookalike = claiming("shop", "evilshop.example").writeJar(dir.resolve("shop2.jar"));
            assertThatThrownBy(() -> vaas.deploy(AppSpec.of(lookalike))).hasMessageContaining("'evilshop.example'");
            // The refused redeploy lost nothing: the app serves as before.
            assertThat(vaas.appForHost("eu.shop.example")).hasValue("shop");
            assertThat(vaas.http("shop", io.vaas.api.HttpRequest.get("/who")).bodyText()).isEqualTo("shop");
        }
        try (Vaas vaas = Vaas.builder().hostClaims(HostClaims.none()).build()) {
            Path any = claiming("shop", "shop.example").writeJar(dir.resolve("none.jar"));
            assertThatThrownBy(() -> vaas.deploy(AppSpec.of(any))).hasMessageContaining("'shop.example'");
        }
        assertThatThrownBy(() -> HostClaims.patterns(Map.of("x", List.of("a.*.example"))))
                .hasMessageContaining("'a.*.example' for app 'x'");
        assertThatThrownBy(() -> HostClaims.patterns(Map.of("x", List.of("*example"))))
                .hasMessageContaining("'*example'");
    }
}
