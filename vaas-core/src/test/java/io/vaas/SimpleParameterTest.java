package io.vaas;

import io.vaas.api.HttpRequest;
import io.vaas.api.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An HTTP route's one simple parameter (a string, a number, a boolean) binds by name from its path variable, or
 * else (for a method whose requests have no body) from the query parameter of its name: {@code GET /orders/{id}}
 * with {@code int id} answers, where it used to ask every call for a JSON body. The route's only path variable binds
 * it when the class has no parameter names.
 */
class SimpleParameterTest {

    static final GuestApp ORDERS = GuestApp.named("orders").source("o.Orders", """
            package o;
            import io.vaas.api.*;
            public class Orders {
                @VaasServer(type = ServerType.HTTP, method = "GET", route = "/orders/{id}")
                public String order(int id) { return "order " + (id + 1); }
                @VaasServer(type = ServerType.HTTP, method = "POST", route = "/echo")
                public String echo(String body) { return "echo " + body; }
            }
            """);

    @Test
    void aSimpleParameterBindsFromThePathOrTheQueryByName(@TempDir Path dir) {
        try (Vaas vaas = Vaas.builder().deploy(AppSpec.of(ORDERS.writeJar(dir.resolve("orders.jar")))).build()) {
            assertThat(vaas.http("orders", HttpRequest.get("/orders/41")).bodyText()).isEqualTo("order 42");
            HttpResponse bad = vaas.http("orders", HttpRequest.get("/orders/forty"));
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.bodyText()).contains("bad_parameter").contains("'id' is 'forty', which is no int");
            // A body route keeps its body.
            assertThat(vaas.http("orders", HttpRequest.post("/echo", "\"hi\"")).bodyText()).isEqualTo("echo hi");
        }
    }

    @Test
    void aBodilessRouteWhoseParameterCannotBeNamedIsRefusedWithTheFix(@TempDir Path dir) {
        // Compiled without javac -parameters, and no path variable to take its value from.
        GuestApp search = GuestApp.named("search").source("s.Search", """
                package s;
                import io.vaas.api.*;
                public class Search {
                    @VaasServer(type = ServerType.HTTP, method = "GET", route = "/search")
                    public String search(String q) { return "searched " + q; }
                }
                """);
        try (Vaas vaas = Vaas.builder().build()) {
            assertThatThrownBy(() -> vaas.deploy(AppSpec.of(search.writeJar(dir.resolve("search.jar")))))
                    .isInstanceOf(AppLoadException.class).hasMessageContaining("route s.Search.search takes one String on GET")
                    .hasMessageContaining("compile with javac -parameters").hasMessageContaining("take HttpParams");
        }
    }
}
