package io.vaas.files;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotLinkException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * The provider of one app's {@link RootedFileSystem}: {@link Files} calls on the app's paths land here. Each maps
 * the app's path to the host's ({@link RootMapping}, which refuses symbolic links), refuses writes to a read-only
 * root, charges the quota, and passes the call to the host path's own provider, never following a link. What comes
 * back names the app's paths only: directory entries, real paths and exception messages alike.
 *
 * <p>One instance per app, so that mixing two apps' paths fails as mixing providers does
 * ({@link ProviderMismatchException}). Not registered with {@link FileSystemProvider#installedProviders()}.
 */
public final class RootedFileSystemProvider extends FileSystemProvider {

    /** The scheme of {@link #getScheme()}. */
    static final String SCHEME = "vaas-file";

    private static final LinkOption[] NO_FOLLOW = {LinkOption.NOFOLLOW_LINKS};

    /** A call on the host's file system. */
    private interface HostCall<T> {
        T call() throws IOException;
    }

    private final RootedFileSystem fs;
    private final RootMapping mapping;
    private final Refusals refusals;

    RootedFileSystemProvider(RootedFileSystem fs, RootMapping mapping, Refusals refusals) {
        this.fs = fs;
        this.mapping = mapping;
        this.refusals = refusals;
    }

    /** {@code "vaas-file"}. */
    @Override
    public String getScheme() {
        return SCHEME;
    }

    /** Refused: an app has one file system, its own. */
    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
        throw refusals.otherFileSystems(uri);
    }

    /** Refused: an app has one file system, its own; {@link Path#getFileSystem()} gives it. */
    @Override
    public FileSystem getFileSystem(URI uri) {
        throw refusals.otherFileSystems(uri);
    }

    /**
     * The app's path of a {@code file:} or {@code vaas-file:} URI with an absolute path and no host, such as
     * {@link RootedPath#toUri()} makes.
     *
     * @throws UnsupportedOperationException for other schemes
     * @throws IllegalArgumentException      for a URI of these schemes that names no path of the app's
     */
    @Override
    public RootedPath getPath(URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("file") || scheme.equalsIgnoreCase(SCHEME))) {
            throw refusals.otherFileSystems(uri);
        }
        String path = uri.getPath();
        boolean hasHost = uri.getAuthority() != null && !uri.getAuthority().isEmpty();
        if (uri.isOpaque() || path == null || !path.startsWith("/") || hasHost || uri.getQuery() != null
                || uri.getFragment() != null) {
            throw refusals.notAFileUri(uri);
        }
        return fs.getPath(path);
    }

    /**
     * Opens a channel on the host's file, never through a link. With a quota, a channel opened for writing
     * charges the growth of the file before each write.
     */
    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        RootedPath rooted = own(path);
        Path real = openable(rooted, options);
        long truncated = truncatedBytes(rooted, real, options);
        SeekableByteChannel channel = host(rooted, null, () -> Files.newByteChannel(real, noFollow(options), attrs));
        if (!charged(options)) {
            return channel;
        }
        fs.quota().credit(truncated);
        return new QuotaByteChannel(channel, fs.quota(), rooted, options.contains(StandardOpenOption.APPEND));
    }

    /** As {@link #newByteChannel}, for {@link FileChannel#open}. */
    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        RootedPath rooted = own(path);
        Path real = openable(rooted, options);
        long truncated = truncatedBytes(rooted, real, options);
        FileChannel channel = host(rooted, null, () -> FileChannel.open(real, noFollow(options), attrs));
        if (!charged(options)) {
            return channel;
        }
        fs.quota().credit(truncated);
        return new QuotaFileChannel(channel, fs.quota(), refusals, rooted, options.contains(StandardOpenOption.APPEND));
    }

    /**
     * As {@link #newByteChannel}, for {@link AsynchronousFileChannel#open}, if the host's file system has such
     * channels. Refused for writing while the app has a quota: its writes could not be charged in order.
     */
    @Override
    public AsynchronousFileChannel newAsynchronousFileChannel(Path path, Set<? extends OpenOption> options,
                                                              ExecutorService executor, FileAttribute<?>... attrs)
            throws IOException {
        RootedPath rooted = own(path);
        Path real = openable(rooted, options);
        if (charged(options)) {
            throw refusals.asynchronousWrite(rooted);
        }
        return host(rooted, null, () -> real.getFileSystem().provider()
                .newAsynchronousFileChannel(real, noFollow(options), executor, attrs));
    }

    /** Lists the host folder; entries and what {@code filter} sees are the app's paths under {@code dir}. */
    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        RootedPath rooted = own(dir);
        Path real = mapping.toReal(rooted);
        DirectoryStream<Path> listing = host(rooted, null, () -> Files.newDirectoryStream(real));
        return new RootedDirectoryStream(listing, rooted, filter, mapping.errors());
    }

    /** Creates the host folder, unless the root is read-only. */
    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        RootedPath rooted = own(dir);
        guardWrite(rooted);
        Path real = mapping.toReal(rooted);
        host(rooted, null, () -> Files.createDirectory(real, attrs));
    }

    /** Always refused: a link could lead out of the root. */
    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
        throw refusals.makeLink(own(link));
    }

    /** Always refused: a hard link would let one file count once against the quota and change in two places. */
    @Override
    public void createLink(Path link, Path existing) throws IOException {
        throw refusals.makeLink(own(link));
    }

    /** Deletes the host file, unless the root is read-only or it is the root; gives its bytes back to the quota. */
    @Override
    public void delete(Path path) throws IOException {
        RootedPath rooted = own(path);
        guardWrite(rooted);
        guardRoot(rooted);
        Path real = mapping.toReal(rooted);
        FileQuota quota = fs.quota();
        if (quota != null) {
            quota.prepare();
        }
        long size = quota == null ? 0 : regularFileSize(rooted, real);
        host(rooted, null, () -> {
            Files.delete(real);
            return null;
        });
        if (quota != null) {
            quota.credit(size);
        }
    }

    /**
     * Copies within the app's root, never through a link; the copy is charged to the quota (less what it
     * replaces) before it is made.
     *
     * @throws ProviderMismatchException if {@code target} is not a path of this app
     */
    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        RootedPath from = own(source);
        RootedPath to = own(target);
        guardWrite(to);
        guardRoot(to);
        Path realFrom = mapping.toReal(from);
        Path realTo = mapping.toReal(to);
        CopyOption[] copyOptions = noFollow(options);
        HostCall<Path> copy = () -> Files.copy(realFrom, realTo, copyOptions);
        FileQuota quota = fs.quota();
        if (quota == null || realFrom.equals(realTo)) {
            host(from, to, copy);
            return;
        }
        quota.prepare();
        long replaced = Arrays.asList(options).contains(StandardCopyOption.REPLACE_EXISTING)
                ? regularFileSize(to, realTo) : 0;
        long growth = regularFileSize(from, realFrom) - replaced;
        quota.charge(to, growth);
        try {
            host(from, to, copy);
        } catch (IOException | RuntimeException e) {
            quota.credit(growth);
            throw e;
        }
        quota.credit(-growth);
    }

    /**
     * Moves within the app's root, unless the root is read-only; the root itself stays put.
     *
     * @throws ProviderMismatchException if {@code target} is not a path of this app
     */
    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        RootedPath from = own(source);
        RootedPath to = own(target);
        guardWrite(from);
        guardRoot(from);
        guardRoot(to);
        Path realFrom = mapping.toReal(from);
        Path realTo = mapping.toReal(to);
        FileQuota quota = fs.quota();
        long replaced = 0;
        if (quota != null) {
            quota.prepare();
            if (!realFrom.equals(realTo) && Arrays.asList(options).contains(StandardCopyOption.REPLACE_EXISTING)) {
                replaced = regularFileSize(to, realTo);
            }
        }
        host(from, to, () -> Files.move(realFrom, realTo, options));
        if (quota != null) {
            quota.credit(replaced);
        }
    }

    /** Whether both are the same file of this app; false for a path of another provider. */
    @Override
    public boolean isSameFile(Path path, Path path2) throws IOException {
        RootedPath rooted = own(path);
        if (!(path2 instanceof RootedPath other) || other.getFileSystem() != fs) {
            return false;
        }
        if (rooted.equals(other)) {
            return true;
        }
        Path real = mapping.toReal(rooted);
        Path real2 = mapping.toReal(other);
        return host(rooted, other, () -> Files.isSameFile(real, real2));
    }

    /** As the host's file system says of the file. */
    @Override
    public boolean isHidden(Path path) throws IOException {
        RootedPath rooted = own(path);
        Path real = mapping.toReal(rooted);
        return host(rooted, null, () -> Files.isHidden(real));
    }

    /** The host's store of the file, read-only if the root is, sized by the quota if there is one. */
    @Override
    public FileStore getFileStore(Path path) throws IOException {
        RootedPath rooted = own(path);
        Path real = mapping.toReal(rooted);
        return new RootedFileStore(host(rooted, null, () -> Files.getFileStore(real)), fs);
    }

    /** As the host's file system answers for the file; {@link AccessMode#WRITE} fails on a read-only root. */
    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        RootedPath rooted = own(path);
        if (Arrays.asList(modes).contains(AccessMode.WRITE)) {
            guardWrite(rooted);
        }
        Path real = mapping.toReal(rooted);
        host(rooted, null, () -> {
            real.getFileSystem().provider().checkAccess(real, modes);
            return null;
        });
    }

    /**
     * A view of the file's attributes, or null if the host's file system has none of {@code type}. Each use of the
     * view checks the path again; changes through it fail on a read-only root.
     */
    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        return GuardedAttributeView.of(this, own(path), type, fs.files() == null ? null : fs.files().root());
    }

    /** The file's own attributes: links are never followed. */
    @Override
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        RootedPath rooted = own(path);
        Path real = mapping.toReal(rooted);
        return host(rooted, null, () -> Files.readAttributes(real, type, NO_FOLLOW));
    }

    /** The file's own attributes by name, e.g. {@code "posix:permissions,size"}: links are never followed. */
    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
            throws IOException {
        RootedPath rooted = own(path);
        Path real = mapping.toReal(rooted);
        return host(rooted, null, () -> Files.readAttributes(real, attributes, NO_FOLLOW));
    }

    /** Sets an attribute of the file itself, unless the root is read-only. */
    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        RootedPath rooted = own(path);
        guardWrite(rooted);
        Path real = mapping.toReal(rooted);
        host(rooted, null, () -> Files.setAttribute(real, attribute, value, NO_FOLLOW));
    }

    /**
     * Never answers: an app's root has no link to read.
     *
     * @throws java.nio.file.AccessDeniedException if {@code link} is one (placed by the host)
     * @throws NotLinkException                   if it is an ordinary file or folder
     */
    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        RootedPath rooted = own(link);
        Path real = mapping.toReal(rooted);
        host(rooted, null, () -> Files.readAttributes(real, BasicFileAttributes.class, NO_FOLLOW));
        throw new NotLinkException(rooted.toString());
    }

    /** {@link RootedPath#toRealPath}: the existing file's absolute path as the host's file system spells it. */
    RootedPath toRealPath(RootedPath path) throws IOException {
        Path real = mapping.toReal(path);
        Path resolved = host(path, null, () -> real.toRealPath(NO_FOLLOW));
        return mapping.toVirtual(resolved, path);
    }

    /** A fresh host view for one call of a {@link GuardedAttributeView}. */
    <V extends FileAttributeView> V hostView(RootedPath path, Class<V> type, boolean changes) throws IOException {
        if (changes) {
            guardWrite(path);
        }
        return Files.getFileAttributeView(mapping.toReal(path), type, NO_FOLLOW);
    }

    /** {@code e} from the host's file system, naming the app's {@code path} instead of host paths. */
    IOException translate(IOException e, RootedPath path) {
        return mapping.errors().translate(e, path, null);
    }

    private RootedPath own(Path path) {
        if (path instanceof RootedPath rooted && rooted.getFileSystem() == fs) {
            return rooted;
        }
        throw new ProviderMismatchException("'" + path + "' is not a path in the file root of app '" + fs.app()
                + "'; make it with Path.of");
    }

    /** Only host calls are translated: the mapping's own refusals already name the app's paths. */
    private <T> T host(RootedPath path, RootedPath other, HostCall<T> call) throws IOException {
        try {
            return call.call();
        } catch (IOException e) {
            throw mapping.errors().translate(e, path, other);
        }
    }

    private void guardWrite(RootedPath path) throws IOException {
        fs.guardWrite(path);
    }

    private void guardRoot(RootedPath path) throws IOException {
        if (path.toAbsolutePath().normalize().getNameCount() == 0) {
            throw refusals.changeRoot(path);
        }
    }

    /** The host path to open, after the read-only check for options that change the file. */
    private Path openable(RootedPath path, Set<? extends OpenOption> options) throws IOException {
        if (writes(options) || options.contains(StandardOpenOption.DELETE_ON_CLOSE)) {
            guardWrite(path);
        }
        Path real = mapping.toReal(path);
        if (charged(options)) {
            fs.quota().prepare();
        }
        return real;
    }

    private static boolean writes(Set<? extends OpenOption> options) {
        return options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
    }

    private boolean charged(Set<? extends OpenOption> options) {
        return fs.quota() != null && writes(options);
    }

    /** What opening with TRUNCATE_EXISTING will give back to the quota. */
    private long truncatedBytes(RootedPath path, Path real, Set<? extends OpenOption> options) throws IOException {
        return charged(options) && options.contains(StandardOpenOption.TRUNCATE_EXISTING)
                ? regularFileSize(path, real) : 0;
    }

    /** What the file counts in the quota: its size if it is a regular file, else nothing. */
    private long regularFileSize(RootedPath path, Path real) throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class, NO_FOLLOW);
            return attributes.isRegularFile() ? attributes.size() : 0;
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw mapping.errors().translate(e, path, null);
        }
    }

    private static Set<OpenOption> noFollow(Set<? extends OpenOption> options) {
        Set<OpenOption> all = new HashSet<>(options);
        all.add(LinkOption.NOFOLLOW_LINKS);
        return all;
    }

    private static CopyOption[] noFollow(CopyOption[] options) {
        List<CopyOption> all = Arrays.asList(options);
        if (all.contains(LinkOption.NOFOLLOW_LINKS)) {
            return options;
        }
        CopyOption[] more = Arrays.copyOf(options, options.length + 1);
        more[options.length] = LinkOption.NOFOLLOW_LINKS;
        return more;
    }
}
