package io.vaas.virtual;

import java.util.Properties;
import java.util.Set;

/**
 * The system properties of the JVM an app may see: a fixed list describing the platform (Java and OS versions,
 * separators, encodings, locale), never a prefix. Everything else the JVM holds stays with the host: its {@code -D}
 * settings (whatever their name), its paths ({@code java.home}, {@code java.class.path}, {@code java.library.path},
 * {@code user.home}), its user ({@code user.name}), and the JDK's internals ({@code sun.*}, {@code jdk.*}).
 *
 * <p>On top of these an app sees what its host passes by name ({@code Vaas.Builder.passProperties}), the paths of
 * its own file system ({@code user.dir} and {@code user.home} are {@code /}, {@code java.io.tmpdir} is
 * {@code /tmp}), then its own {@code vaas.json} {@code properties}.
 */
public final class SafeProperties {

    /** The JVM's properties every app sees as they are. */
    public static final Set<String> KEYS = Set.of(
            "java.version", "java.version.date", "java.vendor", "java.vendor.url", "java.vendor.version",
            "java.specification.name", "java.specification.vendor", "java.specification.version",
            "java.vm.name", "java.vm.vendor", "java.vm.version",
            "java.vm.specification.name", "java.vm.specification.vendor", "java.vm.specification.version",
            "java.runtime.name", "java.runtime.version", "java.class.version",
            "os.name", "os.arch", "os.version",
            "file.separator", "path.separator", "line.separator",
            "file.encoding", "native.encoding", "stdout.encoding", "stderr.encoding",
            "user.language", "user.country", "user.variant", "user.script", "user.timezone");

    private SafeProperties() {
    }

    /**
     * The safe part of {@code jvm}, plus the keys the host passes explicitly.
     *
     * @param jvm       the JVM's properties
     * @param extraKeys keys the host lets through besides the safe list
     */
    public static Properties of(Properties jvm, Set<String> extraKeys) {
        Properties out = new Properties();
        for (String key : jvm.stringPropertyNames()) {
            if (KEYS.contains(key) || extraKeys.contains(key)) {
                out.setProperty(key, jvm.getProperty(key));
            }
        }
        return out;
    }
}
