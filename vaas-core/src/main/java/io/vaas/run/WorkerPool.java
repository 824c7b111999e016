package io.vaas.run;

import io.vaas.VaasCallException;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker threads of one loaded app: its calls run here, not on the caller's thread. Platform threads (so each
 * call has a CPU clock for its budget), made as calls need them up to {@code workers}, retired after 30 s idle (or
 * all started at deploy with {@code prewarm}); a bounded queue in front, and a clear refusal when it is full. A call
 * made from one of the app's own workers (an app calling itself) runs in place, so a full pool cannot deadlock on it.
 */
final class WorkerPool {

    private static final long KEEP_ALIVE_SECONDS = 30;

    private final String app;
    private final int workers;
    private final int queue;
    private final ThreadPoolExecutor executor;
    private final ThreadGroup group;

    WorkerPool(String app, int workers, int queue, boolean prewarm) {
        this.app = app;
        this.workers = workers;
        this.queue = queue;
        this.group = new ThreadGroup("vaas-workers-" + app);
        BlockingQueue<Runnable> waiting = queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue);
        this.executor = new ThreadPoolExecutor(workers, workers, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS, waiting,
                factory(), new ThreadPoolExecutor.AbortPolicy());
        executor.allowCoreThreadTimeOut(true);
        if (prewarm) {
            executor.prestartAllCoreThreads();
        }
    }

    private ThreadFactory factory() {
        AtomicInteger n = new AtomicInteger();
        ClassLoader host = WorkerPool.class.getClassLoader();
        return r -> {
            // Made by whichever call needs it: it must not inherit that caller's context loader or thread locals.
            Thread t = Thread.ofPlatform().group(group).name("vaas-worker:" + app + "-" + n.incrementAndGet())
                    .daemon(true).inheritInheritableThreadLocals(false).unstarted(r);
            t.setContextClassLoader(host);
            return t;
        };
    }

    /**
     * Runs {@code task} on a worker and waits for it.
     *
     * @throws VaasCallException 503 {@code overloaded} when every worker is busy and the queue is full; 503
     *                           {@code interrupted} when the calling thread is interrupted while it waits
     */
    <T> T call(String route, Callable<T> task) {
        if (Thread.currentThread().getThreadGroup() == group) {
            return runInPlace(task);
        }
        FutureTask<T> future = new FutureTask<>(task);
        try {
            executor.execute(future);
        } catch (RejectedExecutionException e) {
            throw Failures.of(app, route, 503, "overloaded", "app '" + app + "' is overloaded: its " + workers
                    + " workers are busy and " + queue + " calls are already waiting (raise \"workers\" or \"queue\" "
                    + "in vaas.json)");
        }
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw Failures.of(app, route, 503, "interrupted", "the call of app '" + app + "' route '" + route
                    + "' was abandoned: the calling thread was interrupted");
        }
    }

    private static <T> T runInPlace(Callable<T> task) {
        try {
            return task.call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Workers alive now. */
    int alive() {
        return executor.getPoolSize();
    }

    /** Lets the workers end; the calls in flight have finished already (the instance retires first). */
    void shutdown() {
        executor.shutdownNow();
    }
}
