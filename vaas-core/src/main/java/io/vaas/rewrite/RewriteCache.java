package io.vaas.rewrite;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rewritten class files by key (content hash plus rules version): in memory, least recently used first out past a
 * byte budget, and optionally in a folder so a restarted host skips the pass too. An empty entry means "the class
 * needed no change".
 */
public final class RewriteCache {

    private static final Logger LOG = LoggerFactory.getLogger(RewriteCache.class);

    /** The default in-memory budget: 64 MiB. */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;

    private final long maxBytes;
    private final Path folder;
    private final LinkedHashMap<String, byte[]> memory = new LinkedHashMap<>(256, 0.75f, true);
    private long bytes;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    private RewriteCache(long maxBytes, Path folder) {
        this.maxBytes = maxBytes;
        this.folder = folder;
    }

    /** A cache in memory only. */
    public static RewriteCache inMemory(long maxBytes) {
        return new RewriteCache(maxBytes, null);
    }

    /**
     * A cache in memory, backed by {@code folder} (created if needed) across restarts.
     *
     * @throws IOException if the folder cannot be created
     */
    public static RewriteCache persistent(long maxBytes, Path folder) throws IOException {
        Files.createDirectories(folder);
        return new RewriteCache(maxBytes, folder.toAbsolutePath());
    }

    /** The bytes stored under {@code key}, or null. */
    public byte[] get(String key) {
        synchronized (memory) {
            byte[] b = memory.get(key);
            if (b != null) {
                hits.incrementAndGet();
                return b;
            }
        }
        if (folder != null) {
            try {
                byte[] b = Files.readAllBytes(file(key));
                remember(key, b);
                hits.incrementAndGet();
                return b;
            } catch (NoSuchFileException absent) {
                // A miss.
            } catch (IOException e) {
                LOG.warn("rewrite cache: cannot read {}: {}", file(key), e.toString());
            }
        }
        misses.incrementAndGet();
        return null;
    }

    /** Stores {@code value} under {@code key}. */
    public void put(String key, byte[] value) {
        remember(key, value);
        if (folder != null) {
            Path target = file(key);
            try {
                Files.createDirectories(target.getParent());
                Path tmp = Files.createTempFile(target.getParent(), "rw", ".tmp");
                Files.write(tmp, value);
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                LOG.warn("rewrite cache: cannot write {}: {}", target, e.toString());
            }
        }
    }

    private void remember(String key, byte[] value) {
        synchronized (memory) {
            byte[] old = memory.put(key, value);
            bytes += value.length - (old == null ? 0 : old.length);
            var it = memory.entrySet().iterator();
            while (bytes > maxBytes && it.hasNext()) {
                Map.Entry<String, byte[]> eldest = it.next();
                bytes -= eldest.getValue().length;
                it.remove();
            }
        }
    }

    private Path file(String key) {
        return folder.resolve(key.substring(0, 2)).resolve(key.substring(2) + ".class");
    }

    /** How many lookups found an entry. */
    public long hits() {
        return hits.get();
    }

    /** How many lookups found none. */
    public long misses() {
        return misses.get();
    }

    /** Empties the in-memory part (the folder stays). */
    public void clearMemory() {
        synchronized (memory) {
            memory.clear();
            bytes = 0;
        }
    }
}
