package io.vaas.virtual;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/** An app's shutdown hooks: registered through {@code Runtime.addShutdownHook}, run when the app unloads. */
final class ShutdownHooks {

    private static final Logger LOG = LoggerFactory.getLogger(ShutdownHooks.class);

    private final AppContext context;
    private final Set<Thread> hooks = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean ran;

    ShutdownHooks(AppContext context) {
        this.context = context;
    }

    synchronized void add(Thread hook) {
        if (ran) {
            throw new IllegalStateException("app '" + context.app() + "' is unloading");
        }
        if (hook.getState() != Thread.State.NEW) {
            throw new IllegalArgumentException("Hook already running");
        }
        if (!hooks.add(hook)) {
            throw new IllegalArgumentException("Hook previously registered");
        }
    }

    synchronized boolean remove(Thread hook) {
        if (ran) {
            throw new IllegalStateException("app '" + context.app() + "' is unloading");
        }
        return hooks.remove(hook);
    }

    /** Starts every hook and waits for them, together, up to {@code millis}. */
    void runAll(long millis) {
        List<Thread> toRun;
        synchronized (this) {
            if (ran) {
                return;
            }
            ran = true;
            toRun = new ArrayList<>(hooks);
        }
        for (Thread hook : toRun) {
            context.threads().adopt(hook);
            hook.start();
        }
        long deadline = System.nanoTime() + millis * 1_000_000;
        for (Thread hook : toRun) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            try {
                if (left > 0) {
                    hook.join(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (hook.isAlive()) {
                LOG.warn("app '{}': shutdown hook {} still running after {} ms; not waiting for it",
                        context.app(), hook.getName(), millis);
            }
        }
    }
}
