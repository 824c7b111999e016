package io.vaas.files;

import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Where an app's files live, as the host describes it: the folder that is the app's {@code "/"}, whether the app may
 * only read it, and how many bytes it may store in it. Immutable; each setting returns a changed copy.
 *
 * <pre>{@code
 * AppFiles.folder(Path.of("/srv/vaas/orders")).quotaBytes(50_000_000)
 * AppFiles.folder(Jimfs.newFileSystem().getPath("/orders")).readOnly()
 * }</pre>
 *
 * <p>The folder may be on any {@link java.nio.file.FileSystem}. It is created, with its parents, when the app first
 * uses its files, and resolved to its real path then: the host may point it through a symbolic link, the app may
 * not follow any.
 */
public final class AppFiles {

    private static final long NO_QUOTA = -1;

    private final Path root;
    private final boolean readOnly;
    private final long quotaBytes;

    private AppFiles(Path root, boolean readOnly, long quotaBytes) {
        this.root = root;
        this.readOnly = readOnly;
        this.quotaBytes = quotaBytes;
    }

    /**
     * The app's {@code "/"} is {@code root}, a folder on any file system, writable and without quota.
     * A relative {@code root} is taken against its file system's working directory now, not when the app runs.
     */
    public static AppFiles folder(Path root) {
        return new AppFiles(Objects.requireNonNull(root, "root").toAbsolutePath(), false, NO_QUOTA);
    }

    /** This folder, but the app may only read it: every write fails with an {@link java.io.IOException}. */
    public AppFiles readOnly() {
        return new AppFiles(root, true, quotaBytes);
    }

    /**
     * This folder, but the app's own writes may bring what is stored under it to at most {@code max} bytes (the sum
     * of its regular files' sizes, counted once when the app first writes; files the host adds later are not seen).
     *
     * @throws IllegalArgumentException if {@code max} is not positive
     */
    public AppFiles quotaBytes(long max) {
        if (max <= 0) {
            throw new IllegalArgumentException(
                    "AppFiles.quotaBytes must be more than 0 bytes, was " + max + "; leave it unset for no quota");
        }
        return new AppFiles(root, readOnly, max);
    }

    /** The folder that is the app's {@code "/"}, absolute, on its own file system. */
    public Path root() {
        return root;
    }

    /** Whether the app may only read its files. */
    public boolean isReadOnly() {
        return readOnly;
    }

    /** The most bytes the app may store, or empty for no quota. */
    public OptionalLong quotaBytes() {
        return quotaBytes == NO_QUOTA ? OptionalLong.empty() : OptionalLong.of(quotaBytes);
    }

    /** Equal when root, read-only and quota are. */
    @Override
    public boolean equals(Object o) {
        return o instanceof AppFiles other && root.equals(other.root) && readOnly == other.readOnly
                && quotaBytes == other.quotaBytes;
    }

    /** Consistent with {@link #equals}. */
    @Override
    public int hashCode() {
        return Objects.hash(root, readOnly, quotaBytes);
    }

    /** For the host's logs: the root's host path and the settings. */
    @Override
    public String toString() {
        return "AppFiles[" + root + (readOnly ? ", read-only" : "")
                + (quotaBytes == NO_QUOTA ? "" : ", quota " + quotaBytes + " bytes") + "]";
    }
}
