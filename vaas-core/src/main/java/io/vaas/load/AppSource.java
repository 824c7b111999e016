package io.vaas.load;

import io.vaas.AppLoadException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Where an app's code comes from: a folder ({@code vaas.json}, classes, {@code lib/*.jar}), a single jar
 * ({@code vaas.json} and classes at its root, libraries nested as {@code lib/*.jar}), or entries the host holds in
 * memory (code fetched from a store or generated; nested {@code lib/*.jar} entries work the same way).
 *
 * <p>A source can be opened many times; each {@link #open} reads the code afresh, so a redeploy sees new bytes.
 */
public abstract sealed class AppSource permits AppSource.Folder, AppSource.Jar, AppSource.Memory {

    /** The name of the folder holding library jars, in app folders and app jars alike. */
    public static final String LIB = "lib/";

    private static final String DESCRIPTOR = "vaas.json";

    /** What {@link #open} gives: the class path, and the descriptor when there is one. */
    public record Opened(AppClassPath classPath, byte[] descriptor, String descriptorLocation) {
    }

    private AppSource() {
    }

    /**
     * A folder or a jar, whichever {@code path} is; a path that does not exist is taken for a jar when its name ends
     * in {@code .jar}, else for a folder. The checks happen at {@link #open}.
     */
    public static AppSource of(Path path) {
        Objects.requireNonNull(path, "path");
        if (Files.isDirectory(path)) {
            return new Folder(path);
        }
        boolean jarName = path.getFileName() != null && path.getFileName().toString().endsWith(".jar");
        return Files.isRegularFile(path) || jarName ? new Jar(path) : new Folder(path);
    }

    /** An app folder. */
    public static AppSource folder(Path folder) {
        return new Folder(Objects.requireNonNull(folder, "folder"));
    }

    /** An app jar. */
    public static AppSource jar(Path jar) {
        return new Jar(Objects.requireNonNull(jar, "jar"));
    }

    /**
     * Code held in memory.
     *
     * @param label   how messages name this code, such as {@code "orders@store:v7"}
     * @param entries resource names ({@code com/example/Hello.class}, {@code vaas.json}, {@code lib/x.jar}) to bytes
     */
    public static AppSource memory(String label, Map<String, byte[]> entries) {
        return new Memory(Objects.requireNonNull(label, "label"), Map.copyOf(entries));
    }

    /** Where the code comes from, for messages. */
    public abstract String location();

    /**
     * Reads the source into a class path. The caller owns the result and closes its class path.
     *
     * @param appName the app's name when the host already knows it, for messages; may be null
     * @throws AppLoadException if the source is missing, unreadable or not what it claims to be
     */
    public abstract Opened open(String appName);

    @Override
    public String toString() {
        return location();
    }

    /** An app folder. */
    static final class Folder extends AppSource {
        private final Path folder;

        Folder(Path folder) {
            this.folder = folder.toAbsolutePath().normalize();
        }

        @Override
        public String location() {
            return folder.toString();
        }

        @Override
        public Opened open(String appName) {
            if (!Files.exists(folder)) {
                throw new AppLoadException(appName, location(), "the app folder does not exist");
            }
            if (!Files.isDirectory(folder) || !Files.isReadable(folder)) {
                throw new AppLoadException(appName, location(), "not a readable folder");
            }
            List<AppArchive> libs = new ArrayList<>();
            try {
                Path lib = folder.resolve("lib");
                if (Files.isDirectory(lib)) {
                    List<Path> jars = new ArrayList<>();
                    try (DirectoryStream<Path> ds = Files.newDirectoryStream(lib, "*.jar")) {
                        ds.forEach(jars::add);
                    }
                    jars.sort(null);
                    for (Path jar : jars) {
                        libs.add(openJar(appName, jar));
                    }
                }
                Path descriptor = folder.resolve(DESCRIPTOR);
                byte[] bytes = Files.isRegularFile(descriptor) ? Files.readAllBytes(descriptor) : null;
                return new Opened(new AppClassPath(new DirectoryArchive(folder), libs), bytes, descriptor.toString());
            } catch (AccessDeniedException e) {
                closeQuietly(libs);
                throw new AppLoadException(appName, e.getFile(), "permission denied", e);
            } catch (IOException e) {
                closeQuietly(libs);
                throw new AppLoadException(appName, location(), "cannot read the app folder: " + e, e);
            } catch (RuntimeException e) {
                closeQuietly(libs);
                throw e;
            }
        }
    }

    /** An app jar on disk. */
    static final class Jar extends AppSource {
        private final Path jar;

        Jar(Path jar) {
            this.jar = jar.toAbsolutePath().normalize();
        }

        @Override
        public String location() {
            return jar.toString();
        }

        @Override
        public Opened open(String appName) {
            if (!Files.exists(jar)) {
                throw new AppLoadException(appName, location(), "the app jar does not exist");
            }
            if (!Files.isRegularFile(jar) || !Files.isReadable(jar)) {
                throw new AppLoadException(appName, location(), "not a readable file");
            }
            JarArchive own = openJar(appName, jar);
            try {
                List<AppArchive> libs = nestedLibraries(appName, own);
                return new Opened(new AppClassPath(own, libs), own.read(DESCRIPTOR), location() + "!/" + DESCRIPTOR);
            } catch (IOException e) {
                closeQuietly(List.of(own));
                throw new AppLoadException(appName, location(), "cannot read the app jar: " + e, e);
            } catch (RuntimeException e) {
                closeQuietly(List.of(own));
                throw e;
            }
        }
    }

    /** Code held in memory. */
    static final class Memory extends AppSource {
        private final String label;
        private final Map<String, byte[]> entries;

        Memory(String label, Map<String, byte[]> entries) {
            this.label = label;
            this.entries = entries;
        }

        @Override
        public String location() {
            return label;
        }

        @Override
        public Opened open(String appName) {
            MemoryArchive own;
            try {
                own = new MemoryArchive(label, entries);
            } catch (IllegalArgumentException e) {
                throw new AppLoadException(appName, label, e.getMessage(), e);
            }
            try {
                return new Opened(new AppClassPath(own, nestedLibraries(appName, own)), own.read(DESCRIPTOR),
                        label + "!/" + DESCRIPTOR);
            } catch (IOException e) {
                throw new AppLoadException(appName, label, "cannot read the app's entries: " + e, e);
            }
        }
    }

    private static JarArchive openJar(String appName, Path jar) {
        try {
            return new JarArchive(jar);
        } catch (ZipException e) {
            throw new AppLoadException(appName, jar.toString(), "not a jar (zip) file: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new AppLoadException(appName, jar.toString(), "cannot open the jar: " + e, e);
        }
    }

    /** Jars stored as {@code lib/*.jar} inside an archive, read into memory in name order. */
    private static List<AppArchive> nestedLibraries(String appName, AppArchive outer) throws IOException {
        List<AppArchive> libs = new ArrayList<>();
        for (String name : outer.entryNames()) {
            if (name.startsWith(LIB) && name.endsWith(".jar") && name.indexOf('/', LIB.length()) < 0) {
                String where = outer.location() + "!/" + name;
                libs.add(new MemoryArchive(where, unzip(appName, where, outer.read(name))));
            }
        }
        libs.sort((a, b) -> a.location().compareTo(b.location()));
        return libs;
    }

    private static Map<String, byte[]> unzip(String appName, String where, byte[] jar) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                if (!e.isDirectory() && io.vaas.load.ResourceNames.normalize(e.getName()) != null) {
                    entries.putIfAbsent(e.getName(), in.readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new AppLoadException(appName, where, "not a readable jar: " + e.getMessage(), e);
        }
        if (entries.isEmpty()) {
            throw new AppLoadException(appName, where, "not a jar, or an empty one");
        }
        return entries;
    }

    private static void closeQuietly(List<AppArchive> archives) {
        for (AppArchive a : archives) {
            try {
                a.close();
            } catch (IOException ignored) {
                // Already failing; the original error is the one to report.
            }
        }
    }
}
