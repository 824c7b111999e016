package io.vaas.run;

import io.vaas.VaasCallException;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many calls of one app run at once ({@code workers}), and how many more may wait for one to end
 * ({@code queue}); a call past both is refused at once with 503 {@code overloaded}, so a flood at one app cannot
 * tie up every caller of the host. Calls run on the caller's thread; the gate only admits them. Admission costs one
 * atomic operation while a permit is free.
 */
final class CallGate {

    private final String app;
    private final int workers;
    private final int queue;
    private final Semaphore running;
    private final AtomicInteger waiting = new AtomicInteger();
    /** Calls running or waiting here, per calling app: no app may take more than its {@link #share}. */
    private final java.util.concurrent.ConcurrentMap<String, AtomicInteger> byCaller =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** The most calls one calling app may have running or waiting here: half of the workers and queue, at least 1. */
    private final int share;

    CallGate(String app, int workers, int queue) {
        this.app = app;
        this.workers = workers;
        this.queue = queue;
        this.running = new Semaphore(workers);
        this.share = Math.max(1, (workers + queue) / 2);
    }

    /**
     * Admits a call of app {@code caller} (null when the host calls): another app's RPC takes at most half of this
     * app's workers and queue, so that one app calling in a loop cannot lock the host's callers and the other apps out.
     *
     * @throws VaasCallException 503 {@code overloaded} naming the caller when it has its share here already; else as
     *                           {@link #enter(String, long)}
     */
    void enter(String route, long timeoutMs, String caller) {
        if (caller == null || caller.equals(app)) {
            enter(route, timeoutMs);
            return;
        }
        AtomicInteger mine = byCaller.computeIfAbsent(caller, c -> new AtomicInteger());
        if (mine.incrementAndGet() > share) {
            mine.decrementAndGet();
            throw Failures.of(app, route, 503, "overloaded", "app '" + caller + "' has " + share + " calls running "
                    + "or waiting in app '" + app + "', its share (half of the " + workers + " workers and " + queue
                    + " queue places, so that the app's other callers keep the rest); raise \"workers\" or \"queue\" "
                    + "in the vaas.json of app '" + app + "', or call it less at once");
        }
        try {
            enter(route, timeoutMs);
        } catch (RuntimeException | Error e) {
            mine.decrementAndGet();
            throw e;
        }
    }

    /** Ends a call {@link #enter(String, long, String)} admitted for {@code caller}. */
    void exit(String caller) {
        if (caller != null && !caller.equals(app)) {
            AtomicInteger mine = byCaller.get(caller);
            if (mine != null) {
                mine.decrementAndGet();
            }
        }
        exit();
    }

    /**
     * Admits a call, waiting up to {@code timeoutMs} for a turn.
     *
     * @throws VaasCallException 503 {@code overloaded} when the queue is full, 504 {@code timeout} when the turn does
     *                           not come within the call's deadline, 503 {@code interrupted} when the caller is
     *                           interrupted while it waits
     */
    void enter(String route, long timeoutMs) {
        if (running.tryAcquire()) {
            return;
        }
        if (waiting.incrementAndGet() > queue) {
            waiting.decrementAndGet();
            throw Failures.of(app, route, 503, "overloaded", "app '" + app + "' is overloaded: " + workers + " calls "
                    + "are running and " + queue + " more are waiting (raise \"workers\" or \"queue\" in vaas.json)");
        }
        try {
            if (!running.tryAcquire(timeoutMs, TimeUnit.MILLISECONDS)) {
                throw Failures.of(app, route, 504, "timeout", "app '" + app + "' route '" + route + "' waited its "
                        + "whole timeoutMs of " + timeoutMs + " ms for one of the " + workers + " calls running to end");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Failures.of(app, route, 503, "interrupted", "the call of app '" + app + "' route '" + route
                    + "' was abandoned while it waited: the calling thread was interrupted");
        } finally {
            waiting.decrementAndGet();
        }
    }

    /** Ends a call {@link #enter} admitted. */
    void exit() {
        running.release();
    }

    /** Calls running now. */
    int running() {
        return workers - running.availablePermits();
    }
}
