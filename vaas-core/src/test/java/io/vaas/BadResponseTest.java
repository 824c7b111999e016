package io.vaas;

import io.vaas.api.HttpRequest;
import io.vaas.api.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A result whose conversion runs the app's code and fails is one failure, whatever the protocol: 500
 * {@code bad_response}, keeping what the app threw, so {@code showErrorStack} shows it for HTTP as for RPC.
 */
class BadResponseTest {

    static final GuestApp TRICKY = GuestApp.withDescriptor("""
            {"name": "tricky", "showErrorStack": true}""").source("t.Tricky", """
            package t;
            import io.vaas.api.*;
            public class Tricky {
                public static class Result {
                    public int getX() { throw new IllegalStateException("getter refuses"); }
                }
                @VaasServer(type = ServerType.HTTP, method = "GET", route = "/result")
                public Result http() { return new Result(); }
                @VaasServer(type = ServerType.RPC)
                public Result rpc() { return new Result(); }
            }
            """);

    @Test
    void aFailingGetterIsTheSameFailureForHttpAndRpcAndKeepsItsStack(@TempDir Path dir) {
        try (Vaas vaas = Vaas.builder().deploy(AppSpec.of(TRICKY.writeJar(dir.resolve("tricky.jar")))).build()) {
            HttpResponse r = vaas.http("tricky", HttpRequest.get("/result"));
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.bodyText()).contains("\"error\":\"bad_response\"").contains("getter refuses")
                    .contains("\"stack\"").contains("t.Tricky$Result.getX");
            assertThatThrownBy(() -> vaas.rpc("tricky.rpc")).isInstanceOfSatisfying(VaasCallException.class, e -> {
                assertThat(e.code()).isEqualTo("bad_response");
                assertThat(e.getMessage()).contains("getter refuses");
                assertThat(e.getCause()).isInstanceOf(GuestFailure.class).hasMessageContaining("getter refuses");
            });
        }
    }
}
