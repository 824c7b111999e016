package io.vaas.examples.guava.modern;

import io.vaas.AppHandle;
import io.vaas.test.VaasTest;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@VaasTest
class ModernGuavaTest {

    @Test
    void runsOnItsOwnGuava33(AppHandle app) {
        @SuppressWarnings("unchecked")
        Map<String, String> r = (Map<String, String>) app.rpc("describe");
        assertThat(r).containsEntry("guava", "33.5.0-jre").containsEntry("order", "Order{items=[tea, cake]}");
    }
}
