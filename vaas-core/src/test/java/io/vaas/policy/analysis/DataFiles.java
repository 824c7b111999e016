package io.vaas.policy.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The analysis's reviewed inputs, read from the test resources next to this package. */
final class DataFiles {

    /** Where the inputs live in the source tree, relative to the module. */
    static final String SOURCE_DIR = "src/test/resources/io/vaas/policy/analysis/";

    private DataFiles() {
    }

    static String read(String name) {
        try (InputStream in = DataFiles.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("analysis input io/vaas/policy/analysis/" + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String stripComment(String line) {
        int hash = line.indexOf('#');
        return hash < 0 ? line : line.substring(0, hash);
    }
}
