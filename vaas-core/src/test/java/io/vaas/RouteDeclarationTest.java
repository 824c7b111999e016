package io.vaas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Route declarations that could never be called are refused at deploy, naming the route and the fix. */
class RouteDeclarationTest {

    @Test
    void aMethodThatIsNoHttpMethodIsRefusedWithTheOneItMostLikelyMeant(@TempDir Path dir) {
        GuestApp app = GuestApp.named("typo").source("t.Typo", """
                package t;
                import io.vaas.api.*;
                public class Typo {
                    @VaasServer(type = ServerType.HTTP, method = "GTE", route = "/x")
                    public String x() { return "x"; }
                }
                """);
        try (Vaas vaas = Vaas.builder().build()) {
            assertThatThrownBy(() -> vaas.deploy(AppSpec.of(app.writeJar(dir.resolve("typo.jar")))))
                    .isInstanceOf(AppLoadException.class).hasMessageContaining("app 'typo'")
                    .hasMessageContaining("has method 'GTE', which is no HTTP method (did you mean GET?)")
                    .hasMessageContaining("use one of GET, HEAD, POST");
        }
    }
}
