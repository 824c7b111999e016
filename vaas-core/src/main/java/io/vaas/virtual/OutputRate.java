package io.vaas.virtual;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One app's output allowance: lines of standard output, standard error and {@code java.util.logging} records, and
 * their bytes, per second ({@code limits.maxOutputLinesPerSec}, {@code limits.maxOutputKbPerSec}), with bursts of up
 * to a second's worth. What is over is dropped at once and counted (deciding costs a few arithmetic operations under
 * the app's own lock, so a flooding app never slows the host's log); a summary line goes to the container's log at
 * most once a second while lines are dropped, and when the app is unloaded.
 */
public final class OutputRate {

    private static final Logger LOG = LoggerFactory.getLogger(OutputRate.class);
    private static final long SECOND = 1_000_000_000L;

    private final String app;
    private long linesPerSec;
    private long bytesPerSec;
    private double lineTokens;
    private double byteTokens;
    private long refilledAt = System.nanoTime();
    private long dropped;
    private long droppedBytes;
    private long droppedTotal;
    private long droppedSince;
    private long reportedAt;

    OutputRate(String app) {
        this.app = app;
    }

    /** Sets the rates; 0 for no limit. */
    synchronized void limits(long lines, long bytes) {
        this.linesPerSec = lines;
        this.bytesPerSec = bytes;
        this.lineTokens = lines;
        this.byteTokens = bytes;
    }

    /** Whether a line of {@code bytes} bytes may go out now; if not, it is counted as dropped. */
    synchronized boolean admit(long bytes) {
        long now = System.nanoTime();
        if (linesPerSec > 0 || bytesPerSec > 0) {
            double seconds = (now - refilledAt) / (double) SECOND;
            refilledAt = now;
            lineTokens = Math.min(linesPerSec, lineTokens + seconds * linesPerSec);
            byteTokens = Math.min(bytesPerSec, byteTokens + seconds * bytesPerSec);
        }
        boolean ok = (linesPerSec <= 0 || lineTokens >= 1) && (bytesPerSec <= 0 || byteTokens >= Math.min(bytes,
                bytesPerSec));
        if (ok) {
            lineTokens -= 1;
            byteTokens -= bytes;
        } else {
            if (dropped == 0) {
                droppedSince = now;
            }
            dropped++;
            droppedBytes += bytes;
            droppedTotal++;
        }
        if (dropped > 0 && now - reportedAt >= SECOND) {
            report(now);
        }
        return ok;
    }

    /** Logs what was dropped and not yet reported (at unload). */
    synchronized void flush() {
        if (dropped > 0) {
            report(System.nanoTime());
        }
    }

    /** Lines dropped since the app was loaded. */
    public synchronized long dropped() {
        return droppedTotal;
    }

    private void report(long now) {
        MDC.put("app", app);
        try {
            LOG.warn("app '{}' wrote more output than its limits allow: {} line(s) ({} KiB) dropped in the last {} ms "
                    + "(limits.maxOutputLinesPerSec {}, limits.maxOutputKbPerSec {}; {} dropped since it was loaded)",
                    app, dropped, droppedBytes / 1024, Math.max(1, (now - droppedSince) / 1_000_000),
                    linesPerSec == 0 ? "none" : linesPerSec, bytesPerSec == 0 ? "none" : bytesPerSec / 1024,
                    droppedTotal);
        } finally {
            MDC.remove("app");
        }
        dropped = 0;
        droppedBytes = 0;
        reportedAt = now;
    }
}
