package io.vaas.examples.guava.modern;

import com.google.common.base.MoreObjects;
import com.google.common.collect.ImmutableList;
import io.vaas.api.ServerType;
import io.vaas.api.VaasServer;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Uses {@code ImmutableList.toImmutableList()} and {@code MoreObjects}, which Guava 16 did not have: loaded next to
 * the legacy app, each must get its own Guava.
 */
public class ModernGuava {

    /** Describes an order with the modern Guava API, and says which Guava this app runs on. */
    @VaasServer(type = ServerType.RPC)
    public Map<String, String> describe() throws IOException {
        ImmutableList<String> items = Stream.of("tea", "cake").collect(ImmutableList.toImmutableList());
        String order = MoreObjects.toStringHelper("Order").add("items", items).toString();
        return Map.of("guava", guavaVersion(), "order", order);
    }

    private String guavaVersion() throws IOException {
        try (InputStream in = getClass().getClassLoader()
                .getResourceAsStream("META-INF/maven/com.google.guava/guava/pom.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        }
    }
}
