package io.vaas.virtual;

import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * One app's {@code java.util.logging}: a tree of loggers of its own, rooted in a logger whose handler sends every
 * record to SLF4J logger {@code vaas.app.<name>} (MDC {@code app}, {@code version}). The JVM's loggers (its root
 * logger, its handlers and levels) are every app's and the host's: handlers, levels and filters an app sets on its
 * loggers stay in its tree, and it never sees the records of the host or of another app. Records count against the
 * app's output rate ({@link OutputRate}) with its standard streams.
 */
final class AppLogging {

    private final String app;
    private final String version;
    private final Logger root;
    private final OutputRate rate;
    private final Map<String, Logger> loggers = new ConcurrentHashMap<>();

    AppLogging(String app, String version, OutputRate rate) {
        this.app = app;
        this.version = version;
        this.rate = rate;
        this.root = new AppLogger("");
        root.setLevel(Level.INFO);
        root.addHandler(new ToSlf4j());
        loggers.put("", root);
    }

    /** The app's logger of this name (the root for ""), made on first use under its nearest existing ancestor. */
    Logger logger(String name) {
        Logger known = loggers.get(name);
        if (known != null) {
            return known;
        }
        synchronized (loggers) {
            known = loggers.get(name);
            if (known != null) {
                return known;
            }
            Logger made = new AppLogger(name);
            made.setParent(nearestAncestor(name));
            // Loggers made before it under a shorter ancestor now inherit from it, as in the JVM's own tree.
            for (Logger other : loggers.values()) {
                String n = other.getName();
                if (n.startsWith(name + ".") && isAncestor(other.getParent().getName(), name)) {
                    other.setParent(made);
                }
            }
            loggers.put(name, made);
            return made;
        }
    }

    /** A logger of no name whose parent is the app's root. */
    Logger anonymous() {
        Logger made = new AppLogger(null);
        made.setParent(root);
        return made;
    }

    private Logger nearestAncestor(String name) {
        for (int dot = name.lastIndexOf('.'); dot > 0; dot = name.lastIndexOf('.', dot - 1)) {
            Logger l = loggers.get(name.substring(0, dot));
            if (l != null) {
                return l;
            }
        }
        return root;
    }

    /** Whether logger {@code candidate} is above {@code name} in the dotted hierarchy ("" is above everything). */
    private static boolean isAncestor(String candidate, String name) {
        return candidate.isEmpty() || name.startsWith(candidate + ".");
    }

    /** A logger not registered with the JVM's {@code LogManager}: only the app's tree knows it. */
    private static final class AppLogger extends Logger {
        AppLogger(String name) {
            super(name, null);
        }
    }

    /** The app root's handler: each record to SLF4J, at the matching level. */
    private final class ToSlf4j extends Handler {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            if (record == null || !isLoggable(record)) {
                return;
            }
            org.slf4j.Logger log = LoggerFactory.getLogger("vaas.app." + app);
            String message = formatter.formatMessage(record);
            if (!rate.admit(message == null ? 1 : message.length() + 1L)) {
                return;
            }
            Throwable thrown = record.getThrown();
            MDC.put("app", app);
            MDC.put("version", version);
            try {
                int level = record.getLevel().intValue();
                if (level >= Level.SEVERE.intValue()) {
                    log.error(message, thrown);
                } else if (level >= Level.WARNING.intValue()) {
                    log.warn(message, thrown);
                } else if (level >= Level.INFO.intValue()) {
                    log.info(message, thrown);
                } else if (level >= Level.FINE.intValue()) {
                    log.debug(message, thrown);
                } else {
                    log.trace(message, thrown);
                }
            } finally {
                MDC.remove("app");
                MDC.remove("version");
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
