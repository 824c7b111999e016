package io.vaas;

import java.util.List;
import java.util.Map;

/**
 * An app's configuration: its {@code vaas.json}, with the host's {@link AppSpec} overrides applied and defaults
 * filled in.
 *
 * <pre>{@code
 * { "name": "hello", "version": "1.0.0", "entry": "com.example.Hello",
 *   "workers": 4, "timeoutMs": 3000, "idleUnloadMs": 60000,
 *   "env": { "GREETING": "hi" }, "properties": { "mode": "prod" },
 *   "permissions": ["files:read"], "limits": { "cpuMsPerCall": 1000, "maxThreads": 8 },
 *   "hosts": ["hello.example.com"] }
 * }</pre>
 *
 * @param name         the app's name: lower-case letters, digits, {@code -} and {@code _}; it is the first part of
 *                     {@code "app.method"} RPC targets
 * @param version      the app's version, free text ({@code "0.0.0"} when absent)
 * @param entry        the classes holding its routes; empty means "scan the app's own classes for
 *                     {@code @VaasServer}"
 * @param env          environment variables granted to the app
 * @param properties   system properties the app sees
 * @param workers      how many calls of the app run at once (1–1024; default 4); also the app's
 *                     {@code Runtime.availableProcessors()} share
 * @param queue        how many more calls may wait for one of those to end (0–100000; default 256); past that a call
 *                     is refused with 503 {@code overloaded}
 * @param timeoutMs    the deadline of one call in milliseconds (default 30000)
 * @param idleUnloadMs unload the app after this long without calls; 0 means never (the default)
 * @param permissions  permission groups the app asks for, such as {@code "files:read"}
 * @param limits       resource limits
 * @param hosts        HTTP host names that route to this app
 * @param showErrorStack whether an HTTP error response for an exception the app threw carries its stack (default
 *                     false: the stack tells a client about the code; it is for development)
 */
public record AppConfig(String name, String version, List<String> entry, Map<String, String> env,
                        Map<String, String> properties, int workers, int queue, long timeoutMs, long idleUnloadMs,
                        List<String> permissions, Limits limits, List<String> hosts, boolean showErrorStack) {

    /** Copies the collections so the record is immutable. */
    public AppConfig {
        entry = List.copyOf(entry);
        env = Map.copyOf(env);
        properties = Map.copyOf(properties);
        permissions = List.copyOf(permissions);
        hosts = List.copyOf(hosts);
    }
}
