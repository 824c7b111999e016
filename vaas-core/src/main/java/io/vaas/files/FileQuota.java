package io.vaas.files;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes an app stores under its file root, against {@link AppFiles#quotaBytes}: the sum of its regular files'
 * sizes. Counted once by walking the root before the first write, then kept up to date by the app's own writes
 * (growth charged before it happens), truncations, deletions and copies.
 *
 * <p>Two channels growing the same file at once can each charge the same growth; the count then errs high, on the
 * side that keeps the host's disk safe.
 */
final class FileQuota {

    /** An operation that reads or writes through a channel. */
    interface IoCall<T> {
        T call() throws IOException;
    }

    private final long max;
    private final RootMapping mapping;
    private final Refusals refusals;
    private final AtomicLong used = new AtomicLong();
    private volatile boolean counted;

    FileQuota(long max, RootMapping mapping, Refusals refusals) {
        this.max = max;
        this.mapping = mapping;
        this.refusals = refusals;
    }

    long max() {
        return max;
    }

    /** Bytes stored now. */
    long used() throws IOException {
        prepare();
        return used.get();
    }

    /**
     * Counts what is already stored, if not done yet. Every write calls this before it changes anything, so a
     * deletion is never credited against a count that already missed the file.
     */
    void prepare() throws IOException {
        if (!counted) {
            synchronized (this) {
                if (!counted) {
                    used.addAndGet(sizeOfRegularFiles(mapping.realRoot()));
                    counted = true;
                }
            }
        }
    }

    private static long sizeOfRegularFiles(Path root) throws IOException {
        long[] sum = {0};
        // No FOLLOW_LINKS: what a link points at is not the app's to count.
        Files.walkFileTree(root, Set.of(), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile()) {
                    sum[0] += attributes.size();
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
        return sum[0];
    }

    /** Refuses if not one more byte fits. */
    void checkRoom(RootedPath path) throws IOException {
        long now = used();
        if (now >= max) {
            throw refusals.quotaExceeded(path, max, now);
        }
    }

    /** Takes {@code bytes} from the quota, or refuses taking any. */
    void charge(RootedPath path, long bytes) throws IOException {
        prepare();
        if (bytes <= 0) {
            return;
        }
        while (true) {
            long now = used.get();
            if (bytes > max - now) {
                throw refusals.quotaExceeded(path, max, now);
            }
            if (used.compareAndSet(now, now + bytes)) {
                return;
            }
        }
    }

    /** Gives {@code bytes} back. */
    void credit(long bytes) {
        if (bytes > 0) {
            used.getAndUpdate(now -> Math.max(0, now - bytes));
        }
    }

    /**
     * Runs {@code write}, which puts {@code length} bytes at {@code position} ({@code -1}: the channel's position)
     * of {@code channel}'s file, after charging what the file would grow by; then settles on what it really grew by.
     * An appending channel writes at the end whatever the position says, so it is charged at the end.
     * Callers hold the channel's lock, so the size read here is the one the write starts from.
     */
    <T> T write(RootedPath path, SeekableByteChannel channel, boolean append, long position, long length,
                IoCall<T> write) throws IOException {
        long sizeBefore = channel.size();
        long start = append ? sizeBefore : position >= 0 ? position : channel.position();
        long growth = Math.max(0, start > Long.MAX_VALUE - length ? Long.MAX_VALUE : start + length - sizeBefore);
        charge(path, growth);
        long sizeAfter = sizeBefore + growth;
        try {
            return write.call();
        } finally {
            try {
                sizeAfter = channel.size();
            } catch (IOException e) {
                // A closed channel cannot say; keeping the charge errs on the safe side.
            }
            settle(growth, Math.max(0, sizeAfter - sizeBefore));
        }
    }

    /** Shrinking {@code channel}'s file gives back what it loses. */
    void truncate(SeekableByteChannel channel, long size) throws IOException {
        long before = channel.size();
        channel.truncate(size);
        credit(before - channel.size());
    }

    private void settle(long charged, long grown) {
        if (grown < charged) {
            credit(charged - grown);
        } else if (grown > charged) {
            // It happened already; the count must say so even past the quota.
            used.addAndGet(grown - charged);
        }
    }
}
