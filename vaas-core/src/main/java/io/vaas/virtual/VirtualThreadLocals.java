package io.vaas.virtual;

import java.util.function.Supplier;

/**
 * {@link ThreadLocal} for guest code: on the app's own threads, the JDK's (they end with the app); on any other
 * thread, the app's own table ({@link AppThreadLocals}), so that nothing of the app stays on a thread it does not
 * own once it is unloaded. {@code withInitial} makes a thread local whose supplier this class can call.
 *
 * <p>Takes the calling class last, like every entry point here. Not for direct use.
 */
public final class VirtualThreadLocals {

    private VirtualThreadLocals() {
    }

    /** What {@code ThreadLocal.withInitial} gives apps: the supplier stays reachable for {@link AppThreadLocals}. */
    public static final class Supplied<T> extends ThreadLocal<T> {
        private final Supplier<? extends T> supplier;

        Supplied(Supplier<? extends T> supplier) {
            this.supplier = java.util.Objects.requireNonNull(supplier, "supplier");
        }

        @Override
        protected T initialValue() {
            return supplier.get();
        }

        T initial() {
            return supplier.get();
        }
    }

    public static <T> ThreadLocal<T> withInitial(Supplier<? extends T> supplier, Class<?> caller) {
        return new Supplied<>(supplier);
    }

    private static AppThreadLocals table(AppContext context) {
        return context.threads().owns(Thread.currentThread()) ? null : context.threadLocals();
    }

    public static Object get(ThreadLocal<?> local, Class<?> caller) {
        AppThreadLocals table = table(AppContext.of(caller));
        return table == null ? local.get() : table.get(local);
    }

    @SuppressWarnings("unchecked")
    public static void set(ThreadLocal<?> local, Object value, Class<?> caller) {
        AppThreadLocals table = table(AppContext.of(caller));
        if (table == null) {
            ((ThreadLocal<Object>) local).set(value);
        } else {
            table.set(local, value);
        }
    }

    public static void remove(ThreadLocal<?> local, Class<?> caller) {
        AppThreadLocals table = table(AppContext.of(caller));
        if (table == null) {
            local.remove();
        } else {
            table.remove(local);
        }
    }
}
