package io.vaas.examples.guava.legacy;

import io.vaas.AppHandle;
import io.vaas.test.VaasTest;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@VaasTest
class LegacyGuavaTest {

    @Test
    void runsOnItsOwnGuava16(AppHandle app) {
        @SuppressWarnings("unchecked")
        Map<String, String> r = (Map<String, String>) app.rpc("describe");
        assertThat(r).containsEntry("guava", "16.0.1")
                .containsEntry("order", "Order{item=tea, qty=2}")
                .containsEntry("joined", "a+b+c");
    }
}
