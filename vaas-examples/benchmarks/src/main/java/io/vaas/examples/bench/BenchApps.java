package io.vaas.examples.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the example app jars the benchmarks load. */
final class BenchApps {

    private BenchApps() {
    }

    /**
     * The hello app jar: {@code -Dvaas.bench.apps=<folder>}, else {@code vaas-examples/target/apps} under the
     * working directory (the repository root) or its parents.
     */
    static Path helloJar() {
        String configured = System.getProperty("vaas.bench.apps");
        if (configured != null) {
            return require(Path.of(configured).resolve("hello-app.jar"));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("vaas-examples/target/apps/hello-app.jar");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("hello-app.jar not found: run 'mvn -DskipTests package' from the repository "
                + "root first, or pass -Dvaas.bench.apps=<apps folder>");
    }

    /** The Guava 33 jar the modern Guava example app bundles: a real library to rewrite. */
    static Path guavaJar() {
        Path apps = helloJar().getParent();
        Path lib = apps.resolveSibling("../guava-modern-app/target/classes/lib").normalize();
        try (var files = java.nio.file.Files.list(lib)) {
            return files.filter(p -> p.getFileName().toString().startsWith("guava-33")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no guava-33 jar in " + lib));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot list " + lib + "; build the example apps first", e);
        }
    }

    /** The libraries app as a folder (its classes, {@code vaas.json} and {@code lib/*.jar}). */
    static Path librariesFolder() {
        Path folder = helloJar().getParent().resolveSibling("../libraries-app/target/classes").normalize();
        if (!Files.isRegularFile(folder.resolve("vaas.json"))) {
            throw new IllegalStateException(folder + " holds no built libraries app; build the example apps first");
        }
        return folder;
    }

    /**
     * A plain class loader for an app folder, not rewritten: its classes and {@code lib/*.jar} first, then the JDK;
     * only the guest API comes from the host, as in the container.
     */
    static ClassLoader plainLoader(Path appFolder) throws java.io.IOException {
        java.util.List<java.net.URL> urls = new java.util.ArrayList<>();
        urls.add(appFolder.toUri().toURL());
        try (var libs = Files.list(appFolder.resolve("lib"))) {
            for (Path jar : libs.sorted().toList()) {
                urls.add(jar.toUri().toURL());
            }
        }
        ClassLoader host = BenchApps.class.getClassLoader();
        ClassLoader apiOnly = new ClassLoader("api-only", ClassLoader.getPlatformClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                if (name.startsWith("io.vaas.api.")) {
                    return host.loadClass(name);
                }
                throw new ClassNotFoundException(name);
            }
        };
        return new java.net.URLClassLoader(urls.toArray(java.net.URL[]::new), apiOnly);
    }

    private static Path require(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist; build the example apps first");
        }
        return jar;
    }
}
