package io.vaas.virtual;

import java.lang.ref.Cleaner;
import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One app's cleaners: every cleaning action the app registers, with whichever {@link Cleaner}, runs on the app's own
 * cleaner thread ({@code <app>/cleaner}, started on the first registration, counted like its other threads), never
 * on a JDK thread, so an action that blocks holds only that thread. At unload the thread is stopped and the
 * actions not yet run are dropped, as at JVM exit.
 *
 * <p>The {@code Cleaner} the app gets back from {@code Cleaner.create} is a real one with no thread of its own:
 * registrations on it are routed here; one that escaped the routing would never run rather than run on a JDK thread.
 */
final class AppCleaners {

    private final AppContext context;
    private final ReferenceQueue<Object> queue = new ReferenceQueue<>();
    /** The registrations not yet cleaned: they keep their phantom references reachable until they are. */
    private final Set<AppCleanable> registered = ConcurrentHashMap.newKeySet();
    private volatile Cleaner cleaner;
    private volatile Thread thread;
    private volatile boolean stopped;

    AppCleaners(AppContext context) {
        this.context = context;
    }

    /** What {@code Cleaner.create} answers the app: one cleaner, whose registrations come here. */
    Cleaner cleaner() {
        Cleaner c = cleaner;
        if (c == null) {
            synchronized (this) {
                c = cleaner;
                if (c == null) {
                    // Cleaner.create starts a thread from the factory to run the JDK's loop; this one ends at once.
                    c = Cleaner.create(jdkLoop -> Thread.ofVirtual().unstarted(() -> { }));
                    cleaner = c;
                }
            }
        }
        return c;
    }

    Cleaner.Cleanable register(Object obj, Runnable action) {
        Objects.requireNonNull(obj, "obj");
        Objects.requireNonNull(action, "action");
        if (stopped) {
            throw new IllegalStateException("app '" + context.app() + "' is being unloaded: no more cleaning actions");
        }
        startThread();
        AppCleanable c = new AppCleanable(obj, queue, action, registered);
        registered.add(c);
        return c;
    }

    private void startThread() {
        if (thread == null) {
            synchronized (this) {
                if (thread == null) {
                    Thread t = new Thread(this::run, "cleaner");
                    t.setDaemon(true);
                    context.threads().adopt(t);
                    t.start();
                    thread = t;
                }
            }
        }
    }

    /** The cleaner thread: runs each action as its object becomes phantom reachable, until the app stops. */
    private void run() {
        while (!stopped) {
            try {
                Reference<?> ref = queue.remove();
                if (ref instanceof AppCleanable c) {
                    c.clean();
                }
            } catch (InterruptedException e) {
                // Unloading interrupts: the loop's condition decides.
            } catch (Throwable e) {
                // As the JDK's cleaners do, an action's failure is not the next action's; a stopping app's guards
                // throw here too, and the loop's condition ends it.
                if (context.killSwitch().stopping()) {
                    return;
                }
            }
        }
    }

    /** At unload: the thread ends, the actions not yet run are dropped. */
    void stop() {
        stopped = true;
        registered.clear();
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    /** A registration: cleaned once, by the app's cleaner thread or by the app calling {@link #clean()}. */
    private static final class AppCleanable extends PhantomReference<Object> implements Cleaner.Cleanable {
        private final Set<AppCleanable> registered;
        private volatile Runnable action;

        AppCleanable(Object referent, ReferenceQueue<Object> queue, Runnable action, Set<AppCleanable> registered) {
            super(referent, queue);
            this.action = action;
            this.registered = registered;
        }

        @Override
        public void clean() {
            if (registered.remove(this)) {
                super.clear();
                Runnable a = action;
                action = null;
                if (a != null) {
                    a.run();
                }
            }
        }

        @Override
        public void clear() {
            // As the JDK's: unregisters without running the action.
            registered.remove(this);
            action = null;
            super.clear();
        }
    }
}
