package io.vaas.virtual;

import java.lang.ref.Cleaner;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/**
 * Where rewritten app code lands when it makes a {@link Cleaner} or registers a cleaning action: the actions run on
 * the app's own cleaner thread ({@link AppCleaners}), not on a thread of the JDK's or of a factory the app passes.
 *
 * <p>Every method takes the calling class last, like every entry point here. Not for direct use.
 */
public final class VirtualCleaners {

    private VirtualCleaners() {
    }

    public static Cleaner create(Class<?> caller) {
        return AppContext.of(caller).cleaners().cleaner();
    }

    /**
     * The factory is not used: its threads would run the JDK's cleaning loop, which no unload can stop (it swallows
     * every error), so the app's actions run on its own cleaner thread instead.
     */
    public static Cleaner create(ThreadFactory factory, Class<?> caller) {
        Objects.requireNonNull(factory, "threadFactory");
        return AppContext.of(caller).cleaners().cleaner();
    }

    public static Cleaner.Cleanable register(Cleaner cleaner, Object obj, Runnable action, Class<?> caller) {
        Objects.requireNonNull(cleaner);
        return AppContext.of(caller).cleaners().register(obj, action);
    }
}
