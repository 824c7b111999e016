package io.vaas.virtual;

import java.lang.annotation.Annotation;

/**
 * What rewritten app code locks: before every MONITORENTER and MONITOREXIT, and for every {@code wait}/{@code notify},
 * the object becomes the app's own stand-in for it when the host or other apps share it ({@link
 * io.vaas.guard.MonitorStandIns}). Shared are: {@code Class} objects of classes not the app's, strings (literals are
 * interned JVM-wide), instances of the JDK's value-based classes (boxed caches, {@code List.of()}, {@code
 * Optional.empty()}, {@code java.time} constants), enum constants of enums not the app's, threads the app did not
 * start, and class loaders not the app's. Anything else (the app's objects, {@code new Object()}, the collections it
 * made) is locked itself, so that locking stays as cheap as it was and {@code synchronized (vector)} still excludes
 * {@code Vector}'s own synchronized methods.
 *
 * <p>Every method takes the calling class last, like every entry point here. Not for direct use.
 */
public final class VirtualMonitors {

    /** JDK classes documented as value-based: synchronizing on their instances is unsupported, and they are shared. */
    private static final ClassValue<Boolean> VALUE_BASED = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            for (Class<?> c = type; c != null && c.getClassLoader() == null; c = c.getSuperclass()) {
                for (Annotation a : c.getDeclaredAnnotations()) {
                    if (a.annotationType().getName().equals("jdk.internal.ValueBased")) {
                        return true;
                    }
                }
            }
            return false;
        }
    };

    private VirtualMonitors() {
    }

    /** The object whose monitor the app takes for {@code o}: {@code o} itself unless it is shared. */
    public static Object lockFor(Object o, Class<?> caller) {
        // The hot path: a few type checks for the app's own objects, the common case.
        if (o instanceof String || o instanceof Class || o instanceof Enum || o instanceof Thread
                || o instanceof ClassLoader) {
            return shared(o, caller);
        }
        if (o != null) {
            Class<?> c = o.getClass();
            if (c != Object.class && c.getClassLoader() == null && VALUE_BASED.get(c)) {
                return AppContext.of(caller).monitors().standIn(o);
            }
        }
        return o;
    }

    private static Object shared(Object o, Class<?> caller) {
        AppContext context = AppContext.of(caller);
        boolean own = switch (o) {
            case Class<?> k -> ownsLoader(context, k.getClassLoader());
            case Enum<?> e -> ownsLoader(context, e.getDeclaringClass().getClassLoader());
            case ClassLoader l -> ownsLoader(context, l) || ownsLoader(context, l.getClass().getClassLoader());
            // The app's own threads keep their monitor: the JVM notifies it when they end (join); the host never
            // takes it (unloading waits without it).
            case Thread t -> context.threads().owns(t);
            default -> false;
        };
        return own ? o : context.monitors().standIn(o);
    }

    /** Whether {@code l} is the app's loader or one below it (a loader the app made over its own). */
    private static boolean ownsLoader(AppContext context, ClassLoader l) {
        ClassLoader app = context.loader();
        for (ClassLoader c = l; c != null && app != null; c = c.getParent()) {
            if (c == app) {
                return true;
            }
        }
        return false;
    }

    public static void wait(Object o, Class<?> caller) throws InterruptedException {
        lockFor(o, caller).wait();
    }

    public static void wait(Object o, long timeoutMillis, Class<?> caller) throws InterruptedException {
        lockFor(o, caller).wait(timeoutMillis);
    }

    public static void wait(Object o, long timeoutMillis, int nanos, Class<?> caller) throws InterruptedException {
        lockFor(o, caller).wait(timeoutMillis, nanos);
    }

    public static void notify(Object o, Class<?> caller) {
        lockFor(o, caller).notify();
    }

    public static void notifyAll(Object o, Class<?> caller) {
        lockFor(o, caller).notifyAll();
    }
}
