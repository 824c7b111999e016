package io.vaas.virtual;

/**
 * Where rewritten app code lands for exit, shutdown hooks and processor count: the app's process, not the JVM's.
 * Exiting ends the app's call with {@link AppExitError}; the JVM goes on.
 *
 * <p>Every method takes the calling class last; it names the app. Not for direct use.
 */
public final class VirtualProcess {

    private VirtualProcess() {
    }

    public static void exit(int status, Class<?> caller) {
        throw AppContext.of(caller).exit(status, "System.exit");
    }

    public static void exit(Runtime runtime, int status, Class<?> caller) {
        throw AppContext.of(caller).exit(status, "Runtime.exit");
    }

    public static void halt(Runtime runtime, int status, Class<?> caller) {
        throw AppContext.of(caller).exit(status, "Runtime.halt");
    }

    public static void addShutdownHook(Runtime runtime, Thread hook, Class<?> caller) {
        java.util.Objects.requireNonNull(hook, "hook");
        AppContext.of(caller).hooks().add(hook);
    }

    public static boolean removeShutdownHook(Runtime runtime, Thread hook, Class<?> caller) {
        java.util.Objects.requireNonNull(hook, "hook");
        return AppContext.of(caller).hooks().remove(hook);
    }

    public static int availableProcessors(Runtime runtime, Class<?> caller) {
        return AppContext.of(caller).processors();
    }

    /**
     * {@code System.gc()}: a collection stops every app and the host, so it needs {@code management}, as
     * {@code Runtime.gc()} does.
     */
    public static void gc(Class<?> caller) {
        AppContext.of(caller).requirePermission("management", "java.lang.System.gc()");
        System.gc();
    }

    /** {@code System.runFinalization()}: acts on the whole JVM; needs {@code management}. */
    @SuppressWarnings("removal")
    public static void runFinalization(Class<?> caller) {
        AppContext.of(caller).requirePermission("management", "java.lang.System.runFinalization()");
        System.runFinalization();
    }
}
