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
    private static final MethodHandle CHECK_HANDLER;
    /**
     * How many exception handlers a stopped thread may still enter before their guards throw too: enough for the
     * catch and finally blocks of the frames it unwinds to run (releasing locks, answering an error), few enough
     * that a loop through a handler ends within microseconds.
     */
    static final int HANDLER_GRACE = 64;
    /** Per thread: the stop the handler entries are counted for, and how many there were. */
    private static final ThreadLocal<Object[]> HANDLER_ENTRIES = ThreadLocal.withInitial(() -> new Object[2]);

    static {
        try {
            CHECK = MethodHandles.lookup().findVirtual(KillSwitch.class, "check", MethodType.methodType(void.class));
            CHECK_HANDLER = MethodHandles.lookup().findVirtual(KillSwitch.class, "checkHandler",
                    MethodType.methodType(void.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String app;
    private final MutableCallSite site = new MutableCallSite(NO_OP);
    private final MutableCallSite handlerSite = new MutableCallSite(NO_OP);
    private final MethodHandle checking = CHECK.bindTo(this);
    private final MethodHandle checkingHandler = CHECK_HANDLER.bindTo(this);
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

    /** The call site the guards at the app's exception-handler entries are bound to. */
    public MutableCallSite handlerSite() {
        return handlerSite;
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
            handlerSite.setTarget(checkingHandler);
            MutableCallSite.syncAll(new MutableCallSite[] {site, handlerSite});
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
            handlerSite.setTarget(NO_OP);
            MutableCallSite.syncAll(new MutableCallSite[] {site, handlerSite});
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

    /**
     * The target of handler guards while tripped: as {@link #check()}, but a stopped thread first enters up to
     * {@link #HANDLER_GRACE} handlers freely (counted per stop), so the catch and finally blocks of what it unwinds
     * still run once; a loop through a handler (crafted code jumping back into its try block, a handler covering
     * itself) is stopped after that. Public for the runtime support's fallback guard only.
     */
    public void checkHandler() {
        Object stop = stopFor(Thread.currentThread());
        if (stop == null) {
            return;
        }
        Object[] entries = HANDLER_ENTRIES.get();
        if (entries[0] != stop) {
            entries[0] = stop;
            entries[1] = 0;
        }
        int n = (Integer) entries[1] + 1;
        entries[1] = n;
        if (n > HANDLER_GRACE) {
            check();
        }
    }

    /** What would stop this thread at a guard now (the unload, its cancelled call, the app's), or null. */
    private Object stopFor(Thread thread) {
        Trip stop = stopping;
        if (stop != null) {
            return stop;
        }
        RunningCall call = RunningCall.current();
        if (call != null) {
            return call.cancelled() != null && call.killSwitch() == this ? call : null;
        }
        boolean helping = (cancelledCalls.get() > 0 || System.nanoTime() - lastCancelEndedNanos <= GRACE_NANOS)
                && lastCancel != null && !ownThread.test(thread);
        return helping ? lastCancel : null;
    }

    void remember(Trip trip) {
        lastCancel = trip;
    }
}
