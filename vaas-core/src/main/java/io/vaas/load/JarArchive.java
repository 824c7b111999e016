package io.vaas.load;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A jar on disk, read through one {@link ZipFile} that this archive owns and closes at unload. Entry URLs use the
 * archive's own handler rather than {@code jar:}, whose JDK-wide cache would keep the file open after unload.
 */
public final class JarArchive implements AppArchive {

    private final Path path;
    private final ZipFile zip;
    private final ArchiveUrls urls;
    private final ProtectionDomain domain;

    /**
     * Opens the jar.
     *
     * @throws IOException if it cannot be opened as a zip file
     */
    public JarArchive(Path path) throws IOException {
        this.path = path.toAbsolutePath().normalize();
        this.zip = new ZipFile(this.path.toFile());
        this.urls = new ArchiveUrls(this);
        this.domain = CodeDomains.of(urls.root());
    }

    @Override
    public String location() {
        return path.toString();
    }

    private ZipEntry entry(String name) {
        String n = ResourceNames.normalize(name);
        if (n == null) {
            return null;
        }
        ZipEntry e = zip.getEntry(n);
        return e == null || e.isDirectory() ? null : e;
    }

    @Override
    public byte[] read(String name) throws IOException {
        ZipEntry e = entry(name);
        if (e == null) {
            return null;
        }
        try (InputStream in = zip.getInputStream(e)) {
            return in.readAllBytes();
        }
    }

    @Override
    public URL url(String name) {
        ZipEntry e = entry(name);
        return e == null ? null : urls.of(e.getName());
    }

    @Override
    public List<String> entryNames() {
        List<String> names = new ArrayList<>();
        zip.stream().filter(e -> !e.isDirectory()).forEach(e -> names.add(e.getName()));
        return names;
    }

    @Override
    public ProtectionDomain protectionDomain() {
        return domain;
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }

    @Override
    public String toString() {
        return "jar " + path;
    }
}
