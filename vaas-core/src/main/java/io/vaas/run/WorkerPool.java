package io.vaas.run;

import io.vaas.VaasCallException;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The platform threads of one loaded app that run its calls when its config says {@code "workerThreads"}: each call
 * then has a thread of the app's own, with a CPU clock for {@code limits.cpuMsPerCall} even when the caller is a
 * virtual thread, and nothing guest code leaves on a thread reaches the caller's.
 *
 * <p>Threads are made as calls need them, up to {@code workers} (or {@code prewarm} of them at load), and end after
 * {@code keepAliveNanos} without a call and at unload. The app's {@link CallGate} admits at most {@code workers} calls
 * at once, so a call admitted always finds an idle worker or room for a new one: the pool has no queue of its own.
 *
 * <p>The hand-off is built for short calls. A worker that finishes a call spins on its slot for a few microseconds
 * before it parks, and a caller spins for its result before it parks, as long as results recently came while it
 * spun (up to 50 µs): while short calls keep coming neither side pays a thread wake-up, and when calls are long or
 * the app is saturated nobody burns the CPU spinning. Only half as many callers as there are processors spin at
 * once (across all pools); the others park at once, so that under load spinning callers do not take the CPU from the
 * workers. Idle workers are taken last-in first-out, so the warmest thread serves and the others can time out.
 */
final class WorkerPool {

    /** How long a caller spins for its result before it parks. */
    static final long SPIN_NANOS = 50_000;
    /**
     * How long a worker out of work spins for the next call before it parks: long enough for a caller that calls
     * again at once, short enough that a worker of a saturated app (its next call comes through the gate, after a
     * thread wake-up) does not burn the CPU its callers need.
     */
    static final long WORKER_SPIN_NANOS = 5_000;
    /**
     * How many callers (of all pools) may spin for their result at once: half the processors. Past that, spinning
     * takes the CPU from the workers that would produce the results (32 callers on 2 cores), so a caller parks at
     * once instead.
     */
    private static final int MAX_SPINNING = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    private static final AtomicInteger SPINNING = new AtomicInteger();

    private static boolean startSpinning() {
        while (true) {
            int n = SPINNING.get();
            if (n >= MAX_SPINNING) {
                return false;
            }
            if (SPINNING.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** The least spin worth starting. */
    private static final long MIN_SPIN_NANOS = 2_000;
    /** With spinning off, one call in this many spins again (a power of two). */
    private static final int RETRY_SPIN_EVERY = 64;

    /** How long this pool's callers spin for their result now (see {@link #spinFor}); racy by design. */
    private volatile long spinNanos = SPIN_NANOS;
    private final AtomicInteger spinRetries = new AtomicInteger();
    private final String app;
    private final int max;
    private final ClassLoader loader;
    private final long keepAliveNanos;
    private final ConcurrentLinkedDeque<Worker> idle = new ConcurrentLinkedDeque<>();
    private final Set<Worker> all = ConcurrentHashMap.newKeySet();
    private final AtomicInteger alive = new AtomicInteger();
    private final AtomicInteger names = new AtomicInteger();
    private volatile boolean closed;

    /**
     * @param app            the app's name, for thread names and messages
     * @param max            at most this many threads ({@code workers})
     * @param loader         the app's loader: the workers' context class loader
     * @param keepAliveNanos how long an idle worker waits for a call before it ends
     */
    WorkerPool(String app, int max, ClassLoader loader, long keepAliveNanos) {
        this.app = app;
        this.max = max;
        this.loader = loader;
        this.keepAliveNanos = keepAliveNanos;
    }

    /** Starts {@code n} workers now (at most {@code max}), so the first calls do not wait for threads. */
    void prewarm(int n) {
        for (int i = 0; i < n; i++) {
            Worker w = startWorker();
            if (w == null) {
                return;
            }
            offerIdle(w);
        }
    }

    /**
     * Runs {@code task} on a worker and returns what it returned; a {@link RuntimeException} or {@link Error} it
     * threw is thrown here.
     *
     * @param onInterrupt run on this thread when it is interrupted while it waits: it should make the task end soon
     *                    (the caller then keeps waiting for it, so the task never outlives the call's admission)
     * @throws VaasCallException 503 {@code overloaded} when no worker can be had: only if the pool is closed or the
     *                           JVM cannot start a thread
     */
    <T> T call(String route, Supplier<T> task, Runnable onInterrupt) {
        Worker w = takeIdle();
        if (w == null) {
            w = startWorker();
            if (w == null) {
                throw Failures.of(app, route, 503, "overloaded", "app '" + app + "' has no worker thread free for "
                        + "route '" + route + "': " + (closed ? "the app is being unloaded"
                        : alive.get() >= max ? "its " + max + " workers are all busy"
                        : "the JVM could not start a thread (see the log; lower \"workers\" or use \"workerThreads\": "
                        + "\"never\")"));
            }
        }
        Job<T> job = new Job<>(task);
        w.hand(job);
        spinFor(job);
        boolean interrupted = false;
        while (!job.await()) {
            if (!interrupted) {
                interrupted = true;
                onInterrupt.run();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (job.failure instanceof RuntimeException r) {
            throw r;
        }
        if (job.failure instanceof Error e) {
            throw e;
        }
        if (job.failure != null) {
            // A checked exception thrown sneakily by guest code.
            throw new IllegalStateException(job.failure);
        }
        return job.result;
    }

    /**
     * Spins for {@code job}'s result while spinning pays: for eight times as long as the last result took when it
     * came during a spin (at least 8 µs, at most {@link #SPIN_NANOS}). A result that did not come in time halves the
     * next spin, down to none; then one call in {@link #RETRY_SPIN_EVERY} tries again, so a pool whose calls got
     * short again finds out.
     */
    private void spinFor(Job<?> job) {
        long budget = spinNanos;
        if (budget == 0 && (spinRetries.incrementAndGet() & (RETRY_SPIN_EVERY - 1)) != 0) {
            return;
        }
        if (!startSpinning()) {
            return;
        }
        try {
            long start = System.nanoTime();
            long until = start + (budget == 0 ? SPIN_NANOS : budget);
            long now = start;
            while (!job.done && now < until) {
                Thread.onSpinWait();
                now = System.nanoTime();
            }
            if (job.done) {
                // Came while spinning: next time spin with ample room over what it took (noise is large here).
                spinNanos = Math.min(SPIN_NANOS, Math.max(8 * (now - start), 4 * MIN_SPIN_NANOS));
            } else {
                long halved = budget / 2;
                spinNanos = halved < MIN_SPIN_NANOS ? 0 : halved;
            }
        } finally {
            SPINNING.decrementAndGet();
        }
    }

    private Worker takeIdle() {
        while (true) {
            Worker w = idle.pollFirst();
            if (w == null || w.claim()) {
                return w;
            }
            // It was ending for being idle too long: look at the next one.
        }
    }

    private void offerIdle(Worker w) {
        w.state.set(Worker.IDLE);
        idle.addFirst(w);
        if (closed) {
            // close() may have looked at the idle list before this worker joined it.
            w.retire();
        }
    }

    /** A new worker, already claimed for a first call; null when there are {@code max} already or the pool closed. */
    private Worker startWorker() {
        while (true) {
            int n = alive.get();
            if (n >= max || closed) {
                return null;
            }
            if (alive.compareAndSet(n, n + 1)) {
                break;
            }
        }
        Worker w = new Worker();
        Thread t;
        try {
            t = Thread.ofPlatform().daemon().name("vaas-worker:" + app + "-" + names.incrementAndGet())
                    .inheritInheritableThreadLocals(false).unstarted(w);
            // Not the creating thread's loader (another app's, or the host's): this app's.
            t.setContextClassLoader(loader);
            w.thread = t;
            all.add(w);
            t.start();
        } catch (RuntimeException | OutOfMemoryError e) {
            all.remove(w);
            alive.decrementAndGet();
            org.slf4j.LoggerFactory.getLogger(WorkerPool.class).warn("app '{}': a worker thread could not be started: {}",
                    app, e.toString());
            return null;
        }
        return w;
    }

    /**
     * Lets every worker end: idle ones at once, busy ones after their call. Calls in flight are not cut short (the
     * instance retires first, so by then there are none).
     */
    void close() {
        closed = true;
        for (Worker w : all) {
            w.retire();
        }
    }

    /** One call handed to a worker, its result, and the caller waiting for it. */
    private static final class Job<T> {
        final Supplier<T> task;
        final Thread caller = Thread.currentThread();
        T result;
        Throwable failure;
        volatile boolean done;

        Job(Supplier<T> task) {
            this.task = task;
        }

        void run() {
            try {
                result = task.get();
            } catch (Throwable t) {
                failure = t;
            }
        }

        void finish() {
            done = true;
            LockSupport.unpark(caller);
        }

        /** Waits for the result; false when this thread was interrupted first (the interrupt is consumed). */
        boolean await() {
            while (!done) {
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    return done;
                }
            }
            return true;
        }
    }

    /** One worker thread: a slot for its next job, and a state a caller and the worker's own timeout race on. */
    private final class Worker implements Runnable {
        static final int BUSY = 0;
        static final int IDLE = 1;
        static final int ENDING = 2;

        final AtomicInteger state = new AtomicInteger(BUSY);
        final AtomicReference<Job<?>> slot = new AtomicReference<>();
        volatile Thread thread;

        /** Takes this idle worker for a call; false if it is ending. */
        boolean claim() {
            return state.compareAndSet(IDLE, BUSY);
        }

        void hand(Job<?> job) {
            slot.set(job);
            LockSupport.unpark(thread);
        }

        /**
         * Moves this worker from {@code from} to ending; it no longer counts against {@code max}, so a caller that
         * comes now may start a new one at once.
         */
        boolean end(int from) {
            if (from == ENDING || !state.compareAndSet(from, ENDING)) {
                return false;
            }
            idle.remove(this);
            alive.decrementAndGet();
            return true;
        }

        void retire() {
            end(IDLE);
            Thread t = thread;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }

        @Override
        public void run() {
            try {
                while (true) {
                    Job<?> job = next();
                    if (job == null) {
                        return;
                    }
                    // A late interrupt meant for an earlier call (its cancellation) must not reach this one.
                    Thread.interrupted();
                    job.run();
                    Thread.interrupted();
                    if (closed) {
                        end(BUSY);
                        job.finish();
                        return;
                    }
                    // Idle again before the caller learns the call ended: the caller's gate permit, once released,
                    // then always finds this worker, and the pool never holds more than max threads.
                    offerIdle(this);
                    job.finish();
                }
            } finally {
                all.remove(this);
                // Only if something unforeseen ended the thread while it still counted.
                end(state.get());
            }
        }

        /**
         * Looks for a job until {@code until}; null when none came. Not counted in {@link #MAX_SPINNING}: workers are
         * few (at most {@code workers} per app) and spin only between calls, while callers can be many.
         */
        private Job<?> spinForJob(long until) {
            while (System.nanoTime() < until && state.get() != ENDING) {
                Job<?> job = slot.getAndSet(null);
                if (job != null) {
                    return job;
                }
                Thread.onSpinWait();
            }
            return null;
        }

        /** The next job: looked for briefly, then waited for up to the keep-alive; null when the worker should end. */
        private Job<?> next() {
            long start = System.nanoTime();
            Job<?> spun = spinForJob(start + WORKER_SPIN_NANOS);
            if (spun != null) {
                return spun;
            }
            while (true) {
                Job<?> job = slot.getAndSet(null);
                if (job != null) {
                    return job;
                }
                int s = state.get();
                if (s == ENDING) {
                    return null;
                }
                long now = System.nanoTime();
                if (closed || now - start >= keepAliveNanos) {
                    if (s == IDLE && end(IDLE)) {
                        return null;
                    }
                    // Claimed by a caller just now (or still busy being handed a job): its job is on the way.
                    if (state.get() == BUSY) {
                        LockSupport.parkNanos(this, 1_000_000);
                        continue;
                    }
                }
                LockSupport.parkNanos(this, keepAliveNanos - (now - start));
                // Interrupts are for calls, never for an idle worker: the pool ends workers through its state.
                Thread.interrupted();
            }
        }
    }
}
