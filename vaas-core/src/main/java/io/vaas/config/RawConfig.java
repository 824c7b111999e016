package io.vaas.config;

import io.vaas.Limits;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code vaas.json} as written: every field may be absent (null). {@link #overlay} merges a second source over it;
 * {@link AppConfigReader#resolve} fills in defaults and validates.
 */
record RawConfig(String name, String version, List<String> entry, Map<String, String> env,
                 Map<String, String> properties, Integer workers, Integer queue, Long timeoutMs, Long idleUnloadMs,
                 List<String> permissions, Limits limits, List<String> hosts, Boolean showErrorStack,
                 String workerThreads, Integer prewarm) {

    static final RawConfig EMPTY = new RawConfig(null, null, null, null, null, null, null, null, null, null, null,
            null, null, null, null);

    /** Set fields of {@code over} win; maps are merged key by key; lists are replaced. */
    RawConfig overlay(RawConfig over) {
        return new RawConfig(
                pick(over.name, name), pick(over.version, version), pick(over.entry, entry),
                merge(env, over.env), merge(properties, over.properties),
                pick(over.workers, workers), pick(over.queue, queue), pick(over.timeoutMs, timeoutMs),
                pick(over.idleUnloadMs, idleUnloadMs),
                pick(over.permissions, permissions),
                limits == null ? over.limits : limits.overlay(over.limits),
                pick(over.hosts, hosts), pick(over.showErrorStack, showErrorStack),
                pick(over.workerThreads, workerThreads), pick(over.prewarm, prewarm));
    }

    RawConfig withName(String newName) {
        return new RawConfig(newName, version, entry, env, properties, workers, queue, timeoutMs, idleUnloadMs,
                permissions, limits, hosts, showErrorStack, workerThreads, prewarm);
    }

    RawConfig plus(Map<String, String> moreEnv, Map<String, String> moreProperties, List<String> morePermissions) {
        List<String> perms = new ArrayList<>(permissions == null ? List.of() : permissions);
        morePermissions.stream().filter(p -> !perms.contains(p)).forEach(perms::add);
        return new RawConfig(name, version, entry, merge(env, moreEnv), merge(properties, moreProperties),
                workers, queue, timeoutMs, idleUnloadMs, perms, limits, hosts, showErrorStack, workerThreads, prewarm);
    }

    private static <T> T pick(T preferred, T fallback) {
        return preferred != null ? preferred : fallback;
    }

    private static Map<String, String> merge(Map<String, String> base, Map<String, String> over) {
        if (over == null || over.isEmpty()) {
            return base;
        }
        Map<String, String> merged = new LinkedHashMap<>(base == null ? Map.of() : base);
        merged.putAll(over);
        return merged;
    }
}
