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

    private static Path require(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist; build the example apps first");
        }
        return jar;
    }
}
