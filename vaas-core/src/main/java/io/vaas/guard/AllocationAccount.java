package io.vaas.guard;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one app instance has allocated on the heap: charged by the {@link Watchdog} for the threads that ran its
 * calls, and read from its own threads (those it started, whatever factory made them) when the {@link HeapGovernor}
 * asks. Holds nothing of the app but its name; its threads are held weakly.
 */
public final class AllocationAccount {

    private static final com.sun.management.ThreadMXBean THREADS = threads();

    private final String app;
    private final LongAdder bytes = new LongAdder();
    /** The app's own threads, with what each had allocated when last read. */
    private final Map<Thread, long[]> threads = new WeakHashMap<>();
    private long lastLook;

    AllocationAccount(String app) {
        this.app = app;
    }

    private static com.sun.management.ThreadMXBean threads() {
        try {
            java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
            if (bean instanceof com.sun.management.ThreadMXBean sun && sun.isThreadAllocatedMemorySupported()
                    && sun.isThreadAllocatedMemoryEnabled()) {
                return sun;
            }
        } catch (UnsupportedOperationException e) {
            // No allocation counters on this JVM: accounts stay at zero and the governor picks no app.
        }
        return null;
    }

    /** The app's name. */
    public String app() {
        return app;
    }

    /** Counts a thread the app started as the app's; what it allocates from now on is charged here. */
    public void attribute(Thread t) {
        if (THREADS == null) {
            return;
        }
        synchronized (threads) {
            threads.putIfAbsent(t, new long[] {-1});
        }
    }

    void charge(long allocated) {
        if (allocated > 0) {
            bytes.add(allocated);
        }
    }

    /** Reads the app's own threads' counters into the account. */
    void sampleThreads() {
        if (THREADS == null) {
            return;
        }
        List<Map.Entry<Thread, long[]>> alive = new ArrayList<>();
        synchronized (threads) {
            for (Map.Entry<Thread, long[]> e : threads.entrySet()) {
                if (e.getKey().isAlive() && !e.getKey().isVirtual()) {
                    alive.add(e);
                }
            }
        }
        for (Map.Entry<Thread, long[]> e : alive) {
            long now = THREADS.getThreadAllocatedBytes(e.getKey().threadId());
            long[] last = e.getValue();
            if (now >= 0) {
                if (last[0] >= 0) {
                    charge(now - last[0]);
                }
                last[0] = now;
            }
        }
    }

    /** Bytes allocated since the last call of this method (the governor's last look). */
    synchronized long sinceLastLook() {
        long total = bytes.sum();
        long since = total - lastLook;
        lastLook = total;
        return since;
    }

    /** Bytes allocated since the app was loaded, as far as the container has counted. */
    public long total() {
        return bytes.sum();
    }
}
