package io.vaas.files;

import java.io.File;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One app's own file tree: a {@link FileSystem} whose {@code "/"} is the folder its {@link AppFiles} name, on
 * whatever file system that folder is. The app's paths ({@link RootedPath}) are Unix-style and taken against
 * {@code "/"}; {@code ..} at {@code "/"} stays there, and no symbolic link is ever followed, so nothing the app does
 * with them reaches past its folder. {@link Files} calls on them go to this file system's
 * {@link RootedFileSystemProvider}.
 *
 * <pre>{@code
 * RootedFileSystem fs = RootedFileSystem.open("orders", AppFiles.folder(Path.of("/srv/vaas/orders")));
 * Files.writeString(fs.getPath("/data/x.txt"), "hi");   // writes /srv/vaas/orders/data/x.txt
 * }</pre>
 *
 * <p>The app cannot close it: it lives as long as the app. The {@code real*} methods and {@link #checkWrite} are for
 * the host's runtime, which serves the app's {@code java.io} calls with them.
 */
public final class RootedFileSystem extends FileSystem {

    private final String app;
    private final AppFiles files;
    private final Refusals refusals;
    private final RootMapping mapping;
    private final FileQuota quota;
    private final RootedFileSystemProvider provider;
    private final String hostSeparator;
    /** Why this app may not write even where its root allows it (a permission it lacks); null when it may. */
    private final String writeRefusal;

    private RootedFileSystem(String app, AppFiles files) {
        this(app, files, null);
    }

    private RootedFileSystem(String app, AppFiles files, String writeRefusal) {
        this.writeRefusal = writeRefusal;
        this.app = app;
        this.files = files;
        this.refusals = new Refusals(app);
        this.mapping = new RootMapping(this, refusals);
        this.quota = files != null && files.quotaBytes().isPresent()
                ? new FileQuota(files.quotaBytes().getAsLong(), mapping, refusals) : null;
        this.provider = new RootedFileSystemProvider(this, mapping, refusals);
        this.hostSeparator = files == null ? "/" : files.root().getFileSystem().getSeparator();
    }

    /**
     * App {@code app}'s file tree in {@code files}. Touches no file: the root folder is made (if missing) and
     * resolved when the app first uses its files.
     *
     * @throws IllegalArgumentException if {@code app} is blank
     */
    public static RootedFileSystem open(String app, AppFiles files) {
        Objects.requireNonNull(files, "files");
        return new RootedFileSystem(checkName(app), files);
    }

    /**
     * App {@code app}'s file tree in {@code files}, for reading only whatever {@code files} says: how an app holding
     * {@code files:read} but not {@code files:write} sees its root.
     *
     * @param why the sentence that ends every refusal of a write, naming the way out
     */
    public static RootedFileSystem openForReading(String app, AppFiles files, String why) {
        Objects.requireNonNull(files, "files");
        return new RootedFileSystem(checkName(app), files, Objects.requireNonNull(why, "why"));
    }

    /**
     * App {@code app}'s file system when the host gave it no file root: its paths work as values ({@code
     * Path.of}, {@code resolve}, {@code toString}), and everything that reaches a file fails with an
     * {@link java.nio.file.AccessDeniedException} naming the way out ({@code AppSpec.files}).
     *
     * @throws IllegalArgumentException if {@code app} is blank
     */
    public static RootedFileSystem unrooted(String app) {
        return new RootedFileSystem(checkName(app), null);
    }

    private static String checkName(String app) {
        Objects.requireNonNull(app, "app");
        if (app.isBlank()) {
            throw new IllegalArgumentException("an app's file system needs the app's name");
        }
        return app;
    }

    /** The app this file tree belongs to. */
    public String app() {
        return app;
    }

    /** Where the app's files are, as the host set it; null for an {@link #unrooted} file system. */
    public AppFiles files() {
        return files;
    }

    /** This app's own provider. */
    @Override
    public RootedFileSystemProvider provider() {
        return provider;
    }

    /** Does nothing: the file system lives as long as the app, whatever the app's code does. */
    @Override
    public void close() {
    }

    /** Always true; see {@link #close()}. */
    @Override
    public boolean isOpen() {
        return true;
    }

    /** Whether the app cannot write: the host made its files read-only ({@link AppFiles#readOnly()}) or gave none. */
    @Override
    public boolean isReadOnly() {
        return files == null || files.isReadOnly() || writeRefusal != null;
    }

    /** {@code "/"}, whatever the host's file system uses. */
    @Override
    public String getSeparator() {
        return "/";
    }

    /** Just {@code "/"}. */
    @Override
    public Iterable<Path> getRootDirectories() {
        return List.of(RootedPath.root(this));
    }

    /** The store the root is on, as {@link Files#getFileStore} gives it; none if the root cannot be reached. */
    @Override
    public Iterable<FileStore> getFileStores() {
        try {
            return List.of(provider.getFileStore(RootedPath.root(this)));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The host file system's views; just {@code "basic"} without a root. */
    @Override
    public Set<String> supportedFileAttributeViews() {
        return files == null ? Set.of("basic") : files.root().getFileSystem().supportedFileAttributeViews();
    }

    /**
     * The app's path for {@code first} and {@code more} joined with {@code "/"}, e.g. {@code getPath("/data",
     * "x.txt")}. Purely lexical: the file need not exist.
     *
     * @throws InvalidPathException if a name holds NUL or the host file system's separator
     */
    @Override
    public RootedPath getPath(String first, String... more) {
        StringBuilder text = new StringBuilder(first);
        for (String part : more) {
            if (!part.isEmpty()) {
                if (!text.isEmpty()) {
                    text.append('/');
                }
                text.append(part);
            }
        }
        String path = text.toString();
        int nul = path.indexOf('\0');
        if (nul >= 0) {
            throw new InvalidPathException(path, refusals.invalidName("NUL"), nul);
        }
        // On a host whose separator is not "/", a name holding it would be two names there.
        int separator = hostSeparator.equals("/") ? -1 : path.indexOf(hostSeparator);
        if (separator >= 0) {
            throw new InvalidPathException(path, refusals.invalidName("'" + hostSeparator + "'"), separator);
        }
        return RootedPath.parse(this, path);
    }

    /**
     * A matcher of the app's path text, for {@code "glob:pattern"} or {@code "regex:pattern"}, with the meanings
     * {@link FileSystem#getPathMatcher} documents and {@code "/"} as the separator.
     */
    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        int colon = syntaxAndPattern.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("'" + syntaxAndPattern + "' is not syntax:pattern, e.g. glob:*.txt");
        }
        String syntax = syntaxAndPattern.substring(0, colon);
        String pattern = syntaxAndPattern.substring(colon + 1);
        String regex = switch (syntax.toLowerCase(Locale.ROOT)) {
            case "glob" -> Globs.toRegex(pattern);
            case "regex" -> pattern;
            default -> throw new UnsupportedOperationException("path matcher syntax '" + syntax
                    + "' is not known; use glob: or regex:");
        };
        Pattern compiled = Pattern.compile(regex);
        return path -> compiled.matcher(path.toString()).matches();
    }

    /** Refused: who owns an app's files is the host's business. */
    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        throw refusals.principals();
    }

    /** Refused: an app's file root has no watch service. */
    @Override
    public WatchService newWatchService() {
        throw refusals.watch();
    }

    /**
     * The host path the app's {@code virtual} path names, once no part of the way is a symbolic link: for the
     * runtime's {@code java.io} calls on a folder root. Never give it to the app.
     *
     * @throws java.nio.file.ProviderMismatchException if {@code virtual} is not a path of this app
     * @throws java.nio.file.AccessDeniedException     if a part of the way is a symbolic link
     */
    public Path realPath(Path virtual) throws IOException {
        return mapping.toReal(own(virtual));
    }

    /**
     * {@link #realPath} as a {@link File}, for the {@code java.io} classes that need one ({@code RandomAccessFile},
     * {@code ZipFile}).
     *
     * @throws UnsupportedOperationException if the root is not on the default file system, so no {@link File} can
     *                                       name it
     */
    public File realFile(Path virtual) throws IOException {
        Path real = realPath(virtual);
        if (real.getFileSystem() != FileSystems.getDefault()) {
            throw refusals.inMemory();
        }
        return real.toFile();
    }

    /**
     * Throws what opening {@code virtual} for writing would throw now, for the runtime to fail a {@code java.io}
     * write the way {@link Files} would.
     *
     * @throws java.nio.file.AccessDeniedException if the root is read-only or missing, or the path goes through a
     *                                             link
     * @throws java.nio.file.FileSystemException   if the quota has not one byte left
     */
    public void checkWrite(Path virtual) throws IOException {
        RootedPath path = own(virtual);
        guardWrite(path);
        mapping.toReal(path);
        if (quota != null) {
            quota.checkRoom(path);
        }
    }

    /**
     * The app's {@code "/tmp"}, made on first use: the app's {@code java.io.tmpdir}, inside its root like everything
     * else it writes.
     *
     * @throws java.nio.file.AccessDeniedException if it is missing and the root is read-only
     */
    public Path tempDirectory() throws IOException {
        RootedPath tmp = getPath("/tmp");
        if (!Files.isDirectory(tmp, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(tmp);
        }
        return tmp;
    }

    /** Names the app, not the host's folder. */
    @Override
    public String toString() {
        return "RootedFileSystem[app '" + app + "']";
    }

    /** Refuses any change of the files when the app may not write. */
    void guardWrite(RootedPath path) throws AccessDeniedException {
        if (files == null) {
            throw refusals.noRoot(path);
        }
        if (files.isReadOnly()) {
            throw refusals.readOnly(path);
        }
        if (writeRefusal != null) {
            throw new AccessDeniedException(path.toString(), null, "app '" + app + "' " + writeRefusal);
        }
    }

    Refusals refusals() {
        return refusals;
    }

    FileQuota quota() {
        return quota;
    }

    private RootedPath own(Path virtual) {
        if (virtual instanceof RootedPath path && path.getFileSystem() == this) {
            return path;
        }
        throw new ProviderMismatchException("'" + virtual + "' is not a path in the file root of app '"
                + app + "'; make it with Path.of");
    }
}
