package io.vaas.guard;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * One app's kill switch: the call site every guard in its rewritten code is bound to. Its target is a no-op while
 * nothing of the app is cancelled, which the JIT compiles to nothing; tripping it points the target at
 * {@link #check()} and HotSpot deoptimizes the code that inlined the no-op, so a running {@code while (true) {}}
 * reaches a check within about a millisecond.
 *
 * <p>The check decides per thread: a thread running a cancelled call throws {@link CallCancelledError}; a thread
 * running another call of the app goes on; a thread that runs the app's code for no call of its own (a shared pool
 * running a parallel stream's lambdas) throws while a call of the app is cancelled, or for a short grace period
 * after, so helpers of a cancelled call stop with it. When the app is stopping, every thread throws.
 */
public final class KillSwitch {

    /** How long after its last cancelled call ended the switch stays tripped for helper threads. */
    private static final long GRACE_NANOS = 2_000_000_000L;

    private static final MethodHandle NO_OP = MethodHandles.empty(MethodType.methodType(void.class));
    private static final MethodHandle CHECK;

    static {
        try {
            CHECK = MethodHandles.lookup().findVirtual(KillSwitch.class, "check", MethodType.methodType(void.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String app;
    private final MutableCallSite site = new MutableCallSite(NO_OP);
    private final MethodHandle checking = CHECK.bindTo(this);
    private final AtomicInteger cancelledCalls = new AtomicInteger();
    private final Predicate<Thread> ownThread;
    private volatile Trip stopping;
    private volatile long lastCancelEndedNanos = System.nanoTime() - 2 * GRACE_NANOS;
    private volatile Trip lastCancel;
    private volatile boolean tripped;
    private final AllocationAccount allocation;

    /**
     * @param app       the app's name
     * @param ownThread whether a thread is one the app started (such threads belong to the app, not to a call)
     */
    public KillSwitch(String app, Predicate<Thread> ownThread) {
        this.app = app;
        this.ownThread = ownThread;
        this.allocation = new AllocationAccount(app);
    }

    /** What the app has allocated, as the watchdog and the heap governor count it. */
    public AllocationAccount allocation() {
        return allocation;
    }

    public String app() {
        return app;
    }

    /** The call site the app's guards are bound to ({@code invokedynamic} bootstraps return it). */
    public MutableCallSite site() {
        return site;
    }

    /** Whether the switch is tripped: the app's guards run {@link #check()}. */
    public boolean tripped() {
        return tripped;
    }

    /** Stops every thread of the app at its next check, for good: the app is being unloaded. */
    public void stopApp(String why) {
        stopping = Trip.stopped(why);
        trip();
    }

    /** Whether {@link #stopApp} was called. */
    public boolean stopping() {
        return stopping != null;
    }

    void callCancelled() {
        cancelledCalls.incrementAndGet();
        trip();
    }

    void cancelledCallEnded() {
        lastCancelEndedNanos = System.nanoTime();
        cancelledCalls.decrementAndGet();
    }

    private synchronized void trip() {
        if (!tripped) {
            tripped = true;
            site.setTarget(checking);
            MutableCallSite.syncAll(new MutableCallSite[] {site});
        }
    }

    /**
     * Points the guards back at the no-op once nothing is cancelled and the grace period is over; the watchdog
     * calls this as it samples.
     */
    synchronized void resetIfQuiet() {
        if (tripped && stopping == null && cancelledCalls.get() == 0
                && System.nanoTime() - lastCancelEndedNanos > GRACE_NANOS) {
            tripped = false;
            site.setTarget(NO_OP);
            MutableCallSite.syncAll(new MutableCallSite[] {site});
        }
    }

    /** The guard's target while tripped. Public for the runtime support's fallback guard only. */
    public void check() {
        Trip stop = stopping;
        if (stop != null) {
            throw new CallCancelledError(app, null, stop);
        }
        RunningCall call = RunningCall.current();
        if (call != null) {
            if (call.cancelled() != null && call.killSwitch() == this) {
                throw call.error();
            }
            return;
        }
        // A thread with no call of its own: the app's own threads go on; a shared pool's stops with the app's
        // cancelled calls.
        if ((cancelledCalls.get() > 0 || System.nanoTime() - lastCancelEndedNanos <= GRACE_NANOS)
                && lastCancel != null && !ownThread.test(Thread.currentThread())) {
            throw new CallCancelledError(app, null, lastCancel);
        }
    }

    void remember(Trip trip) {
        lastCancel = trip;
    }
}
