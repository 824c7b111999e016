package io.vaas.virtual;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Where apps' standard output and error go, a line at a time. The default logs each line to SLF4J logger
 * {@code vaas.app.<name>} (stdout at INFO, stderr at WARN) with MDC keys {@code app} and {@code version}.
 */
@FunctionalInterface
public interface OutputSink {

    /** Which stream a line was written to. */
    enum Stream {
        /** {@code System.out}. */
        OUT,
        /** {@code System.err}. */
        ERR
    }

    /**
     * Receives one line (without its line terminator) written by app {@code app}.
     *
     * @param app     the app's name
     * @param version the app's version
     * @param stream  which stream
     * @param line    the text
     */
    void line(String app, String version, Stream stream, String line);

    /** The default sink: SLF4J, as described above. */
    static OutputSink slf4j() {
        return (app, version, stream, line) -> {
            Logger log = LoggerFactory.getLogger("vaas.app." + app);
            MDC.put("app", app);
            MDC.put("version", version);
            try {
                if (stream == Stream.ERR) {
                    log.warn(line);
                } else {
                    log.info(line);
                }
            } finally {
                MDC.remove("app");
                MDC.remove("version");
            }
        };
    }
}
