package io.vaas.virtual;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

/**
 * Where rewritten app code lands when it starts threads, directly or through JDK executors, the common pool,
 * {@code CompletableFuture}'s async defaults and timers: every such thread becomes the app's (see
 * {@link AppThreads}).
 *
 * <p>Every method takes the calling class last; it names the app. Not for direct use.
 */
public final class VirtualThreads {

    private VirtualThreads() {
    }

    /** Before any {@code start()} call: a thread about to start becomes the app's. Other receivers are ignored. */
    public static void adopt(Object receiver, Class<?> caller) {
        if (receiver instanceof Thread t) {
            AppContext.of(caller).threads().adopt(t);
        }
    }

    public static void setName(Thread thread, String name, Class<?> caller) {
        own(thread, "setName", caller).setName(name);
    }

    public static void setPriority(Thread thread, int priority, Class<?> caller) {
        own(thread, "setPriority", caller).setPriority(priority);
    }

    public static void setDaemon(Thread thread, boolean on, Class<?> caller) {
        own(thread, "setDaemon", caller).setDaemon(on);
    }

    public static void setUncaughtExceptionHandler(Thread thread, Thread.UncaughtExceptionHandler handler,
                                                   Class<?> caller) {
        own(thread, "setUncaughtExceptionHandler", caller).setUncaughtExceptionHandler(handler);
    }

    /**
     * {@code thread}, if the app may change what stays on it: a thread it started (or has yet to start). A call runs
     * on a thread of its caller (the host's, a worker's), which must be left as the app found it: a name, priority
     * or handler set there would outlive the call, and a handler would run the app's code outside any call.
     */
    private static Thread own(Thread thread, String what, Class<?> caller) {
        AppContext context = AppContext.of(caller);
        if (thread.getState() == Thread.State.NEW || context.threads().owns(thread)) {
            return thread;
        }
        throw new io.vaas.api.PolicyDenial("app '" + context.app() + "' may not call Thread." + what + " on thread '"
                + thread.getName() + "': it is not one of the app's threads (threads the app starts are its own; a "
                + "call runs on its caller's thread, which the app must leave as it found it)");
    }

    public static Thread startVirtualThread(Runnable task, Class<?> caller) {
        return start(Thread.ofVirtual().unstarted(task), caller);
    }

    public static Thread start(Thread.Builder builder, Runnable task, Class<?> caller) {
        return start(builder.unstarted(task), caller);
    }

    public static Thread start(Thread.Builder.OfPlatform builder, Runnable task, Class<?> caller) {
        return start(builder.unstarted(task), caller);
    }

    public static Thread start(Thread.Builder.OfVirtual builder, Runnable task, Class<?> caller) {
        return start(builder.unstarted(task), caller);
    }

    public static ThreadFactory factory(Thread.Builder builder, Class<?> caller) {
        return adopting(builder.factory(), caller);
    }

    public static ThreadFactory factory(Thread.Builder.OfPlatform builder, Class<?> caller) {
        return adopting(builder.factory(), caller);
    }

    public static ThreadFactory factory(Thread.Builder.OfVirtual builder, Class<?> caller) {
        return adopting(builder.factory(), caller);
    }

    public static ExecutorService newFixedThreadPool(int threads, Class<?> caller) {
        return tracked(Executors.newFixedThreadPool(threads, threadFactory(caller)), caller);
    }

    public static ExecutorService newCachedThreadPool(Class<?> caller) {
        return tracked(Executors.newCachedThreadPool(threadFactory(caller)), caller);
    }

    public static ExecutorService newSingleThreadExecutor(Class<?> caller) {
        return tracked(Executors.newSingleThreadExecutor(threadFactory(caller)), caller);
    }

    public static ScheduledExecutorService newScheduledThreadPool(int threads, Class<?> caller) {
        return tracked(Executors.newScheduledThreadPool(threads, threadFactory(caller)), caller);
    }

    public static ScheduledExecutorService newSingleThreadScheduledExecutor(Class<?> caller) {
        return tracked(Executors.newSingleThreadScheduledExecutor(threadFactory(caller)), caller);
    }

    public static ExecutorService newWorkStealingPool(Class<?> caller) {
        return newWorkStealingPool(parallelism(caller), caller);
    }

    public static ExecutorService newWorkStealingPool(int parallelism, Class<?> caller) {
        return tracked(new ForkJoinPool(parallelism, forkJoinFactory(caller), null, true), caller);
    }

    public static ExecutorService newVirtualThreadPerTaskExecutor(Class<?> caller) {
        return tracked(Executors.newThreadPerTaskExecutor(adopting(Thread.ofVirtual().factory(), caller)), caller);
    }

    /**
     * After the app constructs a thread pool or timer itself ({@code new ThreadPoolExecutor(…)}, {@code new Timer()}):
     * remembered, to be shut down or cancelled when the app unloads.
     */
    public static void track(Object executorOrTimer, Class<?> caller) {
        AppContext.of(caller).threads().track(executorOrTimer);
    }

    private static <T> T tracked(T executor, Class<?> caller) {
        return AppContext.of(caller).threads().track(executor);
    }

    public static ThreadFactory defaultThreadFactory(Class<?> caller) {
        return threadFactory(caller);
    }

    public static ThreadFactory privilegedThreadFactory(Class<?> caller) {
        return threadFactory(caller);
    }

    public static ForkJoinPool commonPool(Class<?> caller) {
        return AppContext.of(caller).threads().commonPool();
    }

    /** The factory pushed into executor constructors that would use the JVM's default factory. */
    public static ThreadFactory threadFactory(Class<?> caller) {
        return AppContext.of(caller).threads().newFactory();
    }

    /** The executor pushed into {@code CompletableFuture} calls that would use the JVM's common pool. */
    public static Executor asyncPool(Class<?> caller) {
        return AppContext.of(caller).threads().commonPool();
    }

    public static ForkJoinPool.ForkJoinWorkerThreadFactory forkJoinFactory(Class<?> caller) {
        return AppContext.of(caller).threads().forkJoinFactory();
    }

    public static int parallelism(Class<?> caller) {
        return Math.max(1, AppContext.of(caller).processors());
    }

    public static String timerName(Class<?> caller) {
        return AppContext.of(caller).threads().timerName();
    }

    public static String timerName(String name, Class<?> caller) {
        return AppContext.of(caller).threads().prefixed(java.util.Objects.requireNonNull(name, "name"));
    }

    private static Thread start(Thread t, Class<?> caller) {
        AppContext.of(caller).threads().adopt(t);
        t.start();
        return t;
    }

    private static ThreadFactory adopting(ThreadFactory factory, Class<?> caller) {
        AppThreads threads = AppContext.of(caller).threads();
        return r -> {
            Thread t = factory.newThread(r);
            if (t != null) {
                threads.adopt(t);
            }
            return t;
        };
    }
}
