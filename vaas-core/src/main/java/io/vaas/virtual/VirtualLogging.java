package io.vaas.virtual;

import java.io.OutputStream;
import java.util.Locale;
import java.util.ResourceBundle;
import java.util.function.Supplier;
import java.util.logging.ConsoleHandler;
import java.util.logging.Logger;

/**
 * Where rewritten app code lands for {@code java.util.logging} and {@code System.getLogger}: the app's own tree of
 * loggers ({@link AppLogging}) instead of the JVM's, whose root logger, handlers and levels are the host's and every
 * app's. A {@code ConsoleHandler} an app makes writes to the app's standard error, not the JVM's.
 *
 * <p>Every method takes the calling class last; it names the app. Not for direct use.
 */
public final class VirtualLogging {

    /** The app's standard error while a console handler is being made for it (its constructor picks it up). */
    private static final ThreadLocal<OutputStream> CONSOLE = new ThreadLocal<>();

    private VirtualLogging() {
    }

    public static Logger getLogger(String name, Class<?> caller) {
        return AppContext.of(caller).logging().logger(name);
    }

    /** {@code Logger.getLogger(name, bundleName)}: the bundle is the app's, found through its own loader. */
    public static Logger getLogger(String name, String resourceBundleName, Class<?> caller) {
        Logger logger = getLogger(name, caller);
        if (resourceBundleName != null && logger.getResourceBundleName() == null) {
            logger.setResourceBundle(ResourceBundle.getBundle(resourceBundleName, Locale.getDefault(),
                    AppContext.of(caller).loader()));
        }
        return logger;
    }

    public static Logger getGlobal(Class<?> caller) {
        return getLogger(Logger.GLOBAL_LOGGER_NAME, caller);
    }

    /** The deprecated {@code Logger.global} field: the app's global logger. */
    public static Logger global(Class<?> caller) {
        return getGlobal(caller);
    }

    public static Logger getAnonymousLogger(Class<?> caller) {
        return AppContext.of(caller).logging().anonymous();
    }

    public static Logger getAnonymousLogger(String resourceBundleName, Class<?> caller) {
        Logger logger = getAnonymousLogger(caller);
        if (resourceBundleName != null) {
            logger.setResourceBundle(ResourceBundle.getBundle(resourceBundleName, Locale.getDefault(),
                    AppContext.of(caller).loader()));
        }
        return logger;
    }

    /** {@code System.getLogger(name)}: over the app's own {@code java.util.logging} logger of that name. */
    public static System.Logger getSystemLogger(String name, Class<?> caller) {
        return new AppSystemLogger(getLogger(name, caller));
    }

    public static System.Logger getSystemLogger(String name, ResourceBundle bundle, Class<?> caller) {
        Logger logger = getLogger(name, caller);
        if (bundle != null && logger.getResourceBundle() == null) {
            logger.setResourceBundle(bundle);
        }
        return new AppSystemLogger(logger);
    }

    /** {@code new ConsoleHandler()}: one that writes to the app's standard error. */
    public static ConsoleHandler newConsoleHandler(Class<?> caller) {
        CONSOLE.set(VirtualStdio.err(caller));
        try {
            return new AppConsoleHandler();
        } finally {
            CONSOLE.remove();
        }
    }

    /**
     * A console handler over the app's standard error. {@code ConsoleHandler}'s constructor hands
     * {@code setOutputStream} the JVM's {@code System.err}; replacing it afterwards would close that stream for
     * everyone, so the stream is swapped as it is first set.
     */
    private static final class AppConsoleHandler extends ConsoleHandler {
        @Override
        protected synchronized void setOutputStream(OutputStream out) {
            OutputStream app = CONSOLE.get();
            if (app == null) {
                throw new IllegalStateException("an app's console handler is made by VirtualLogging only");
            }
            super.setOutputStream(app);
        }
    }

    /** {@code System.Logger} over a {@code java.util.logging} logger of the app. */
    private record AppSystemLogger(Logger logger) implements System.Logger {
        @Override
        public String getName() {
            return logger.getName();
        }

        @Override
        public boolean isLoggable(System.Logger.Level level) {
            return logger.isLoggable(julLevel(level));
        }

        @Override
        public void log(System.Logger.Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            if (isLoggable(level)) {
                logger.logrb(julLevel(level), bundle, msg, thrown);
            }
        }

        @Override
        public void log(System.Logger.Level level, ResourceBundle bundle, String format, Object... params) {
            if (isLoggable(level)) {
                logger.logrb(julLevel(level), bundle, format, params);
            }
        }

        @Override
        public void log(System.Logger.Level level, Supplier<String> msgSupplier) {
            logger.log(julLevel(level), msgSupplier);
        }

        private static java.util.logging.Level julLevel(System.Logger.Level level) {
            return switch (level) {
                case ALL -> java.util.logging.Level.ALL;
                case TRACE -> java.util.logging.Level.FINER;
                case DEBUG -> java.util.logging.Level.FINE;
                case INFO -> java.util.logging.Level.INFO;
                case WARNING -> java.util.logging.Level.WARNING;
                case ERROR -> java.util.logging.Level.SEVERE;
                case OFF -> java.util.logging.Level.OFF;
            };
        }
    }
}
