package io.vaas.load;

import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;

/** The protection domains app classes are defined in: one per archive, located at its file when it has one. */
final class CodeDomains {

    private CodeDomains() {
    }

    /** A domain whose code source is {@code file}, or has no location when {@code file} is null. */
    static ProtectionDomain of(Path file) {
        URL location = null;
        if (file != null) {
            try {
                location = file.toUri().toURL();
            } catch (MalformedURLException e) {
                // No location: libraries that ask for it get null, as for code held in memory.
            }
        }
        return new ProtectionDomain(new CodeSource(location, (Certificate[]) null), null);
    }
}
