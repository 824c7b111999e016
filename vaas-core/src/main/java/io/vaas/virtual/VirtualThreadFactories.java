package io.vaas.virtual;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * Thread factories the app hands the JDK ({@code Executors.newFixedThreadPool(n, factory)}, executor and fork-join
 * pool constructors, {@code setThreadFactory}, {@code newThreadPerTaskExecutor}): the JDK starts the threads they
 * make inside its own code, where no {@code start()} call of the app's is rewritten, so each factory is wrapped: every
 * thread it makes becomes the app's (named, counted against {@code limits.maxThreads}, stopped at unload) before the
 * JDK starts it, and the executor is remembered to be shut down at unload.
 *
 * <p>Every method takes the calling class last. Not for direct use.
 */
public final class VirtualThreadFactories {

    private VirtualThreadFactories() {
    }

    /** The app's factory, making threads of the app; null stays null (the JDK then refuses it as before). */
    public static ThreadFactory adopting(ThreadFactory factory, Class<?> caller) {
        if (factory == null || factory instanceof Adopting) {
            return factory;
        }
        return new Adopting(factory, AppContext.of(caller).threads());
    }

    /** As {@link #adopting(ThreadFactory, Class)}, for fork-join pools. */
    public static ForkJoinPool.ForkJoinWorkerThreadFactory adoptingForkJoin(
            ForkJoinPool.ForkJoinWorkerThreadFactory factory, Class<?> caller) {
        if (factory == null) {
            return null;
        }
        AppThreads threads = AppContext.of(caller).threads();
        return pool -> {
            ForkJoinWorkerThread t = factory.newThread(pool);
            if (t != null) {
                threads.adopt(t);
            }
            return t;
        };
    }

    private record Adopting(ThreadFactory factory, AppThreads threads) implements ThreadFactory {
        @Override
        public Thread newThread(Runnable r) {
            Thread t = factory.newThread(r);
            if (t != null) {
                threads.adopt(t);
            }
            return t;
        }
    }

    private static <T> T tracked(T executor, Class<?> caller) {
        return AppContext.of(caller).threads().track(executor);
    }

    public static ExecutorService newFixedThreadPool(int n, ThreadFactory factory, Class<?> caller) {
        return tracked(Executors.newFixedThreadPool(n, adopting(factory, caller)), caller);
    }

    public static ExecutorService newCachedThreadPool(ThreadFactory factory, Class<?> caller) {
        return tracked(Executors.newCachedThreadPool(adopting(factory, caller)), caller);
    }

    public static ExecutorService newSingleThreadExecutor(ThreadFactory factory, Class<?> caller) {
        return tracked(Executors.newSingleThreadExecutor(adopting(factory, caller)), caller);
    }

    public static ScheduledExecutorService newScheduledThreadPool(int n, ThreadFactory factory, Class<?> caller) {
        return tracked(Executors.newScheduledThreadPool(n, adopting(factory, caller)), caller);
    }

    public static ScheduledExecutorService newSingleThreadScheduledExecutor(ThreadFactory factory, Class<?> caller) {
        return tracked(Executors.newSingleThreadScheduledExecutor(adopting(factory, caller)), caller);
    }

    public static ExecutorService newThreadPerTaskExecutor(ThreadFactory factory, Class<?> caller) {
        return tracked(Executors.newThreadPerTaskExecutor(adopting(factory, caller)), caller);
    }

    public static void setThreadFactory(ThreadPoolExecutor self, ThreadFactory factory, Class<?> caller) {
        self.setThreadFactory(adopting(factory, caller));
    }
}
