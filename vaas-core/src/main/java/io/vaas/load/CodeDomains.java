package io.vaas.load;

import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;

/**
 * The protection domains app classes are defined in: one per archive, located at the archive's own {@code vaas:}
 * URL ({@code vaas://archive7/}), never at the host's path of its folder or jar. Libraries that ask where their code
 * comes from get a URL that opens the archive's entries and names nothing of the host.
 */
final class CodeDomains {

    private CodeDomains() {
    }

    /** A domain whose code source is {@code location}, the archive's root {@code vaas:} URL. */
    static ProtectionDomain of(URL location) {
        return new ProtectionDomain(new CodeSource(location, (Certificate[]) null), null);
    }
}
