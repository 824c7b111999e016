package io.vaas.examples.libraries;

import io.vaas.AppHandle;
import io.vaas.Vaas;
import io.vaas.api.HttpRequest;
import io.vaas.api.HttpResponse;
import io.vaas.test.VaasTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Jackson, Guava and commons-lang3 inside a guest, under the default policy. */
@VaasTest
class LibrariesTest {

    @Test
    void librariesWorkUnderTheDefaultPolicy(AppHandle app) {
        HttpResponse r = app.http(HttpRequest.post("/orders", "{\"item\":\"tea\",\"qty\":2,\"tags\":[\"green\",\"LOOSE leaf\"]}"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyText()).contains("\"item\":\"Tea\"").contains("\"title\":\"Green Loose Leaf\"")
                .contains("\"fields\":\"{count=3}\"").contains("\"sha256\":\"")
                .contains("\\\"qty\\\":2")
                .contains("\"jacksonFrom\":\"vaas-app:libraries\"");
        assertThat(app.rpc("split", "alpha, beta,, gamma-delta")).isEqualTo(List.of("alpha", "beta", "gam..."));
    }

    @Test
    void theVerifierSaysWhatTheLibrariesReferenceButNeverCall(Vaas vaas) {
        var report = vaas.verify(io.vaas.AppSpec.of(Path.of("target/classes")));
        assertThat(report.granted()).containsExactly("core");
        assertThat(report.classes()).isGreaterThan(1000);
        assertThat(report.violations()).isNotEmpty();
        assertThat(report.violations()).noneMatch(v -> v.className().startsWith("io.vaas.examples"));
    }
}
