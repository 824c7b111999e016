package io.vaas;

import io.vaas.api.VaasServer;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A real guest app for tests: Java sources compiled with javax.tools against the guest API, plus a vaas.json, extra
 * resources and library jars, written out as a folder, a jar or in-memory entries exactly as a user would ship them.
 */
final class GuestApp {

    private static final Path API_CLASSES = codeSource(VaasServer.class);
    /** Test classes: host types a test exports to its apps (io.vaas.hostapi) are compiled against from here. */
    private static final Path TEST_CLASSES = codeSource(GuestApp.class);

    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Map<String, byte[]> resources = new LinkedHashMap<>();
    private final Map<String, GuestApp> libs = new LinkedHashMap<>();
    private String descriptor;
    private Map<String, byte[]> compiled;

    /** An app with this vaas.json text (null for none). */
    static GuestApp withDescriptor(String json) {
        GuestApp app = new GuestApp();
        app.descriptor = json;
        return app;
    }

    /**
     * A container running this app (written to {@code dir/jarName}) beside the neighbour app that adversarial tests
     * call after each attempt, to show the attempt harmed nobody else.
     */
    Vaas deployWithNeighbour(Path dir, String jarName) {
        return Vaas.builder().deploy(AppSpec.of(writeJar(dir.resolve(jarName))),
                AppSpec.of(BadInputTest.NEIGHBOUR.writeJar(dir.resolve("neighbour.jar")))).build();
    }

    /** An app whose vaas.json only names it. */
    static GuestApp named(String name) {
        return withDescriptor("{\"name\": \"" + name + "\"}");
    }

    /** A library (no vaas.json) to bundle with {@link #lib}. */
    static GuestApp library() {
        return withDescriptor(null);
    }

    GuestApp source(String className, String code) {
        sources.put(className, code);
        compiled = null;
        return this;
    }

    GuestApp resource(String name, String text) {
        return resource(name, text.getBytes(StandardCharsets.UTF_8));
    }

    GuestApp resource(String name, byte[] bytes) {
        resources.put(name, bytes);
        return this;
    }

    GuestApp lib(String jarName, GuestApp library) {
        libs.put(jarName, library);
        compiled = null;
        return this;
    }

    /** Every entry of the app: classes, resources, vaas.json; libraries as lib/NAME.jar. */
    synchronized Map<String, byte[]> entries() {
        if (compiled == null) {
            Map<String, byte[]> out = new TreeMap<>(compile());
            out.putAll(resources);
            if (descriptor != null) {
                out.put("vaas.json", descriptor.getBytes(StandardCharsets.UTF_8));
            }
            libs.forEach((name, lib) -> out.put("lib/" + name + ".jar", toJar(lib.entries())));
            compiled = out;
        }
        return compiled;
    }

    /** Writes the app as a folder: classes and resources at the root, libraries in lib/. */
    Path writeFolder(Path folder) {
        try {
            for (Map.Entry<String, byte[]> e : entries().entrySet()) {
                Path p = folder.resolve(e.getKey());
                Files.createDirectories(p.getParent());
                Files.write(p, e.getValue());
            }
            Files.createDirectories(folder);
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the app as one jar with its libraries nested under lib/. */
    Path writeJar(Path jar) {
        try {
            Files.createDirectories(jar.toAbsolutePath().getParent());
            Files.write(jar, toJar(entries()));
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] toJar(Map<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private Map<String, byte[]> compile() {
        if (sources.isEmpty()) {
            return Map.of();
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try {
            Path out = Files.createTempDirectory("guest-classes");
            Path libClasses = Files.createTempDirectory("guest-libs");
            for (GuestApp lib : libs.values()) {
                for (Map.Entry<String, byte[]> e : lib.entries().entrySet()) {
                    Path p = libClasses.resolve(e.getKey());
                    Files.createDirectories(p.getParent());
                    Files.write(p, e.getValue());
                }
            }
            List<JavaFileObject> units = new ArrayList<>();
            sources.forEach((name, code) -> units.add(new Source(name, code)));
            try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
                files.setLocation(StandardLocation.CLASS_OUTPUT, List.of(out.toFile()));
                files.setLocation(StandardLocation.CLASS_PATH, List.of(API_CLASSES.toFile(), TEST_CLASSES.toFile(),
                        libClasses.toFile()));
                boolean ok = javac.getTask(null, files, diagnostics, List.of("--release", "25", "-proc:none"), null,
                        units).call();
                if (!ok) {
                    throw new IllegalStateException("guest sources do not compile: " + diagnostics.getDiagnostics());
                }
            }
            Map<String, byte[]> classes = new TreeMap<>();
            try (Stream<Path> walk = Files.walk(out)) {
                for (Path p : walk.filter(Files::isRegularFile).toList()) {
                    classes.put(out.relativize(p).toString().replace(File.separatorChar, '/'), Files.readAllBytes(p));
                }
            }
            return classes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path codeSource(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class Source extends SimpleJavaFileObject {
        private final String code;

        Source(String className, String code) {
            super(URI.create("string:///" + className.replace('.', '/') + Kind.SOURCE.extension), Kind.SOURCE);
            this.code = code;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }
}
