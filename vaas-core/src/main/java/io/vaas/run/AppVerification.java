package io.vaas.run;

import io.vaas.load.AppArchive;
import io.vaas.load.AppClassPath;
import io.vaas.load.AppTypes;
import io.vaas.policy.Policy;
import io.vaas.policy.VerifyReport;
import io.vaas.policy.Violation;
import io.vaas.rewrite.RewriteException;
import io.vaas.rewrite.Rewriter;
import io.vaas.rewrite.Rewritten;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks every class of an app against its policy, through the same pass (and cache) that rewrites classes when they
 * load: so a deploy knows at once what the app's code would be denied. The classes of the app's own archive, and
 * those of its libraries the pass changed, are handed to the app's loader as they are now, so it neither reads nor
 * rewrites them a second time (reading an entry of a jar costs more than rewriting a small class).
 */
final class AppVerification {

    private static final byte[] ROUTE = "Lio/vaas/api/VaasServer;".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private AppVerification() {
    }

    /**
     * The report, the classes ready to define by binary name, and for the route classes of the app's own archive
     * whether making one runs code of the app's ({@link InitCode}).
     */
    record Result(VerifyReport report, Map<String, AppClassPath.Entry> ready, Map<String, Boolean> initCode) {
    }

    /** The report for the classes of {@code classPath}; a class hidden by an earlier archive is checked once. */
    static VerifyReport verify(String app, String location, AppClassPath classPath, Rewriter rewriter, Policy policy) {
        return run(app, location, classPath, new AppTypes(classPath), rewriter, policy).report();
    }

    /** Verifies, and keeps the classes the pass changed. */
    static Result run(String app, String location, AppClassPath classPath, AppTypes types, Rewriter rewriter,
                      Policy policy) {
        Map<String, AppClassPath.Entry> ready = new HashMap<>();
        Map<String, Boolean> initCode = new HashMap<>();
        List<Violation> violations = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int classes = 0;
        for (AppArchive archive : classPath.archives()) {
            List<String> names;
            try {
                names = archive.entryNames();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + archive.location(), e);
            }
            for (String entry : names) {
                if (!entry.endsWith(".class") || entry.startsWith("META-INF/") || entry.endsWith("module-info.class")
                        || !seen.add(entry)) {
                    continue;
                }
                String className = entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
                try {
                    byte[] bytes = archive.read(entry);
                    if (bytes != null) {
                        classes++;
                        Rewritten r = rewriter.rewrite(className, bytes, policy, types);
                        violations.addAll(r.violations());
                        if (r.bytes() != bytes || archive == classPath.own()) {
                            ready.put(className, new AppClassPath.Entry(archive, r.bytes()));
                        }
                        if (archive == classPath.own() && io.vaas.rewrite.ClassBytes.mentions(bytes, ROUTE)) {
                            initCode.put(className, InitCode.runsCode(bytes));
                        }
                    }
                } catch (RewriteException malformed) {
                    // Reported where it matters: when the class is defined, if it ever is.
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + entry + " from " + archive.location(), e);
                }
            }
        }
        return new Result(new VerifyReport(app, location, policy.granted(), classes, violations), ready, initCode);
    }
}
