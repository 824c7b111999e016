package io.vaas.examples.host;

import io.vaas.Vaas;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example apps as packaged (jars with nested lib/), deployed together: two Guava majors that cannot share a
 * class path run side by side, each on its own.
 */
class SideBySideTest {

    static final Path APPS = Path.of(System.getProperty("vaas.apps", "../target/apps"));

    @Test
    void twoGuavaMajorsRunSideBySide() {
        try (Vaas vaas = Vaas.builder().apps(APPS).build()) {
            assertThat(vaas.deployFailures()).isEmpty();
            assertThat(vaas.apps()).contains("hello", "guava-legacy", "guava-modern", "libraries");
            for (int round = 0; round < 3; round++) {
                assertThat(vaas.rpc("guava-legacy.describe")).isEqualTo(Map.of("guava", "16.0.1",
                        "order", "Order{item=tea, qty=2}", "joined", "a+b+c"));
                assertThat(vaas.rpc("guava-modern.describe")).isEqualTo(Map.of("guava", "33.5.0-jre",
                        "order", "Order{items=[tea, cake]}"));
            }
        }
    }

    @Test
    void embeddedHostPrintsTheResultsOfItsCalls() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EmbeddedHost.run(APPS, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("rpc  hello.add {a:1, b:2} -> 3")
                .contains("GET /hello/world?greeting=hi -> 200 {")
                .contains("GET /hello/world -> 200 {").contains("\"greeting\":\"hi\"")
                .contains("GET /divide/7/0 -> 400")
                .contains("guava=16.0.1").contains("guava=33.5.0-jre")
                .contains("http libraries POST /orders -> 200").contains("\"jacksonFrom\":\"vaas-app:libraries\"")
                .contains("rpc  nobody.home -> error 404 no_such_app")
                .contains("Closed: every app unloaded.");
    }
}
