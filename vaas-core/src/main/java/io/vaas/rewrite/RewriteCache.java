package io.vaas.rewrite;

import io.vaas.policy.Violation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rewritten class files by their original bytes and the rules version: in memory (least recently used out past a
 * byte budget), and optionally in a folder, keyed by SHA-256, so a restarted host skips the pass too. An entry
 * holds the rewritten bytes (empty: "no change") and the policy violations found in the class.
 *
 * <p>In memory the original bytes are kept and compared in full, so a hit costs a hash of the bytes and one
 * comparison; the SHA-256 is computed only when the folder is consulted.
 */
public final class RewriteCache {

    private static final Logger LOG = LoggerFactory.getLogger(RewriteCache.class);

    /** The default in-memory budget: 64 MiB. */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;

    /** An original class file under one rules version; equal when both are. */
    private record Key(String rulesVersion, byte[] original, int hash) {
        static Key of(String rulesVersion, byte[] original) {
            return new Key(rulesVersion, original, 31 * rulesVersion.hashCode() + Arrays.hashCode(original));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && hash == k.hash && rulesVersion.equals(k.rulesVersion)
                    && Arrays.equals(original, k.original);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private final long maxBytes;
    private final Path folder;
    private final LinkedHashMap<Key, Rewritten> memory = new LinkedHashMap<>(256, 0.75f, true);
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

    /** The result kept in memory for {@code original}, or null. Does not count as a hit or miss. */
    Rewritten inMemory(String rulesVersion, byte[] original) {
        synchronized (memory) {
            Rewritten b = memory.get(Key.of(rulesVersion, original));
            if (b != null) {
                hits.incrementAndGet();
            }
            return b;
        }
    }

    /** The result kept in the folder for {@code original} (then also kept in memory), or null; counts a miss. */
    Rewritten onDisk(String rulesVersion, byte[] original) {
        if (folder != null) {
            Path file = file(rulesVersion, original);
            try {
                byte[] b = Files.readAllBytes(file);
                Path notes = violationsFile(file);
                List<Violation> violations = Files.exists(notes) ? readViolations(Files.readAllLines(notes)) : List.of();
                Rewritten r = new Rewritten(b, violations);
                remember(rulesVersion, original, r);
                hits.incrementAndGet();
                return r;
            } catch (NoSuchFileException absent) {
                // A miss.
            } catch (IOException e) {
                LOG.warn("rewrite cache: cannot read {}: {}", file, e.toString());
            }
        }
        misses.incrementAndGet();
        return null;
    }

    /** Keeps {@code result} for {@code original}, in memory and in the folder. */
    void put(String rulesVersion, byte[] original, Rewritten result) {
        remember(rulesVersion, original, result);
        if (folder != null) {
            Path target = file(rulesVersion, original);
            try {
                // Violations first: a class file on disk is only trusted with its notes beside it.
                if (!result.violations().isEmpty()) {
                    write(violationsFile(target), String.join("\n", writeViolations(result.violations()))
                            .getBytes(StandardCharsets.UTF_8));
                }
                write(target, result.bytes());
            } catch (IOException e) {
                LOG.warn("rewrite cache: cannot write {}: {}", target, e.toString());
            }
        }
    }

    private static void write(Path target, byte[] content) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), "rw", ".tmp");
        Files.write(tmp, content);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static Path violationsFile(Path classFile) {
        return classFile.resolveSibling(classFile.getFileName().toString().replace(".class", ".violations"));
    }

    private static List<String> writeViolations(List<Violation> violations) {
        List<String> lines = new ArrayList<>();
        for (Violation v : violations) {
            lines.add(String.join("\t", v.className(), v.method(), Integer.toString(v.line()), v.api(),
                    String.join(",", v.allowedBy())));
        }
        return lines;
    }

    private static List<Violation> readViolations(List<String> lines) {
        List<Violation> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split("\t", -1);
            if (f.length == 5) {
                out.add(new Violation(f[0], f[1], Integer.parseInt(f[2]), f[3],
                        f[4].isEmpty() ? List.of() : List.of(f[4].split(","))));
            }
        }
        return out;
    }

    private void remember(String rulesVersion, byte[] original, Rewritten result) {
        long size = (long) original.length + result.bytes().length;
        if (size > maxBytes) {
            return;
        }
        synchronized (memory) {
            Rewritten old = memory.put(Key.of(rulesVersion, original), result);
            bytes += size - (old == null ? 0 : original.length + old.bytes().length);
            var it = memory.entrySet().iterator();
            while (bytes > maxBytes && it.hasNext()) {
                Map.Entry<Key, Rewritten> eldest = it.next();
                bytes -= eldest.getKey().original().length + eldest.getValue().bytes().length;
                it.remove();
            }
        }
    }

    private Path file(String rulesVersion, byte[] original) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(rulesVersion.getBytes(StandardCharsets.US_ASCII));
            md.update(original);
            String key = HexFormat.of().formatHex(md.digest());
            return folder.resolve(key.substring(0, 2)).resolve(key.substring(2) + ".class");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many lookups found an entry, in memory or in the folder. */
    public long hits() {
        return hits.get();
    }

    /** How many classes had to be rewritten because no entry was found. */
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
