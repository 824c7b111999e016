package io.vaas.guard;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.util.concurrent.locks.LockSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Samples the running calls of one container about every 10 ms and cancels those past their deadline, CPU time or
 * allocation budget. Idle apps cost it nothing: it looks only at calls in progress.
 * CPU time and allocated bytes are the calling thread's ({@code com.sun.management.ThreadMXBean}), read in one batch
 * per sample; work an app hands to other threads is not counted against the call. The sampler thread starts with the
 * first call, wakes every 10 ms (or at the next deadline, if sooner) while calls run, and sleeps after a second
 * without any until the next one begins.
 */
public final class Watchdog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);
    private static final long PERIOD_MS = 10;

    /**
     * One slot per thread that has made calls here: a call in progress is a volatile write into its thread's slot,
     * not an insertion into a shared set, so calls on many threads do not contend. Slots of ended threads go.
     */
    private final Set<Slot> slots = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<Slot> slot = new ThreadLocal<>();
    private final Set<KillSwitch> tripped = ConcurrentHashMap.newKeySet();
    private final com.sun.management.ThreadMXBean threads;
    private final boolean cpuClock;
    private final boolean allocCounter;
    private volatile boolean closed;
    private long lastBusyNanos = System.nanoTime();
    /** Whether the sampler is parked until the next call. */
    private volatile boolean dormant;
    private static final long DORMANT_AFTER_NANOS = 1_000_000_000L;
    /** The earliest deadline of the calls seen at the last sample. */
    private volatile long nextDeadline = Long.MAX_VALUE;
    private volatile Thread sampler;
    /** Whether calls' allocation is charged to their apps (for the heap governor), read every sample. */
    private volatile boolean countAllocation;

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

    /** The call slot of one thread. */
    private static final class Slot {
        final Thread thread;
        volatile RunningCall call;
        /** Set by each call, cleared by the sampler: whether the thread made a call since the last look. */
        volatile boolean used;
        /** The account of the app whose call ran last here, while what the thread allocated is not yet charged. */
        volatile AllocationAccount account;
        volatile boolean uncharged;
        /** What the thread had allocated when last charged; -1 before. */
        long chargedBytes = -1;

        Slot(Thread thread) {
            this.thread = thread;
        }
    }

    void watch(RunningCall call) {
        Slot s = slot.get();
        if (s == null) {
            s = new Slot(Thread.currentThread());
            if (countAllocation) {
                s.chargedBytes = threads.getCurrentThreadAllocatedBytes();
            }
            slot.set(s);
            slots.add(s);
        }
        s.call = call;
        s.used = true;
        s.account = call.killSwitch().allocation();
        s.uncharged = true;
        Thread t = sampler;
        if (t == null) {
            start();
        } else if (dormant) {
            LockSupport.unpark(t);
        }
    }

    /** Ends the watch of {@code call}; the thread's enclosing call of this container, if any, is watched again. */
    void unwatch(RunningCall call, RunningCall outer) {
        Slot s = slot.get();
        if (s != null && s.call == call) {
            s.call = outer;
        }
    }

    /** How many calls are being watched now. */
    public int watching() {
        int n = 0;
        for (Slot s : slots) {
            if (s.call != null) {
                n++;
            }
        }
        return n;
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
                // Every period, idle or not (waking the sampler as each call begins would cost every call a thread
                // switch), and sooner when a deadline falls before the period ends: deadlines are known in advance.
                if (quiet()) {
                    // No call for a while: sleep until the next one, so an idle container costs nothing.
                    dormant = true;
                    if (watching() == 0 && tripped.isEmpty()) {
                        LockSupport.park(this);
                    }
                    dormant = false;
                    continue;
                }
                long period = PERIOD_MS * 1_000_000L;
                long deadline = nextDeadline;
                long wait = deadline == Long.MAX_VALUE ? period
                        : Math.min(period, Math.max(0, deadline - System.nanoTime()));
                if (wait > 0) {
                    Thread.sleep(java.time.Duration.ofNanos(wait));
                }
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

    /** Whether nothing has run for {@link #DORMANT_AFTER_NANOS}; notes what it saw for the next time. */
    private boolean quiet() {
        long now = System.nanoTime();
        boolean busy = !tripped.isEmpty();
        for (Slot s : slots) {
            if (s.used || s.call != null) {
                s.used = false;
                busy = true;
            }
        }
        if (busy) {
            lastBusyNanos = now;
            return false;
        }
        return now - lastBusyNanos > DORMANT_AFTER_NANOS;
    }

    /** One look at every running call (public for tests and benchmarks; the sampler calls it every 10 ms). */
    public void sample() {
        List<RunningCall> now = new ArrayList<>();
        for (Slot s : slots) {
            RunningCall c = s.call;
            if (c != null) {
                now.add(c);
            } else if (!s.thread.isAlive()) {
                slots.remove(s);
            }
        }
        if (!now.isEmpty()) {
            long[] ids = new long[now.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = now.get(i).thread().threadId();
            }
            // The clocks cost a system call per thread: read them only when some call has a budget.
            boolean cpuBudget = false;
            boolean allocBudget = false;
            for (RunningCall call : now) {
                cpuBudget |= call.cpuLimitNanos() != Long.MAX_VALUE;
                allocBudget |= call.allocLimitBytes() != Long.MAX_VALUE;
            }
            long[] cpu = cpuClock && cpuBudget ? threads.getThreadCpuTime(ids) : null;
            long[] alloc = allocCounter && allocBudget ? threads.getThreadAllocatedBytes(ids) : null;
            long nanos = System.nanoTime();
            long next = Long.MAX_VALUE;
            for (int i = 0; i < ids.length; i++) {
                RunningCall call = now.get(i);
                check(call, nanos, cpu == null ? -1 : cpu[i], alloc == null ? -1 : alloc[i]);
                if (call.cancelled() == null) {
                    next = Math.min(next, call.deadlineNanos());
                }
            }
            nextDeadline = next;
        } else {
            nextDeadline = Long.MAX_VALUE;
        }
        if (countAllocation) {
            chargeAllocations();
        }
        for (KillSwitch s : tripped) {
            s.resetIfQuiet();
            // A stopped app's switch stays tripped for good; the watchdog lets it go with the app.
            if (!s.tripped() || s.stopping()) {
                tripped.remove(s);
            }
        }
    }

    private void check(RunningCall call, long nanos, long cpuNanos, long allocBytes) {
        if (call.cancelled() != null) {
            return;
        }
        // First sight: the call began at most one period ago; what its thread used before is not its own.
        if (call.startCpuNanos < 0 && cpuNanos >= 0) {
            call.startCpuNanos = Math.max(0, cpuNanos - (nanos - call.startNanos()));
        }
        if (call.startAllocBytes < 0 && allocBytes >= 0) {
            call.startAllocBytes = allocBytes;
        }
        if (nanos > call.deadlineNanos()) {
            cancel(call, new Trip("timeout", call.deadlineSource(), call.timeoutMs() + " ms",
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

    /**
     * Charges what each thread that ran calls here allocated since the last charge to the app whose call ran there
     * (the last one, when several apps' calls ran on one thread between two samples).
     */
    public synchronized void chargeAllocations() {
        if (!allocCounter) {
            return;
        }
        List<Slot> busy = new ArrayList<>();
        for (Slot s : slots) {
            if (s.account != null && (s.call != null || s.uncharged)) {
                busy.add(s);
            }
        }
        if (busy.isEmpty()) {
            return;
        }
        long[] ids = new long[busy.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = busy.get(i).thread.threadId();
        }
        long[] now = threads.getThreadAllocatedBytes(ids);
        for (int i = 0; i < ids.length; i++) {
            Slot s = busy.get(i);
            AllocationAccount account = s.account;
            if (now[i] >= 0 && s.chargedBytes >= 0 && account != null) {
                account.charge(now[i] - s.chargedBytes);
            }
            s.chargedBytes = now[i];
            if (s.call == null) {
                s.uncharged = false;
                s.account = null;
            }
        }
    }

    /** Starts charging calls' allocation to their apps, from the next call on each thread (the heap governor's). */
    void countAllocation() {
        this.countAllocation = allocCounter;
    }

    /** Cancels every call of the app of {@code s} running now. */
    public void cancelCalls(KillSwitch s, Trip why) {
        for (Slot slot : slots) {
            RunningCall c = slot.call;
            for (; c != null; c = c.outer()) {
                if (c.killSwitch() == s && c.cancelled() == null) {
                    cancel(c, why);
                }
            }
        }
    }

    /** Remembers a switch tripped by someone else, to point it back at the no-op once its app is quiet. */
    public void tripped(KillSwitch s) {
        tripped.add(s);
        if (sampler == null) {
            start();
        }
    }

    @Override
    public void close() {
        closed = true;
        slots.clear();
        tripped.clear();
        Thread t = sampler;
        if (t != null) {
            t.interrupt();
            LockSupport.unpark(t);
        }
    }
}
