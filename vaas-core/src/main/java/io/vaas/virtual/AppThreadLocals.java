package io.vaas.virtual;

import java.lang.reflect.Method;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The values of an app's thread locals on threads that are not the app's own (the host's threads making calls,
 * shared pools): kept here, per thread, instead of on the thread, so they go when the app does. A thread local
 * stored on a host thread would hold the app's objects, hence its classes, for as long as that thread lives.
 */
final class AppThreadLocals {

    /** A subclass's own {@code initialValue}, made callable: guest classes are open to the container. */
    private static final ClassValue<Method> INITIAL_VALUE = new ClassValue<>() {
        @Override
        protected Method computeValue(Class<?> type) {
            for (Class<?> c = type; c != null && c != ThreadLocal.class && c != InheritableThreadLocal.class;
                 c = c.getSuperclass()) {
                try {
                    Method m = c.getDeclaredMethod("initialValue");
                    m.setAccessible(true);
                    return m;
                } catch (NoSuchMethodException e) {
                    // Look further up.
                } catch (RuntimeException e) {
                    return null;
                }
            }
            return null;
        }
    };

    private final Map<Thread, Map<ThreadLocal<?>, Object>> byThread = new ConcurrentHashMap<>();
    private int sinceSweep;

    /** Marks a value the app set to null, as opposed to one it never set. */
    private static final Object NULL = new Object();

    Object get(ThreadLocal<?> local) {
        Map<ThreadLocal<?>, Object> values = values(Thread.currentThread());
        synchronized (values) {
            Object v = values.get(local);
            if (v != null) {
                return v == NULL ? null : v;
            }
        }
        Object initial = initialValue(local);
        synchronized (values) {
            Object raced = values.putIfAbsent(local, initial == null ? NULL : initial);
            return raced == null ? initial : raced == NULL ? null : raced;
        }
    }

    void set(ThreadLocal<?> local, Object value) {
        Map<ThreadLocal<?>, Object> values = values(Thread.currentThread());
        synchronized (values) {
            values.put(local, value == null ? NULL : value);
        }
    }

    void remove(ThreadLocal<?> local) {
        Map<ThreadLocal<?>, Object> values = byThread.get(Thread.currentThread());
        if (values != null) {
            synchronized (values) {
                values.remove(local);
            }
        }
    }

    private Map<ThreadLocal<?>, Object> values(Thread thread) {
        Map<ThreadLocal<?>, Object> values = byThread.get(thread);
        if (values == null) {
            values = byThread.computeIfAbsent(thread, t -> new IdentityHashMap<>());
            sweep();
        }
        return values;
    }

    /** Drops the values of threads that have ended, now and then: hosts may call from short-lived threads. */
    private void sweep() {
        if (++sinceSweep >= 64) {
            sinceSweep = 0;
            byThread.keySet().removeIf(t -> !t.isAlive());
        }
    }

    private static Object initialValue(ThreadLocal<?> local) {
        if (local instanceof VirtualThreadLocals.Supplied<?> supplied) {
            return supplied.initial();
        }
        Method m = INITIAL_VALUE.get(local.getClass());
        if (m == null) {
            return null;
        }
        try {
            return m.invoke(local);
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } catch (IllegalAccessException e) {
            return null;
        }
    }
}
