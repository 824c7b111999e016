package io.vaas.load;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.stream.Stream;

/** A folder of classes and resources, such as a Maven {@code target/classes}. */
public final class DirectoryArchive implements AppArchive {

    private final Path root;
    private final Path realRoot;
    private final ProtectionDomain domain;
    /** vaas: URLs, as for jars: a file: URL would tell the app where the host keeps it, and open outside its root. */
    private final ArchiveUrls urls = new ArchiveUrls(this);

    /** @param root an existing folder */
    public DirectoryArchive(Path root) {
        this.root = root.toAbsolutePath().normalize();
        Path real;
        try {
            real = this.root.toRealPath();
        } catch (IOException e) {
            real = this.root;
        }
        this.realRoot = real;
        this.domain = CodeDomains.of(urls.root());
    }

    @Override
    public String location() {
        return root.toString();
    }

    private Path resolve(String name) {
        String n = ResourceNames.normalize(name);
        if (n == null) {
            return null;
        }
        Path p = root.resolve(n).normalize();
        // Symbolic links inside the app folder must not lead out of it.
        if (!p.startsWith(root) || !Files.isRegularFile(p)) {
            return null;
        }
        try {
            return p.toRealPath().startsWith(realRoot) ? p : null;
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public byte[] read(String name) throws IOException {
        Path p = resolve(name);
        if (p == null) {
            return null;
        }
        try {
            return Files.readAllBytes(p);
        } catch (NoSuchFileException gone) {
            return null;
        }
    }

    @Override
    public URL url(String name) {
        Path p = resolve(name);
        return p == null ? null : urls.of(root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/"));
    }

    @Override
    public List<String> entryNames() throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        }
    }

    @Override
    public ProtectionDomain protectionDomain() {
        return domain;
    }

    @Override
    public void close() {
        // Nothing is held open.
    }

    @Override
    public String toString() {
        return "folder " + root;
    }
}
