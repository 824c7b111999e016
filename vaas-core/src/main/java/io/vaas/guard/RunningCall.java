package io.vaas.guard;

/**
 * One call of an app in progress on one thread: its limits, and whether it has been cancelled. The thread running
 * the call finds it with {@link #current()}; the {@link Watchdog} samples it; {@link #cancel} trips the app's
 * {@link KillSwitch} so the call's guest code stops at its next check.
 */
public final class RunningCall {

    private static final ThreadLocal<RunningCall> CURRENT = new ThreadLocal<>();

    private final KillSwitch killSwitch;
    private final String route;
    private final Thread thread;
    private final RunningCall outer;
    /** The call this thread was in when this one began (the same as {@link #outer} unless handed to a worker). */
    private final RunningCall previous;
    /** What set the deadline, for messages: {@code timeoutMs}, or the caller's deadline. */
    private final String deadlineSource;
    private final long startNanos;
    private final long deadlineNanos;
    private final long timeoutMs;
    private final long cpuLimitNanos;
    private final long allocLimitBytes;
    /** The thread's CPU time and allocated bytes when the call began; -1 until the watchdog first sees the call. */
    long startCpuNanos = -1;
    long startAllocBytes = -1;
    private volatile Trip cancelled;
    private Watchdog watchdog;

    private RunningCall(KillSwitch killSwitch, String route, long timeoutMs, String deadlineSource, long cpuLimitMs,
                        long allocLimitMb, RunningCall outer, RunningCall previous) {
        this.deadlineSource = deadlineSource;
        this.killSwitch = killSwitch;
        this.route = route;
        this.thread = Thread.currentThread();
        this.outer = outer;
        this.previous = previous;
        this.startNanos = System.nanoTime();
        this.timeoutMs = timeoutMs;
        this.deadlineNanos = timeoutMs > 0 ? startNanos + timeoutMs * 1_000_000L : Long.MAX_VALUE;
        this.cpuLimitNanos = cpuLimitMs > 0 ? cpuLimitMs * 1_000_000L : Long.MAX_VALUE;
        this.allocLimitBytes = allocLimitMb > 0 ? allocLimitMb * 1024L * 1024L : Long.MAX_VALUE;
    }

    /**
     * Starts a call on this thread; end it with {@link #end()} in a {@code finally}.
     *
     * @param killSwitch   the app's switch
     * @param route        the route called
     * @param timeoutMs    the call's deadline from now; 0 for none
     * @param cpuLimitMs   CPU time it may use; 0 for no limit
     * @param allocLimitMb MiB it may allocate; 0 for no limit
     * @param watchdog     the watchdog that enforces the limits, or null for none
     */
    public static RunningCall begin(KillSwitch killSwitch, String route, long timeoutMs, long cpuLimitMs,
                                    long allocLimitMb, Watchdog watchdog) {
        return begin(killSwitch, route, timeoutMs, cpuLimitMs, allocLimitMb, watchdog, CURRENT.get());
    }

    /**
     * As {@link #begin(KillSwitch, String, long, long, long, Watchdog)}, for a call made from {@code outer}, which
     * may be on another thread (a call handed to an app's worker thread): the call ends by {@code outer}'s deadline
     * at the latest, and {@link #outer()} chains to it.
     *
     * @param outer the call this one is made from, or null
     */
    public static RunningCall begin(KillSwitch killSwitch, String route, long timeoutMs, long cpuLimitMs,
                                    long allocLimitMb, Watchdog watchdog, RunningCall outer) {
        String source = "timeoutMs";
        if (outer != null && outer.deadlineNanos != Long.MAX_VALUE) {
            // A call made from inside another call ends by the outer one's deadline at the latest.
            long left = Math.max(1, (outer.deadlineNanos - System.nanoTime()) / 1_000_000L);
            if (timeoutMs <= 0 || left < timeoutMs) {
                timeoutMs = left;
                source = "deadline of its caller, app '" + outer.killSwitch.app() + "' route '" + outer.route + "',";
            }
        }
        RunningCall call = new RunningCall(killSwitch, route, timeoutMs, source, cpuLimitMs, allocLimitMb, outer,
                CURRENT.get());
        CURRENT.set(call);
        if (watchdog != null) {
            watchdog.watch(call);
        }
        call.watchdog = watchdog;
        return call;
    }

    /** The call in progress on this thread, or null. */
    public static RunningCall current() {
        return CURRENT.get();
    }

    /** Ends the call: the thread's previous call (if this one was nested in it) is current again. */
    public void end() {
        if (watchdog != null) {
            watchdog.unwatch(this, previous != null && previous.watchdog == watchdog ? previous : null);
        }
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
        if (cancelled != null) {
            killSwitch.cancelledCallEnded();
        }
    }

    /** Cancels the call: its guest code stops at the next check, and a thread blocked in it is interrupted. */
    public void cancel(Trip why) {
        synchronized (this) {
            if (cancelled != null) {
                return;
            }
            cancelled = why;
        }
        killSwitch.remember(why);
        killSwitch.callCancelled();
        thread.interrupt();
    }

    /** Why the call was cancelled, or null while it runs on. */
    public Trip cancelled() {
        return cancelled;
    }

    /** The error its guest code gets. */
    public CallCancelledError error() {
        return new CallCancelledError(killSwitch.app(), route, cancelled);
    }

    public KillSwitch killSwitch() {
        return killSwitch;
    }

    public String route() {
        return route;
    }

    /** The app this call runs in. */
    public String app() {
        return killSwitch.app();
    }

    /** The call this one was made from (an app calling another), on this thread or the one that handed it over, or null. */
    public RunningCall outer() {
        return outer;
    }

    String deadlineSource() {
        return deadlineSource;
    }

    public Thread thread() {
        return thread;
    }

    long startNanos() {
        return startNanos;
    }

    long deadlineNanos() {
        return deadlineNanos;
    }

    long timeoutMs() {
        return timeoutMs;
    }

    long cpuLimitNanos() {
        return cpuLimitNanos;
    }

    long allocLimitBytes() {
        return allocLimitBytes;
    }
}
