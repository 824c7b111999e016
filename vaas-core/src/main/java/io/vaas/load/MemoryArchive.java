package io.vaas.load;

import java.net.URL;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Entries held in memory: code the host supplies as bytes (fetched from a store, generated, compiled on the fly), or
 * a jar nested inside an app jar.
 */
public final class MemoryArchive implements AppArchive {

    private final String label;
    private final Map<String, byte[]> entries;
    private final ArchiveUrls urls;
    private final ProtectionDomain domain;

    /**
     * @param label   how messages name this archive
     * @param entries resource name to bytes; copied
     * @throws IllegalArgumentException if a name is absolute or contains {@code ..}
     */
    public MemoryArchive(String label, Map<String, byte[]> entries) {
        this.label = label;
        Map<String, byte[]> copy = new TreeMap<>();
        entries.forEach((name, bytes) -> {
            String n = ResourceNames.normalize(name);
            if (n == null) {
                throw new IllegalArgumentException("entry name '" + name + "' of " + label
                        + " must be a relative name such as com/example/Hello.class, without '..'");
            }
            copy.put(n, bytes.clone());
        });
        this.entries = copy;
        this.urls = new ArchiveUrls(this);
        this.domain = CodeDomains.of(urls.root());
    }

    @Override
    public String location() {
        return label;
    }

    @Override
    public byte[] read(String name) {
        String n = ResourceNames.normalize(name);
        byte[] bytes = n == null ? null : entries.get(n);
        return bytes == null ? null : bytes.clone();
    }

    @Override
    public URL url(String name) {
        String n = ResourceNames.normalize(name);
        return n == null || !entries.containsKey(n) ? null : urls.of(n);
    }

    @Override
    public List<String> entryNames() {
        return List.copyOf(entries.keySet());
    }

    @Override
    public ProtectionDomain protectionDomain() {
        return domain;
    }

    @Override
    public void close() {
        // The bytes go with the archive.
    }

    @Override
    public String toString() {
        return label;
    }
}
