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
 * @param files         the app's file root; null for the host's default
 * @param substitutions the host's replacements of JDK or library methods for this app only, original to replacement
 */
public record ConfigOverrides(String name, String json, Map<String, String> env, Map<String, String> properties,
                              List<String> permissions, io.vaas.files.AppFiles files,
                              Map<java.lang.reflect.Method, java.lang.reflect.Method> substitutions) {

    /** No overrides. */
    public static final ConfigOverrides NONE = new ConfigOverrides(null, null, Map.of(), Map.of(), List.of());

    /** Overrides with the host's default file root. */
    public ConfigOverrides(String name, String json, Map<String, String> env, Map<String, String> properties,
                           List<String> permissions) {
        this(name, json, env, properties, permissions, null, Map.of());
    }

    /** Copies the collections. */
    public ConfigOverrides {
        env = Map.copyOf(env);
        properties = Map.copyOf(properties);
        permissions = List.copyOf(permissions);
        substitutions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(substitutions));
    }
}
