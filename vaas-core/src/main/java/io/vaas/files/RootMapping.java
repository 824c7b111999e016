package io.vaas.files;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Where an app's virtual paths are on the host's file system, and back. The one place that decides what a guest path
 * may reach: {@code ..} cannot climb over {@code "/"} (paths are normalized as absolute ones first), and no existing
 * part of the way may be a symbolic link (a link placed by the host, or by anyone outside, could point anywhere).
 *
 * <p>A link could still be swapped in between the check and the operation. Apps cannot make links, so that needs a
 * process outside the JVM writing in the app's folder; the host should keep others out of it.
 */
final class RootMapping {

    private static final Logger LOG = LoggerFactory.getLogger(RootMapping.class);

    private final RootedFileSystem fs;
    private final Refusals refusals;
    private final VirtualErrors errors = new VirtualErrors(this);
    private volatile Path realRoot;

    RootMapping(RootedFileSystem fs, Refusals refusals) {
        this.fs = fs;
        this.refusals = refusals;
    }

    VirtualErrors errors() {
        return errors;
    }

    /**
     * The root folder, made and resolved on first use: apps that never touch files cost no disk work. Only for a
     * file system with a root; {@link #toReal} refuses the others' paths first.
     */
    Path realRoot() throws IOException {
        Path root = realRoot;
        if (root == null) {
            synchronized (this) {
                if (realRoot == null) {
                    realRoot = prepareRoot();
                }
                root = realRoot;
            }
        }
        return root;
    }

    private Path prepareRoot() throws IOException {
        Path configured = fs.files().root();
        try {
            Files.createDirectories(configured);
            // The host may reach its folder through a link; resolving it once means later checks see none.
            Path real = configured.toRealPath();
            if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
                throw new NotDirectoryException(real.toString());
            }
            return real;
        } catch (IOException e) {
            // The guest must not learn the host's path; the host's log has it.
            LOG.warn("app '{}': file root {} is not usable", fs.app(), configured, e);
            throw refusals.rootUnusable(e.getClass().getSimpleName());
        }
    }

    /**
     * The host path {@code path} names, once every existing part of the way is known not to be a symbolic link.
     *
     * @throws java.nio.file.AccessDeniedException if a part is a symbolic link
     */
    Path toReal(RootedPath path) throws IOException {
        if (fs.files() == null) {
            throw refusals.noRoot(path);
        }
        Path current = realRoot();
        boolean checking = true;
        for (String name : path.toAbsolutePath().normalize().names()) {
            Path next = current.resolve(name);
            // A name the host's file system reads as a root or a drive would leave the folder.
            if (next.getNameCount() != current.getNameCount() + 1 || !next.startsWith(current)) {
                throw new InvalidPathException(path.toString(), refusals.invalidName("'" + name + "'"));
            }
            if (checking) {
                checking = existsAndIsNoLink(next, path);
            }
            current = next;
        }
        return current;
    }

    /** False once a part is missing: nothing below it exists either. */
    private boolean existsAndIsNoLink(Path real, RootedPath path) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw errors.translate(e, path, null);
        }
        if (attributes.isSymbolicLink()) {
            throw refusals.symbolicLink(path);
        }
        return true;
    }

    /** The app's absolute path for host path {@code real}, which resolving {@code asked} gave. */
    RootedPath toVirtual(Path real, RootedPath asked) throws IOException {
        Path root = realRoot();
        if (!real.startsWith(root)) {
            throw refusals.symbolicLink(asked);
        }
        List<String> names = new ArrayList<>();
        for (Path name : root.relativize(real)) {
            if (!name.toString().isEmpty()) {
                names.add(name.toString());
            }
        }
        return RootedPath.absolute(fs, names);
    }

    /** The app's spelling of a host path in an exception, or null if it is not under the root. */
    String virtualName(String real) {
        Path root = realRoot;
        if (root == null || real == null) {
            return null;
        }
        String rootText = root.toString();
        if (real.equals(rootText)) {
            return "/";
        }
        String separator = root.getFileSystem().getSeparator();
        String prefix = rootText.endsWith(separator) ? rootText : rootText + separator;
        if (!real.startsWith(prefix)) {
            return null;
        }
        return "/" + real.substring(prefix.length()).replace(separator, "/");
    }

    /** {@code text} with the root's host path taken out, for messages that quote paths. */
    String scrub(String text) {
        Path root = realRoot;
        if (text == null || root == null || root.getParent() == null) {
            return text;
        }
        String rootText = root.toString();
        String separator = root.getFileSystem().getSeparator();
        return text.replace(rootText + separator, "/").replace(rootText, "/");
    }
}
