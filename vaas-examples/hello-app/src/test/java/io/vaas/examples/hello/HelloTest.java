package io.vaas.examples.hello;

import io.vaas.AppHandle;
import io.vaas.VaasCallException;
import io.vaas.api.HttpRequest;
import io.vaas.api.HttpResponse;
import io.vaas.test.VaasTest;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The hello app, loaded from its build output exactly as a host would load it. */
@VaasTest
class HelloTest {

    @Test
    void addsOverRpc(AppHandle app) {
        assertThat(app.name()).isEqualTo("hello");
        assertThat(app.rpc("add", Map.of("a", 1, "b", 2))).isEqualTo(3);
        assertThat(app.rpc("ping")).isEqualTo("pong");
        assertThat(app.rpc("noop")).isNull();
    }

    @Test
    void greetsOverHttp(AppHandle app) {
        HttpResponse r = app.http(HttpRequest.get("/hello/world?greeting=hi"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyText()).contains("\"hello\":\"world\"").contains("\"greeting\":\"hi\"");
    }

    @Test
    void echoesOverAWebSocket(AppHandle app) {
        java.util.List<String> sent = new java.util.ArrayList<>();
        io.vaas.WebSocketConnection connection = app.webSocket(HttpRequest.get("/echo"));
        connection.opened(new io.vaas.WebSocketPeer() {
            @Override
            public void sendText(String text) {
                sent.add(text);
            }

            @Override
            public void sendBinary(byte[] data) {
                sent.add(data.length + " bytes");
            }

            @Override
            public void close(int code, String reason) {
                sent.add("closed " + code);
            }

            @Override
            public boolean isOpen() {
                return true;
            }
        });
        connection.text("world");
        connection.closed(1000, "");
        assertThat(sent).containsExactly("hi, world");
    }

    @Test
    void greetingComesFromTheAppsEnvironment(AppHandle app) {
        assertThat(app.http(HttpRequest.get("/hello/world")).bodyText()).contains("\"greeting\":\"hi\"");
    }

    @Test
    @VaasTest(env = "GREETING=bonjour")
    void theTestCanSetTheEnvironment(AppHandle app) {
        assertThat(app.http(HttpRequest.get("/hello/world")).bodyText()).contains("\"greeting\":\"bonjour\"");
    }

    @Test
    void divisionByZeroIsABadRequest(AppHandle app) {
        assertThat(app.http(HttpRequest.get("/divide/7/2")).bodyText()).contains("\"quotient\":3");
        HttpResponse r = app.http(HttpRequest.get("/divide/7/0"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.bodyText()).contains("division_by_zero").contains("app 'hello'");
    }

    @Test
    void badArgumentsNameTheField(AppHandle app) {
        assertThatThrownBy(() -> app.rpc("add", Map.of("a", "x", "b", 2)))
                .isInstanceOf(VaasCallException.class).hasMessageContaining("field 'a'");
    }

    @Test
    @VaasTest(name = "hello-renamed", config = "{\"version\": \"9.9.9\"}")
    void hostSettingsApply(AppHandle app) {
        assertThat(app.name()).isEqualTo("hello-renamed");
        assertThat(app.config().version()).isEqualTo("9.9.9");
        assertThat(app.config().workers()).isEqualTo(2);
    }
}
