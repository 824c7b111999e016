package io.vaas.load;

import java.io.Closeable;
import java.io.IOException;
import java.net.URL;
import java.security.ProtectionDomain;
import java.util.List;

/**
 * One root of an app's class path: its classes folder, a jar on disk, or entries held in memory. Names are
 * {@code /}-separated resource names without a leading slash, such as {@code com/example/Hello.class}.
 */
public interface AppArchive extends Closeable {

    /** Where the archive comes from, for messages: a path, or a label for code held in memory. */
    String location();

    /** The bytes of entry {@code name}, or null when the archive has none. */
    byte[] read(String name) throws IOException;

    /** A URL that reads entry {@code name}, or null when the archive has none. */
    URL url(String name);

    /** Every entry name (files only, not folders). */
    List<String> entryNames() throws IOException;

    /** The protection domain the archive's classes are defined in. */
    ProtectionDomain protectionDomain();

    /** Releases open files; reads after close fail. */
    @Override
    void close() throws IOException;
}
