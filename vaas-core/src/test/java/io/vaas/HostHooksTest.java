package io.vaas;

import io.vaas.api.HttpRequest;
import io.vaas.api.HttpResponse;
import io.vaas.http.Gateway;
import io.vaas.http.VaasHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The host's hooks: its configuration for apps, how errors look, and how requests find their app. */
class HostHooksTest {

    static final GuestApp CONFIGURED = GuestApp.named("configured").source("c.C", """
            package c;
            import io.vaas.api.*;
            public class C {
                @VaasServer(type = ServerType.RPC) public String region() { return System.getenv("REGION"); }
                @VaasServer(method = "GET", route = "/region") public String http() { return System.getenv("REGION"); }
            }
            """);

    @Test
    void theHostsConfigProviderMergesOverVaasJson(@TempDir Path dir) {
        Path jar = CONFIGURED.writeJar(dir.resolve("c.jar"));
        try (Vaas vaas = Vaas.builder()
                .configProvider(app -> app.equals("none") ? null : "{\"env\": {\"REGION\": \"eu\"}}")
                .deploy(AppSpec.of(jar), AppSpec.of("explicit", jar).config("{\"env\": {\"REGION\": \"us\"}}"))
                .build()) {
            assertThat(vaas.rpc("configured.region")).isEqualTo("eu");
            // What the host sets on one AppSpec wins over the provider.
            assertThat(vaas.rpc("explicit.region")).isEqualTo("us");
        }
        assertThatThrownBy(() -> Vaas.builder().configProvider(app -> "{\"wrokers\": 2}").deploy(AppSpec.of(jar)).build())
                .isInstanceOf(AppLoadException.class).hasMessageContaining("the host's config provider for app "
                        + "'configured'").hasMessageContaining("'wrokers'");
    }

    @Test
    void errorsLookAsTheHostWants(@TempDir Path dir) {
        try (Vaas vaas = Vaas.builder().errorFormatter(e -> HttpResponse.text(e.status(), "oops: " + e.code()))
                .deploy(AppSpec.of(CONFIGURED.writeJar(dir.resolve("c.jar")))).build()) {
            HttpResponse missing = vaas.http("configured", HttpRequest.get("/nowhere"));
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.bodyText()).isEqualTo("oops: no_such_route");
            assertThat(vaas.http("ghost", HttpRequest.get("/x")).bodyText()).isEqualTo("oops: no_such_app");
        }
    }

    @Test
    void theGatewayRoutesAsTheHostSays(@TempDir Path dir) throws Exception {
        try (Vaas vaas = Vaas.builder().deploy(AppSpec.of(CONFIGURED.writeJar(dir.resolve("c.jar")))
                .config("{\"env\": {\"REGION\": \"eu\"}}")).build()) {
            VaasHandler handler = new VaasHandler(vaas);
            handler.router((host, path, header) -> header.apply("X-App") != null
                    ? new VaasHandler.Target(header.apply("X-App"), path)
                    : handler.byHostOrPrefix(host, path, header));
            try (Gateway gateway = Gateway.start(handler, "127.0.0.1", 0)) {
                HttpClient client = HttpClient.newHttpClient();
                var byHeader = client.send(java.net.http.HttpRequest.newBuilder(URI.create(gateway.url() + "/region"))
                        .header("X-App", "configured").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(byHeader.body()).isEqualTo("eu");
                var byPrefix = client.send(java.net.http.HttpRequest.newBuilder(
                        URI.create(gateway.url() + "/configured/region")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(byPrefix.body()).isEqualTo("eu");
            }
        }
    }
}
