package io.vaas.files;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A path in an app's own file tree ({@link RootedFileSystem}): Unix-style, separator {@code "/"}, relative paths taken
 * against {@code "/"}. Everything here is lexical; only {@link #toRealPath} looks at the files.
 *
 * <p>Because no symbolic link is ever followed in an app's file root, lexical {@link #normalize} is exact: {@code
 * a/../b} is {@code b} on disk too. That is what lets {@code ..} at {@code "/"} stay at {@code "/"} safely.
 */
public final class RootedPath implements Path {

    private static final String[] NO_NAMES = {};
    /** The empty path has one name, the empty one, as {@code Path.of("")} does on Unix. */
    private static final String[] EMPTY_NAME = {""};

    private final RootedFileSystem fs;
    private final boolean absolute;
    private final String[] names;
    private final String string;

    private RootedPath(RootedFileSystem fs, boolean absolute, String[] names) {
        this.fs = fs;
        this.absolute = absolute;
        boolean empty = !absolute && (names.length == 0 || (names.length == 1 && names[0].isEmpty()));
        this.names = empty ? EMPTY_NAME : names;
        this.string = (absolute ? "/" : "") + String.join("/", this.names);
    }

    /** {@code text} split at {@code "/"}; repeated and trailing separators dropped, {@code .} and {@code ..} kept. */
    static RootedPath parse(RootedFileSystem fs, String text) {
        List<String> parts = new ArrayList<>();
        for (String part : text.split("/")) {
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        return new RootedPath(fs, text.startsWith("/"), parts.toArray(NO_NAMES));
    }

    static RootedPath root(RootedFileSystem fs) {
        return new RootedPath(fs, true, NO_NAMES);
    }

    static RootedPath absolute(RootedFileSystem fs, List<String> names) {
        return new RootedPath(fs, true, names.toArray(NO_NAMES));
    }

    /** The entry {@code name} of this folder, for a name a directory listing gave (never {@code .}, {@code ..}). */
    RootedPath child(String name) {
        String[] mine = isEmpty() ? NO_NAMES : names;
        String[] more = Arrays.copyOf(mine, mine.length + 1);
        more[mine.length] = name;
        return new RootedPath(fs, absolute, more);
    }

    /** The names, without the empty path's single empty one. */
    List<String> names() {
        return isEmpty() ? List.of() : List.of(names);
    }

    private boolean isEmpty() {
        return names == EMPTY_NAME;
    }

    /** Paths of the same app's file system only: another app's paths are another provider's. */
    private RootedPath own(Path other) {
        Objects.requireNonNull(other, "other");
        if (other instanceof RootedPath path && path.fs == fs) {
            return path;
        }
        throw new ProviderMismatchException("'" + other + "' is not a path in the file root of app '" + fs.app()
                + "'; make it with Path.of");
    }

    /** The app's file system. */
    @Override
    public RootedFileSystem getFileSystem() {
        return fs;
    }

    /** Whether this path starts at {@code "/"}. */
    @Override
    public boolean isAbsolute() {
        return absolute;
    }

    /** {@code "/"} for an absolute path, else null. */
    @Override
    public RootedPath getRoot() {
        return absolute ? root(fs) : null;
    }

    /** The last name, or null for {@code "/"}. */
    @Override
    public RootedPath getFileName() {
        if (names.length == 0) {
            return null;
        }
        if (names.length == 1 && !absolute) {
            return this;
        }
        return new RootedPath(fs, false, new String[] {names[names.length - 1]});
    }

    /** This path without its last name, or null if nothing is left. */
    @Override
    public RootedPath getParent() {
        if (names.length == 0 || (names.length == 1 && !absolute)) {
            return null;
        }
        return new RootedPath(fs, absolute, Arrays.copyOf(names, names.length - 1));
    }

    /** How many names; 0 for {@code "/"}, 1 for the empty path. */
    @Override
    public int getNameCount() {
        return names.length;
    }

    /** Name {@code index}, counted from the root, as a relative path. */
    @Override
    public RootedPath getName(int index) {
        return subpath(index, index + 1);
    }

    /** Names {@code beginIndex} (inclusive) to {@code endIndex} (exclusive), as a relative path. */
    @Override
    public RootedPath subpath(int beginIndex, int endIndex) {
        if (beginIndex < 0 || beginIndex >= names.length || endIndex > names.length || beginIndex >= endIndex) {
            throw new IllegalArgumentException("no names " + beginIndex + " to " + endIndex + " in '" + this + "'");
        }
        return new RootedPath(fs, false, Arrays.copyOfRange(names, beginIndex, endIndex));
    }

    /** Whether {@code other}, of the same app, is this path or a leading part of it, name by name. */
    @Override
    public boolean startsWith(Path other) {
        if (!(Objects.requireNonNull(other, "other") instanceof RootedPath path) || path.fs != fs
                || path.absolute != absolute || path.names.length > names.length) {
            return false;
        }
        return Arrays.equals(names, 0, path.names.length, path.names, 0, path.names.length);
    }

    /** Whether {@code other}, of the same app, is this path or a trailing part of it, name by name. */
    @Override
    public boolean endsWith(Path other) {
        if (!(Objects.requireNonNull(other, "other") instanceof RootedPath path) || path.fs != fs) {
            return false;
        }
        if (path.absolute) {
            return equals(path);
        }
        int from = names.length - path.names.length;
        return from >= 0 && Arrays.equals(names, from, names.length, path.names, 0, path.names.length);
    }

    /** Without {@code .}, and without {@code ..} where a name before it cancels it; at {@code "/"} it is dropped. */
    @Override
    public RootedPath normalize() {
        List<String> kept = new ArrayList<>(names.length);
        for (String name : names) {
            if (name.equals("..")) {
                if (!kept.isEmpty() && !kept.getLast().equals("..")) {
                    kept.removeLast();
                } else if (!absolute) {
                    kept.add(name);
                }
            } else if (!name.equals(".") && !name.isEmpty()) {
                kept.add(name);
            }
        }
        return new RootedPath(fs, absolute, kept.toArray(NO_NAMES));
    }

    /** {@code other} if it is absolute, else {@code other} taken from this path. */
    @Override
    public RootedPath resolve(Path other) {
        RootedPath path = own(other);
        if (path.absolute || isEmpty()) {
            return path;
        }
        if (path.isEmpty()) {
            return this;
        }
        String[] joined = Arrays.copyOf(names, names.length + path.names.length);
        System.arraycopy(path.names, 0, joined, names.length, path.names.length);
        return new RootedPath(fs, absolute, joined);
    }

    /** {@link #resolve(Path)} of the path {@code other} parses to. */
    @Override
    public RootedPath resolve(String other) {
        return resolve(fs.getPath(other));
    }

    /**
     * The relative path from this path to {@code other}, both normalized first.
     *
     * @throws IllegalArgumentException if one is absolute and the other not, or if this path has a {@code ..} that
     *                                  names cannot undo (it would need to know the folder it leaves)
     */
    @Override
    public RootedPath relativize(Path other) {
        RootedPath path = own(other);
        if (path.absolute != absolute) {
            throw new IllegalArgumentException("'" + path + "' and '" + this + "' are not both absolute or both relative");
        }
        List<String> from = normalize().names();
        List<String> to = path.normalize().names();
        int common = 0;
        while (common < from.size() && common < to.size() && from.get(common).equals(to.get(common))) {
            common++;
        }
        List<String> result = new ArrayList<>();
        for (String name : from.subList(common, from.size())) {
            if (name.equals("..")) {
                throw new IllegalArgumentException("cannot relativize '" + path + "' against '" + this + "'");
            }
            result.add("..");
        }
        result.addAll(to.subList(common, to.size()));
        return new RootedPath(fs, false, result.toArray(NO_NAMES));
    }

    /** {@code file:} URI of the absolute path, e.g. {@code file:///data/x.txt}; the app's provider parses it back. */
    @Override
    public URI toUri() {
        try {
            return new URI("file", "", toAbsolutePath().toString(), null, null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("'" + this + "' has no URI form", e);
        }
    }

    /** This path taken from {@code "/"}, the app's working directory. */
    @Override
    public RootedPath toAbsolutePath() {
        return absolute ? this : root(fs).resolve(this);
    }

    /**
     * The absolute normalized path of the existing file, as its file system spells it. Links are never followed, so
     * {@code options} change nothing.
     *
     * @throws java.nio.file.NoSuchFileException     if there is no such file
     * @throws java.nio.file.AccessDeniedException if the path goes through a symbolic link
     */
    @Override
    public RootedPath toRealPath(LinkOption... options) throws IOException {
        return fs.provider().toRealPath(this);
    }

    /** Always refused: an app's file root has no watch service. */
    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
        throw fs.refusals().watch();
    }

    /** {@code new File(toString())}: the guest's {@link File} calls are mapped to its file root the same way. */
    @Override
    public File toFile() {
        return new File(string);
    }

    /**
     * Orders by the path's text.
     *
     * @throws ClassCastException if {@code other} is not a path of this app's file root
     */
    @Override
    public int compareTo(Path other) {
        RootedPath path = (RootedPath) other;
        if (path.fs != fs) {
            throw new ClassCastException("'" + other + "' belongs to another app's file root");
        }
        return string.compareTo(path.string);
    }

    /** Same app, same text. */
    @Override
    public boolean equals(Object o) {
        return o instanceof RootedPath path && path.fs == fs && path.string.equals(string);
    }

    /** Consistent with {@link #equals}. */
    @Override
    public int hashCode() {
        return string.hashCode();
    }

    /** The path as the app sees it, e.g. {@code /data/x.txt}; never the host's path. */
    @Override
    public String toString() {
        return string;
    }
}
