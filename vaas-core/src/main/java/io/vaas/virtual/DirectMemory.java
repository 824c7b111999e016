package io.vaas.virtual;

import io.vaas.guard.RunningCall;

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One app's off-heap budget: direct buffers it allocates count against {@code limits.maxDirectMb} while they are
 * reachable. The JDK frees a direct buffer's memory when the buffer is collected; the container's own cleaner then
 * returns its size to the budget. Slices and duplicates share their buffer's memory and keep it reachable, so they
 * count once.
 *
 * <p>The cleaner's action holds a counter and a size, nothing of the app, so a buffer that outlives its app keeps no
 * class of it loaded.
 */
public final class DirectMemory {

    /** The container's cleaner: its thread runs only the releases below, never app code. */
    private static final Cleaner RELEASES = Cleaner.create(r -> {
        Thread t = Thread.ofPlatform().daemon().name("vaas-direct-memory").inheritInheritableThreadLocals(false)
                .unstarted(r);
        t.setContextClassLoader(DirectMemory.class.getClassLoader());
        return t;
    });

    private final String app;
    private final AtomicLong used = new AtomicLong();
    private volatile long limitBytes;

    DirectMemory(String app) {
        this.app = app;
    }

    void limit(long bytes) {
        this.limitBytes = bytes;
    }

    /** Bytes of direct buffers the app holds now (reachable, or not yet collected). */
    public long used() {
        return used.get();
    }

    ByteBuffer allocate(int capacity) {
        if (capacity < 0) {
            return ByteBuffer.allocateDirect(capacity);   // the JDK's own IllegalArgumentException
        }
        long limit = limitBytes;
        long now;
        do {
            now = used.get();
            if (limit > 0 && now + capacity > limit) {
                RunningCall call = RunningCall.current();
                throw new OutOfMemoryError("app '" + app + "'" + (call != null && call.app().equals(app)
                        ? " route '" + call.route() + "'" : "") + ": ByteBuffer.allocateDirect(" + capacity
                        + ") would take its direct memory to " + mib(now + capacity) + " MiB, over its "
                        + "limits.maxDirectMb of " + mib(limit) + " MiB (it holds " + mib(now) + " MiB; buffers it "
                        + "no longer reaches return to the budget when they are collected)");
            }
        } while (!used.compareAndSet(now, now + capacity));
        try {
            ByteBuffer buffer = ByteBuffer.allocateDirect(capacity);
            RELEASES.register(buffer, new Release(used, capacity));
            return buffer;
        } catch (RuntimeException | Error e) {
            used.addAndGet(-capacity);
            throw e;
        }
    }

    private static long mib(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }

    /** Returns a collected buffer's size to its app's budget. */
    private record Release(AtomicLong used, long bytes) implements Runnable {
        @Override
        public void run() {
            used.addAndGet(-bytes);
        }
    }
}
