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
 * @param workerThreads on which thread a call runs (see {@link WorkerThreads}; default {@code "auto"})
 * @param prewarm      how many of the app's worker threads start when it loads (0 to {@code workers}; default 0):
 *                     its first calls then do not wait for a thread to be created. Only with worker threads.
 */
public record AppConfig(String name, String version, List<String> entry, Map<String, String> env,
                        Map<String, String> properties, int workers, int queue, long timeoutMs, long idleUnloadMs,
                        List<String> permissions, Limits limits, List<String> hosts, boolean showErrorStack,
                        WorkerThreads workerThreads, int prewarm) {

    /** Copies the collections so the record is immutable. */
    public AppConfig {
        entry = List.copyOf(entry);
        env = Map.copyOf(env);
        properties = Map.copyOf(properties);
        permissions = List.copyOf(permissions);
        hosts = List.copyOf(hosts);
    }

    /**
     * On which thread an app's calls run ({@code "workerThreads"} in {@code vaas.json}).
     *
     * <p>On the caller's thread a call costs least (no hand-off; about 0.2 µs over a direct call) and the host's
     * thread pool is the app's. On the app's own worker threads (platform threads made as calls need them, up to
     * {@code workers}, ended after a while without calls and at unload) a call pays a hand-off of a few microseconds,
     * and in return always has a CPU clock ({@code limits.cpuMsPerCall} holds for virtual-thread callers, which have
     * none) and never runs guest code on a thread the host or another app uses.
     */
    public enum WorkerThreads {
        /** Worker threads when they are needed: the caller is a virtual thread and the app has a CPU budget. */
        AUTO,
        /** Every call runs on one of the app's worker threads. */
        ALWAYS,
        /** Every call runs on the caller's thread (a CPU budget is then not enforced for virtual-thread callers). */
        NEVER;

        /** The name as {@code vaas.json} writes it. */
        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
