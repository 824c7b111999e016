package io.vaas.run;

import io.vaas.AppLoadException;
import io.vaas.guard.RunningCall;
import io.vaas.guard.Watchdog;
import io.vaas.virtual.AppContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs an app's initialization (its route classes' static initializers and constructors, which the host triggers
 * at deploy) on a thread of the container's initialization pool, under a deadline, so the deploying thread (the host's, holding whatever
 * it holds) is released whatever that code does: a loop is stopped by the app's kill switch at the deadline; a
 * thread that still does not end (two static initializers waiting for each other, which no interrupt ends) is
 * abandoned, logged and counted, and the deploy fails naming the setting.
 */
final class InitThread {

    private static final Logger LOG = LoggerFactory.getLogger(InitThread.class);
    /** Threads abandoned because they would not end: each keeps its app's classes loaded. */
    private static final java.util.concurrent.atomic.AtomicInteger ABANDONED = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Threads that run initializations, reused from one deploy to the next (starting a thread for each would cost a
     * deploy about 0.2 ms); one that does not come back is lost to the pool, which makes another.
     */
    private static final java.util.concurrent.ThreadPoolExecutor POOL = new java.util.concurrent.ThreadPoolExecutor(0,
            Integer.MAX_VALUE, 30, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(),
            Thread.ofPlatform().daemon().name("vaas-init-", 1).factory());

    private InitThread() {
    }

    /** How many initialization threads were abandoned in this JVM. */
    static int abandoned() {
        return ABANDONED.get();
    }

    /**
     * {@code work}'s result, computed on a new thread of app {@code app} with {@code loader} as its context loader,
     * as a call named {@code <init>} that ends at {@code timeoutMs}.
     *
     * @throws AppLoadException when the deadline passes, naming {@code Vaas.Builder.deployTimeoutMillis}
     */
    static <T> T run(String app, String location, AppContext context, ClassLoader loader, Watchdog watchdog,
                     long timeoutMs, Supplier<T> work) {
        java.util.concurrent.CompletableFuture<Object> outcome = new java.util.concurrent.CompletableFuture<>();
        AtomicReference<Thread> runner = new AtomicReference<>();
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        POOL.execute(() -> {
            Thread thread = Thread.currentThread();
            runner.set(thread);
            String name = thread.getName();
            thread.setName("vaas-init:" + app);
            thread.setContextClassLoader(loader);
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000L);
            RunningCall call = RunningCall.begin(context.killSwitch(), "<init>", left, 0, 0, watchdog, null);
            Object result;
            try {
                result = new Done(work.get());
            } catch (Throwable t) {
                result = new Failed(t);
            } finally {
                call.end();
                // The thread serves the next app's initialization: nothing of this one stays on it, before the
                // deploy goes on (an unload right after must not take it for one of the app's threads).
                thread.setContextClassLoader(null);
                thread.setName(name);
                Thread.interrupted();
            }
            outcome.complete(result);
        });
        boolean interrupted = false;
        Object result = null;
        try {
            // The call's own deadline trips the kill switch; the grace after it lets a stopped loop unwind.
            long graceNanos = Math.max(100, Math.min(timeoutMs, 1_000)) * 1_000_000L;
            result = outcome.get(Math.max(1, deadline + graceNanos - System.nanoTime()),
                    java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            result = null;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (result == null) {
            Thread thread = runner.get();
            if (thread != null) {
                thread.interrupt();
            }
            ABANDONED.incrementAndGet();
            LOG.warn("app '{}': its static initializers or route constructors did not finish within {} ms; thread {} "
                    + "is abandoned (stack: {})", app, timeoutMs, thread == null ? "(not started)" : thread.getName(),
                    thread == null ? "none" : top(thread));
            throw new AppLoadException(app, location, interrupted ? "the deploy was interrupted while the app's route "
                    + "classes were initialized" : "its route classes' static initializers or constructors did not "
                    + "finish within " + timeoutMs + " ms (Vaas.Builder.deployTimeoutMillis); a loop, a wait or a "
                    + "deadlock between static initializers");
        }
        if (result instanceof Failed failed) {
            Throwable t = failed.error();
            if (stoppedByDeadline(t)) {
                throw new AppLoadException(app, location, "its route classes' static initializers or constructors "
                        + "did not finish within " + timeoutMs + " ms (Vaas.Builder.deployTimeoutMillis) and were "
                        + "stopped");
            }
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(t);
        }
        @SuppressWarnings("unchecked")
        T value = (T) ((Done) result).value();
        return value;
    }

    /** Whether {@code t} or one of its causes is the kill switch stopping the code at the deadline. */
    private static boolean stoppedByDeadline(Throwable t) {
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable x = t; x != null && seen.add(x); x = x.getCause()) {
            if (x instanceof io.vaas.guard.CallCancelledError) {
                return true;
            }
        }
        return false;
    }

    private static String top(Thread thread) {
        StackTraceElement[] frames = thread.getStackTrace();
        return frames.length == 0 ? "none" : frames[0] + (frames.length > 1 ? " < " + frames[1] : "");
    }

    private record Done(Object value) {
    }

    private record Failed(Throwable error) {
    }
}
