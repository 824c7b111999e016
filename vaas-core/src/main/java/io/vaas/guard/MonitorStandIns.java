package io.vaas.guard;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One app's stand-ins for the monitors of objects it shares with the host and other apps (JDK {@code Class} objects,
 * interned strings, boxed caches, JDK enum constants, threads it does not own): the app locks, waits on and notifies
 * its own stand-in instead, so what it holds never blocks anyone else, while its own threads still exclude each other
 * exactly as they would on the shared object.
 *
 * <p>One stand-in per shared object, by identity, for as long as that object lives: the map holds the objects
 * weakly, so strings an app made and dropped do not accumulate. Thread-safe.
 */
public final class MonitorStandIns {

    private final String app;
    private final ConcurrentHashMap<Key, StandIn> standIns = new ConcurrentHashMap<>();
    private final ReferenceQueue<Object> collected = new ReferenceQueue<>();

    /** @param app the app's name, shown by the stand-ins in heap and thread dumps */
    public MonitorStandIns(String app) {
        this.app = app;
    }

    /** The app's stand-in for {@code shared}: the same object for as long as {@code shared} lives. */
    public Object standIn(Object shared) {
        StandIn known = standIns.get(new Probe(shared));
        if (known != null) {
            return known;
        }
        expunge();
        StandIn made = new StandIn(app, shared);
        StandIn raced = standIns.putIfAbsent(new WeakKey(shared, collected), made);
        return raced != null ? raced : made;
    }

    /** How many stand-ins the app holds (for tests and reports). */
    public int size() {
        expunge();
        return standIns.size();
    }

    private void expunge() {
        for (Object k; (k = collected.poll()) != null; ) {
            standIns.remove((Key) k);
        }
    }

    /** What the app locks instead of a shared object; names both in a heap or thread dump's view of it. */
    static final class StandIn {
        private final String app;
        private final String standsFor;

        StandIn(String app, Object shared) {
            this.app = app;
            // A description, not the object: holding it would keep the key alive for ever.
            this.standsFor = shared instanceof Class<?> c ? c.getName() + ".class" : shared.getClass().getName();
        }

        @Override
        public String toString() {
            return "app '" + app + "' monitor standing in for a shared " + standsFor;
        }
    }

    /** A key by identity: the weak one stored, or the probe a look-up makes. */
    private interface Key {
        Object referent();
    }

    private static boolean same(Key a, Object other) {
        if (a == other) {
            return true;
        }
        if (!(other instanceof Key b)) {
            return false;
        }
        Object r = a.referent();
        return r != null && r == b.referent();
    }

    private static final class WeakKey extends WeakReference<Object> implements Key {
        private final int hash;

        WeakKey(Object referent, ReferenceQueue<Object> queue) {
            super(referent, queue);
            this.hash = System.identityHashCode(referent);
        }

        @Override
        public Object referent() {
            return get();
        }

        @Override
        public boolean equals(Object o) {
            return same(this, o);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private record Probe(Object referent) implements Key {
        @Override
        public boolean equals(Object o) {
            return same(this, o);
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(referent);
        }
    }
}
