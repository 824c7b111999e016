package io.vaas.policy.analysis;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checked-in {@code core.txt}, its report and the templated standard lists are what the analysis of this JDK
 * derives from the checked-in inputs. When the JDK or an input changes, this fails with the difference and the
 * command that rewrites them ({@code -Dvaas.regenerate=true}); review the report's diff before committing.
 */
class CoreAllowlistAnalysisTest {

    private static final Path POLICY = Path.of("src/main/resources/io/vaas/policy");
    private static final Path INPUTS = Path.of(DataFiles.SOURCE_DIR);

    private static CoreAllowlistAnalysis analysis;
    private static Map<Path, String> generated;

    @BeforeAll
    static void analyse() {
        JdkImage image = JdkImage.load();
        analysis = CoreAllowlistAnalysis.run(image);
        generated = new LinkedHashMap<>();
        generated.put(POLICY.resolve("core.txt"), AllowlistWriter.core(analysis));
        generated.put(INPUTS.resolve("core-report.txt"), ReportWriter.report(analysis));
        for (String list : ListExpander.TEMPLATED) {
            generated.put(POLICY.resolve(list), ListExpander.expand(list, DataFiles.read("lists/" + list), image));
        }
    }

    @Test
    void theCheckedInAllowlistsAreWhatTheAnalysisDerives() throws IOException {
        List<String> stale = new ArrayList<>();
        for (Map.Entry<Path, String> e : generated.entrySet()) {
            String now = Files.exists(e.getKey()) ? Files.readString(e.getKey(), StandardCharsets.UTF_8) : "";
            if (now.equals(e.getValue())) {
                continue;
            }
            if (Boolean.getBoolean("vaas.regenerate")) {
                Files.writeString(e.getKey(), e.getValue(), StandardCharsets.UTF_8);
            } else {
                stale.add(e.getKey() + " differs from what the analysis derives:\n" + diff(now, e.getValue()));
            }
        }
        assertThat(stale).as("the JDK or the analysis inputs changed; review the difference, then run\n  "
                + AllowlistWriter.REGENERATE + "\nand commit the rewritten files with the report").isEmpty();
    }

    @Test
    void everyReviewedInputLineStillMatchesSomething() {
        assertThat(analysis.unusedInputs()).as("trusted cuts and decisions that match nothing in this JDK: remove or fix them")
                .isEmpty();
    }

    @Test
    void theJdkActingForTheAppIsFound() {
        // The examples found from outside, each by its own path to a sink.
        assertThat(excluded("java.util.spi.ToolProvider.findFirst(java.lang.String)")).contains(Category.TOOLS);
        assertThat(excluded("java.security.KeyStore.getInstance(java.io.File, char[])")).contains(Category.FILES);
        assertThat(excluded("java.lang.Runtime.exec(java.lang.String)")).contains(Category.PROCESS);
        assertThat(excluded("java.lang.System.loadLibrary(java.lang.String)")).contains(Category.NATIVE);
        assertThat(excluded("java.net.URLClassLoader.<init>(java.net.URL[])")).contains(Category.CLASSLOADING);
        assertThat(excluded("java.net.InetAddress.getLocalHost()")).contains(Category.NET);
        // A cleaner's thread would be the JDK's: the app's cleaners run on a thread of the app's (VirtualCleaners).
        assertThat(analysis.verdicts.get("java.lang.ref.Cleaner.create()").kind())
                .isEqualTo(CoreAllowlistAnalysis.Kind.REDIRECTED);
        assertThat(excluded("java.net.Authenticator.setDefault(java.net.Authenticator)")).contains(Category.STATE);
        // A URL's hashCode resolves its host through the JDK's handler: URLs an app makes are the container's
        // (io.vaas.virtual.AppUrlHandler, which looks nothing up), so their constructors are redirected.
        assertThat(analysis.verdicts.get("java.net.URL.<init>(java.lang.String)").kind())
                .isEqualTo(CoreAllowlistAnalysis.Kind.REDIRECTED);
    }

    @Test
    void pureComputationStaysIn() {
        for (String member : List.of("java.lang.String.format(java.lang.String, java.lang.Object[])",
                "java.util.HashMap.put(java.lang.Object, java.lang.Object)", "java.util.ArrayList.add(java.lang.Object)",
                "java.util.concurrent.ConcurrentHashMap$CollectionView.size()", "java.time.LocalDate.now()",
                "java.util.regex.Pattern.compile(java.lang.String)", "java.math.BigInteger.pow(int)")) {
            // Allowed, or redirected to a version that checks the sizes it is asked for (String.format's widths,
            // BigInteger.pow's result): never out of core.
            assertThat(analysis.verdicts.get(member)).as(member).isNotNull()
                    .extracting(CoreAllowlistAnalysis.Verdict::kind).isIn(CoreAllowlistAnalysis.Kind.ALLOWED,
                            CoreAllowlistAnalysis.Kind.REDIRECTED);
        }
        assertThat(analysis.verdicts.get("java.lang.System.getenv(java.lang.String)").kind())
                .isEqualTo(CoreAllowlistAnalysis.Kind.REDIRECTED);
    }

    @Test
    void theGeneratedCoreNamesClassesOnly() {
        String core = generated.get(POLICY.resolve("core.txt"));
        assertThat(core.lines().filter(l -> l.startsWith("package "))).isEmpty();
        // A member a public class inherits from a class that is not public is listed under its declaring class too.
        assertThat(core).contains("\nclass java.util.concurrent.ConcurrentHashMap$CollectionView only\n  + clear()")
                .contains("\nclass java.util.HashMap\n");
    }

    private static List<Category> excluded(String member) {
        CoreAllowlistAnalysis.Verdict v = analysis.verdicts.get(member);
        assertThat(v).as(member).isNotNull();
        assertThat(v.kind()).as(member).isEqualTo(CoreAllowlistAnalysis.Kind.EXCLUDED);
        return v.exclusions().stream().map(CoreAllowlistAnalysis.Exclusion::category).toList();
    }

    /** The first differing lines, unified-diff style, enough to see what changed. */
    private static String diff(String before, String after) {
        List<String> a = before.lines().toList();
        List<String> b = after.lines().toList();
        StringBuilder out = new StringBuilder();
        int shown = 0;
        java.util.Set<String> inA = new java.util.HashSet<>(a);
        java.util.Set<String> inB = new java.util.HashSet<>(b);
        for (String l : a) {
            if (!inB.contains(l) && shown++ < 40) {
                out.append("- ").append(l).append('\n');
            }
        }
        for (String l : b) {
            if (!inA.contains(l) && shown++ < 80) {
                out.append("+ ").append(l).append('\n');
            }
        }
        return out.append(shown > 80 ? "... (" + (shown - 80) + " more lines)\n" : "").toString();
    }
}
