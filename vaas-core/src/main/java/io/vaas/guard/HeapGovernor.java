package io.vaas.guard;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Heap pressure: when the old generation is still above a share of its maximum after a collection of it (a major
 * one: what is left then is live), the app of the container that allocated most since the last such look has its
 * calls stopped and is unloaded, to be loaded again by its next call; the log says which app, why, and the figures.
 * One app is stopped per collection; the next collection looks again.
 *
 * <p>Allocation is counted per app ({@link AllocationAccount}): the threads that ran its calls (sampled by the
 * {@link Watchdog}) and the threads it started. Apps that allocated less than {@link #FLOOR_BYTES} since the last
 * look are never picked: the pressure is then not theirs.
 */
public final class HeapGovernor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HeapGovernor.class);
    /** Less than this allocated since the last look and an app is not the one to blame. */
    static final long FLOOR_BYTES = 8L << 20;

    /** The container's side: its loaded apps, and how one is stopped. */
    public interface Apps {
        /** The switches of the apps the governor may stop (each one's account is {@link KillSwitch#allocation()}). */
        List<KillSwitch> governed();

        /** Stops the app's calls with {@code why} and unloads it; its next call loads it again. */
        void evict(KillSwitch app, Trip why, String report);
    }

    private final double threshold;
    private final Watchdog watchdog;
    private final Apps apps;
    private final List<Registration> registrations = new ArrayList<>();
    private final ExecutorService decisions = new ThreadPoolExecutor(0, 1, 5, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(1), r -> {
                Thread t = Thread.ofPlatform().daemon().name("vaas-heap-governor").inheritInheritableThreadLocals(false)
                        .unstarted(r);
                t.setContextClassLoader(HeapGovernor.class.getClassLoader());
                return t;
            }, new ThreadPoolExecutor.DiscardPolicy());

    private record Registration(NotificationEmitter emitter, NotificationListener listener) {
    }

    /**
     * @param threshold the share of the old generation's maximum that must still be in use after a major collection
     *                  for the governor to act, between 0 and 1
     * @param watchdog  the container's watchdog, which counts calls' allocation
     * @param apps      the container's apps
     */
    public HeapGovernor(double threshold, Watchdog watchdog, Apps apps) {
        if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("heapGovernor threshold must be between 0 and 1, got " + threshold);
        }
        this.threshold = threshold;
        this.watchdog = watchdog;
        this.apps = apps;
        watchdog.countAllocation();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                NotificationListener listener = this::collected;
                emitter.addNotificationListener(listener, null, null);
                registrations.add(new Registration(emitter, listener));
            }
        }
    }

    private void collected(Notification n, Object handback) {
        if (!com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        var info = com.sun.management.GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        boolean major = info.getGcAction().contains("major") || info.getGcName().contains("Old")
                || info.getGcName().contains("Major") || info.getGcName().contains("MarkSweep");
        if (!major) {
            return;
        }
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() != MemoryType.HEAP || !isOld(pool.getName())) {
                continue;
            }
            MemoryUsage after = info.getGcInfo().getMemoryUsageAfterGc().get(pool.getName());
            if (after == null) {
                continue;
            }
            long max = after.getMax() > 0 ? after.getMax() : Runtime.getRuntime().maxMemory();
            if (after.getUsed() > threshold * max) {
                long used = after.getUsed();
                // Off the JVM's notification thread: deciding reads thread counters and unloads an app.
                decisions.execute(() -> decide(used, max));
            }
            return;
        }
    }

    private static boolean isOld(String pool) {
        return pool.contains("Old") || pool.contains("Tenured");
    }

    /** One decision: the app that allocated most since the last look is stopped (public for tests). */
    public void decide(long oldUsed, long oldMax) {
        try {
            watchdog.chargeAllocations();
            KillSwitch worst = null;
            long most = 0;
            for (KillSwitch s : apps.governed()) {
                AllocationAccount account = s.allocation();
                account.sampleThreads();
                long since = account.sinceLastLook();
                if (since > most) {
                    most = since;
                    worst = s;
                }
            }
            String figures = "the old generation held " + (oldUsed >> 20) + " MiB of " + (oldMax >> 20)
                    + " MiB after a major collection, over the host's heap governor threshold of "
                    + Math.round(threshold * 100) + "%";
            if (worst == null || most < FLOOR_BYTES) {
                LOG.warn("heap governor: {}; no app allocated {} MiB or more since the last look, so none is stopped",
                        figures, FLOOR_BYTES >> 20);
                return;
            }
            Trip trip = new Trip("heap_limit", "Vaas.Builder.heapGovernor", Math.round(threshold * 100)
                    + "% of the old generation", "the old generation held " + (oldUsed >> 20) + " MiB of "
                    + (oldMax >> 20) + " MiB after a major collection, and the app allocated " + (most >> 20)
                    + " MiB since the last look, more than any other app");
            apps.evict(worst, trip, "heap governor: " + figures + "; app '" + worst.app() + "' allocated " + (most >> 20)
                    + " MiB since the last look, more than any other app: its calls are stopped and it is unloaded "
                    + "(its next call loads it again)");
        } catch (RuntimeException e) {
            LOG.warn("the heap governor's decision failed; it goes on", e);
        }
    }

    @Override
    public void close() {
        for (Registration r : registrations) {
            try {
                r.emitter.removeNotificationListener(r.listener);
            } catch (javax.management.ListenerNotFoundException e) {
                // Already gone.
            }
        }
        registrations.clear();
        decisions.shutdownNow();
    }
}
