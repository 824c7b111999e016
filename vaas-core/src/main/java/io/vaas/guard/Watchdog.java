package io.vaas.guard;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Samples the running calls of one container about every 10 ms and cancels those past their deadline, CPU time or
 * allocation budget. Idle apps cost it nothing: it looks only at calls in progress, and sleeps while there are none.
 * CPU time and allocated bytes are the calling thread's ({@code com.sun.management.ThreadMXBean}), read in one batch
 * per sample; work an app hands to other threads is not counted against the call.
 */
public final class Watchdog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);
    private static final long PERIOD_MS = 10;

    private final Set<RunningCall> calls = ConcurrentHashMap.newKeySet();
    private final Set<KillSwitch> tripped = ConcurrentHashMap.newKeySet();
    private final com.sun.management.ThreadMXBean threads;
    private final boolean cpuClock;
    private final boolean allocCounter;
    private final Object wake = new Object();
    private volatile boolean closed;
    private volatile Thread sampler;

    public Watchdog() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        this.threads = bean instanceof com.sun.management.ThreadMXBean sun ? sun : null;
        boolean cpu = false;
        boolean alloc = false;
        try {
            cpu = bean.isThreadCpuTimeSupported() && bean.isThreadCpuTimeEnabled();
            alloc = threads != null && threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled();
        } catch (UnsupportedOperationException e) {
            // A JVM without these clocks: deadlines still hold.
        }
        this.cpuClock = cpu;
        this.allocCounter = alloc;
    }

    void watch(RunningCall call) {
        boolean wasIdle = calls.isEmpty();
        calls.add(call);
        if (sampler == null) {
            start();
        } else if (wasIdle) {
            synchronized (wake) {
                wake.notifyAll();
            }
        }
    }

    void unwatch(RunningCall call) {
        calls.remove(call);
    }

    /** How many calls are being watched now. */
    public int watching() {
        return calls.size();
    }

    private synchronized void start() {
        if (sampler != null || closed) {
            return;
        }
        // Started by whichever call comes first: it must not inherit that app's context loader or thread locals,
        // or it would keep the app's classes loaded for as long as the container runs.
        Thread t = Thread.ofPlatform().daemon().name("vaas-watchdog").inheritInheritableThreadLocals(false)
                .unstarted(this::run);
        t.setContextClassLoader(Watchdog.class.getClassLoader());
        sampler = t;
        t.start();
    }

    private void run() {
        while (!closed) {
            try {
                synchronized (wake) {
                    while (calls.isEmpty() && tripped.isEmpty() && !closed) {
                        wake.wait();
                    }
                }
                Thread.sleep(PERIOD_MS);
                sample();
            } catch (InterruptedException e) {
                if (closed) {
                    return;
                }
            } catch (RuntimeException e) {
                LOG.warn("the watchdog's sample failed; it goes on", e);
            }
        }
    }

    /** One look at every running call (public for tests and benchmarks; the sampler calls it every 10 ms). */
    public void sample() {
        List<RunningCall> now = new ArrayList<>(calls);
        if (!now.isEmpty()) {
            long[] ids = new long[now.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = now.get(i).thread().threadId();
            }
            long[] cpu = cpuClock ? threads.getThreadCpuTime(ids) : null;
            long[] alloc = allocCounter ? threads.getThreadAllocatedBytes(ids) : null;
            long nanos = System.nanoTime();
            for (int i = 0; i < ids.length; i++) {
                check(now.get(i), nanos, cpu == null ? -1 : cpu[i], alloc == null ? -1 : alloc[i]);
            }
        }
        for (KillSwitch s : tripped) {
            s.resetIfQuiet();
            if (!s.tripped()) {
                tripped.remove(s);
            }
        }
    }

    private void check(RunningCall call, long nanos, long cpuNanos, long allocBytes) {
        if (call.cancelled() != null) {
            return;
        }
        if (call.startCpuNanos < 0 && cpuNanos >= 0) {
            // First sight: the call began at most one period ago; what its thread used before is not its own.
            call.startCpuNanos = Math.max(0, cpuNanos - (nanos - call.startNanos()));
            call.startAllocBytes = allocBytes;
        }
        if (nanos > call.deadlineNanos()) {
            cancel(call, new Trip("timeout", "timeoutMs", call.timeoutMs() + " ms",
                    "ran " + (nanos - call.startNanos()) / 1_000_000 + " ms"));
        } else if (cpuNanos >= 0 && cpuNanos - call.startCpuNanos > call.cpuLimitNanos()) {
            cancel(call, new Trip("cpu_limit", "limits.cpuMsPerCall", call.cpuLimitNanos() / 1_000_000 + " ms",
                    "used " + (cpuNanos - call.startCpuNanos) / 1_000_000 + " ms of CPU"));
        } else if (allocBytes >= 0 && call.startAllocBytes >= 0
                && allocBytes - call.startAllocBytes > call.allocLimitBytes()) {
            cancel(call, new Trip("alloc_limit", "limits.allocMbPerCall", call.allocLimitBytes() / (1024 * 1024) + " MiB",
                    "allocated " + (allocBytes - call.startAllocBytes) / (1024 * 1024) + " MiB"));
        }
    }

    private void cancel(RunningCall call, Trip trip) {
        tripped.add(call.killSwitch());
        call.cancel(trip);
    }

    /** Remembers a switch tripped by someone else, to point it back at the no-op once its app is quiet. */
    public void tripped(KillSwitch s) {
        tripped.add(s);
        if (sampler == null) {
            start();
        }
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread t = sampler;
        if (t != null) {
            t.interrupt();
        }
    }
}
