package io.vaas.config;

import java.util.List;
import java.util.Map;

/**
 * What the host sets on top of an app's {@code vaas.json}.
 *
 * @param name        the app's name, replacing the descriptor's; null keeps it
 * @param json        a JSON object merged over the descriptor (maps merged, other values replaced); null for none
 * @param env         environment variables added or replaced
 * @param properties  system properties added or replaced
 * @param permissions permissions added
 */
public record ConfigOverrides(String name, String json, Map<String, String> env, Map<String, String> properties,
                              List<String> permissions) {

    /** No overrides. */
    public static final ConfigOverrides NONE = new ConfigOverrides(null, null, Map.of(), Map.of(), List.of());

    /** Copies the collections. */
    public ConfigOverrides {
        env = Map.copyOf(env);
        properties = Map.copyOf(properties);
        permissions = List.copyOf(permissions);
    }
}
