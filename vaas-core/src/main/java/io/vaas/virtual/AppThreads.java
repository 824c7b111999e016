package io.vaas.virtual;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads an app started, directly or through JDK executors, timers and {@code CompletableFuture}: named
 * {@code <app>/…}, running with the app's context class loader and uncaught-exception handling, counted, and found
 * again at unload. Also the app's own common pool.
 */
public final class AppThreads {

    private static final Logger LOG = LoggerFactory.getLogger(AppThreads.class);

    private final AppContext context;
    private final String prefix;
    private final Set<Thread> threads = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    /** Executors and timers the app made: shut down and cancelled at unload. Weak: one the app drops can go. */
    private final Set<Object> owned = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger pools = new AtomicInteger();
    private final AtomicInteger timers = new AtomicInteger();
    private final Thread.UncaughtExceptionHandler handler = this::uncaught;
    private volatile ForkJoinPool commonPool;
    private volatile int maxThreads;
    /** How long unloading waits, in all, for the app's threads to end once stopped. */
    private static final long STOP_WAIT_MS = 2000;

    AppThreads(AppContext context) {
        this.context = context;
        this.prefix = context.app() + "/";
    }

    /** The prefix of the app's thread names: {@code <app>/}. */
    public String prefix() {
        return prefix;
    }

    /**
     * Makes a thread, not yet started, the app's: its name, context class loader and uncaught-exception handler.
     * Threads already started, or already the app's, are left as they are.
     */
    void adopt(Thread t) {
        if (t.getState() != Thread.State.NEW || threads.contains(t)) {
            return;
        }
        // Counted and added as one step: threads made at once (a fork-join pool adds workers from several of its
        // own) must not each see room for one more.
        synchronized (adopting) {
            admit(t);
        }
    }

    private final Object adopting = new Object();

    private void admit(Thread t) {
        int max = maxThreads;
        if (max > 0) {
            int alive = aliveCount();
            if (alive >= max) {
                // As the JVM itself says when it cannot make a thread: code that copes with that copes with this.
                throw new OutOfMemoryError("app '" + context.app() + "' may have at most " + max + " threads alive "
                        + "(limits.maxThreads) and has " + alive + "; thread '" + t.getName() + "' not started");
            }
        }
        if (!t.getName().startsWith(prefix)) {
            t.setName(prefix + t.getName());
        }
        ClassLoader appLoader = context.loader();
        if (appLoader != null && !ownedByApp(t.getContextClassLoader(), appLoader)) {
            t.setContextClassLoader(appLoader);
        }
        if (t.getUncaughtExceptionHandler() == t.getThreadGroup()) {
            t.setUncaughtExceptionHandler(handler);
        }
        threads.add(t);
        started.incrementAndGet();
        // What it allocates is the app's, for the heap governor.
        context.killSwitch().allocation().attribute(t);
    }

    private static boolean ownedByApp(ClassLoader l, ClassLoader appLoader) {
        for (ClassLoader c = l; c != null; c = c.getParent()) {
            if (c == appLoader) {
                return true;
            }
        }
        return false;
    }

    void maxThreads(int max) {
        this.maxThreads = max;
    }

    private int aliveCount() {
        int n = 0;
        synchronized (threads) {
            for (Thread t : threads) {
                // A thread adopted but not started yet counts: it is about to be alive.
                if (t.isAlive() || t.getState() == Thread.State.NEW) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Whether {@code t} is a thread the app started (directly, or through an executor of its own). */
    boolean owns(Thread t) {
        return threads.contains(t);
    }

    /** Remembers an executor or timer the app made, to stop it at unload. */
    <T> T track(T executorOrTimer) {
        if (executorOrTimer instanceof java.util.concurrent.ExecutorService
                || executorOrTimer instanceof java.util.Timer) {
            owned.add(executorOrTimer);
        }
        return executorOrTimer;
    }

    /** A thread factory that makes app threads named {@code <app>/pool-N-thread-M}. */
    ThreadFactory newFactory() {
        String poolPrefix = prefix + "pool-" + pools.incrementAndGet() + "-thread-";
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, poolPrefix + n.incrementAndGet());
            adopt(t);
            return t;
        };
    }

    /** A factory for the threads of an app's fork-join pools. */
    ForkJoinPool.ForkJoinWorkerThreadFactory forkJoinFactory() {
        return pool -> {
            ForkJoinWorkerThread t = new ForkJoinWorkerThread(null, pool, true) {
            };
            adopt(t);
            return t;
        };
    }

    /** The app's own common pool, made on first use. */
    ForkJoinPool commonPool() {
        ForkJoinPool p = commonPool;
        if (p == null) {
            synchronized (this) {
                p = commonPool;
                if (p == null) {
                    p = new ForkJoinPool(Math.max(1, context.processors()), forkJoinFactory(), handler, false);
                    commonPool = p;
                }
            }
        }
        return p;
    }

    /** A name for a timer thread: {@code <app>/Timer-N}. */
    String timerName() {
        return prefix + "Timer-" + timers.incrementAndGet();
    }

    String prefixed(String name) {
        return name.startsWith(prefix) ? name : prefix + name;
    }

    /** The app's threads that had not ended when unloading stopped waiting for them. */
    public List<Thread> stuck() {
        return stuck;
    }

    private volatile List<Thread> stuck = List.of();

    /** How many threads the app has started, in all. */
    public int startedCount() {
        return started.get();
    }

    /**
     * The app's threads that are alive: those it started through the container, and any other thread whose context
     * class loader is the app's (threads the JDK made on its behalf).
     */
    public List<Thread> live() {
        List<Thread> out = new ArrayList<>();
        synchronized (threads) {
            for (Thread t : threads) {
                if (t.isAlive()) {
                    out.add(t);
                }
            }
        }
        ClassLoader appLoader = context.loader();
        if (appLoader != null) {
            for (Thread t : allPlatformThreads()) {
                if (t.isAlive() && !out.contains(t) && ownedByApp(t.getContextClassLoader(), appLoader)) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    /** Stops the app's pool and interrupts its live threads; reports those that remain. */
    void stop() {
        ForkJoinPool p = commonPool;
        if (p != null) {
            p.shutdownNow();
        }
        List<Object> stopping;
        synchronized (owned) {
            stopping = new ArrayList<>(owned);
            owned.clear();
        }
        for (Object o : stopping) {
            if (o instanceof java.util.concurrent.ExecutorService e) {
                e.shutdownNow();
            } else if (o instanceof java.util.Timer t) {
                t.cancel();
            }
        }
        Thread self = Thread.currentThread();
        List<Thread> alive = live();
        alive.remove(self);
        alive.forEach(Thread::interrupt);
        long deadline = System.nanoTime() + STOP_WAIT_MS * 1_000_000L;
        List<Thread> stuck = new ArrayList<>();
        for (Thread t : alive) {
            awaitEnd(t, deadline);
            if (t.isAlive()) {
                stuck.add(t);
            }
        }
        if (!alive.isEmpty()) {
            LOG.info("app '{}': stopped {} thread(s) still running at unload", context.app(), alive.size() - stuck.size());
        }
        if (!stuck.isEmpty()) {
            LOG.warn("app '{}': {} thread(s) did not stop at unload and keep its classes loaded (blocked outside the "
                    + "app's code, in native I/O or a JDK wait that ignores interrupts): {}", context.app(), stuck.size(),
                    stuck.stream().map(t -> t.getName() + " (" + t.getState() + ")").toList());
        }
        this.stuck = List.copyOf(stuck);
    }

    /**
     * Waits until {@code t} ends or the deadline passes, without {@code Thread.join}: join takes the thread's monitor,
     * which the app's own code may hold for good (a synchronized method of its Thread subclass, blocked), and a
     * monitor wait has no timeout.
     */
    private static void awaitEnd(Thread t, long deadline) {
        long pause = 100_000L;
        while (t.isAlive() && deadline - System.nanoTime() > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(Math.min(pause, Math.max(0, deadline - System.nanoTime())));
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                return;
            }
            pause = Math.min(pause * 2, 10_000_000L);
        }
    }

    private void uncaught(Thread t, Throwable e) {
        Thread.UncaughtExceptionHandler appDefault = context.uncaughtHandler();
        if (appDefault != null) {
            appDefault.uncaughtException(t, e);
            return;
        }
        if (e instanceof AppExitError) {
            return;
        }
        PrintStream err = context.stdio().err();
        err.print("Exception in thread \"" + t.getName() + "\" ");
        e.printStackTrace(err);
    }

    private static List<Thread> allPlatformThreads() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] buffer = new Thread[root.activeCount() + 16];
        int n = root.enumerate(buffer, true);
        List<Thread> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(buffer[i]);
        }
        return out;
    }
}
