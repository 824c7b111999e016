package io.vaas.examples.guava.legacy;

import com.google.common.base.Joiner;
import com.google.common.base.Objects;
import io.vaas.api.ServerType;
import io.vaas.api.VaasServer;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;

/**
 * Uses Guava 16's {@code Objects.toStringHelper}, which Guava 21 removed: loaded next to an app on a modern Guava,
 * each must get its own Guava or one of them fails with {@code NoSuchMethodError}.
 */
public class LegacyGuava {

    /** Describes an order with the Guava 16 API, and says which Guava this app runs on. */
    @VaasServer(type = ServerType.RPC)
    public Map<String, String> describe() throws IOException {
        String order = Objects.toStringHelper("Order").add("item", "tea").add("qty", 2).toString();
        return Map.of("guava", GuavaVersion.of(getClass()), "order", order,
                "joined", Joiner.on('+').join("a", "b", "c"));
    }

    /** Reads the version of the Guava this app's own loader sees. */
    static final class GuavaVersion {
        static String of(Class<?> anchor) throws IOException {
            try (InputStream in = anchor.getClassLoader()
                    .getResourceAsStream("META-INF/maven/com.google.guava/guava/pom.properties")) {
                Properties p = new Properties();
                if (in != null) {
                    p.load(in);
                }
                return p.getProperty("version", "unknown");
            }
        }
    }
}
