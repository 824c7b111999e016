package io.vaas.http;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Where the gateway reports each request it answered, once the response is handed to the client; set with
 * {@link VaasHandler#accessLog}. Off by default. A sink that throws loses only its own line: the failure is logged
 * and the response is not affected.
 */
@FunctionalInterface
public interface AccessLog {

    /** One answered request. */
    void record(Entry entry);

    /**
     * One request as the gateway answered it.
     *
     * @param app      the app that served it, or null when none did (no such app, body too large before routing…)
     * @param method   the HTTP method
     * @param path     the gateway's path, as sent (not decoded), without the query
     * @param status   the status sent
     * @param bytes    the body bytes sent (the sum of the chunks for a streamed result)
     * @param nanos    from the request's arrival at the handler to the response's hand-off
     * @param remote   the client's address and port
     */
    record Entry(String app, String method, String path, int status, long bytes, long nanos, String remote) {

        /** The entry as one line: {@code remote method path status bytes ms}. */
        public String line() {
            return remote + " " + method + " " + path + " " + status + " " + bytes + " "
                    + String.format(Locale.ROOT, "%.3fms", nanos / 1e6);
        }
    }

    /**
     * One SLF4J logger per app, {@code io.vaas.access.<app>} ({@code io.vaas.access.-} for requests no app served),
     * at INFO: a host routes, filters or silences each app's access log in its logging configuration.
     */
    static AccessLog slf4j() {
        ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();
        return entry -> {
            Logger log = loggers.computeIfAbsent(entry.app() == null ? "-" : entry.app(),
                    app -> LoggerFactory.getLogger("io.vaas.access." + app));
            if (log.isInfoEnabled()) {
                log.info(entry.line());
            }
        };
    }
}
