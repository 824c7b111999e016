package io.vaas.examples.bench;

import io.vaas.rewrite.RewriteCache;
import io.vaas.rewrite.Rewriter;
import io.vaas.rewrite.Rules;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The rewriter on whole jars: every class of the hello app, or of Guava 33 (about 2,000 classes), passed through the
 * rewriter with a cache that keeps nothing (every class that needs it is rewritten) and with a warm cache (what a
 * redeploy of the same code pays). Divide by the class counts printed at setup for a per-class cost.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(java.util.concurrent.TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class RewriteBenchmark {

    @Param({"hello", "guava"})
    public String jar;

    /** No policy (virtual globals only), or the default policy ({@code core}) checked in the same pass. */
    @Param({"none", "core"})
    public String policy;

    private io.vaas.policy.Policy checked;

    private final List<String> names = new ArrayList<>();
    private final List<byte[]> classes = new ArrayList<>();
    private final List<String> passNames = new ArrayList<>();
    private final List<byte[]> passClasses = new ArrayList<>();
    private Rewriter uncached;
    private Rewriter cached;

    @Setup(Level.Trial)
    public void load() throws IOException {
        Path path = jar.equals("guava") ? BenchApps.guavaJar() : BenchApps.helloJar();
        try (ZipFile zip = new ZipFile(path.toFile())) {
            for (ZipEntry e : zip.stream().toList()) {
                if (e.getName().endsWith(".class") && !e.getName().endsWith("module-info.class")
                        && !e.getName().startsWith("META-INF/")) {
                    try (InputStream in = zip.getInputStream(e)) {
                        names.add(e.getName());
                        classes.add(in.readAllBytes());
                    }
                }
            }
        }
        checked = policy.equals("core") ? io.vaas.policy.PolicyLibrary.standard().policy(List.of("core")) : null;
        uncached = new Rewriter(Rules.standard(), RewriteCache.inMemory(0));
        cached = new Rewriter(Rules.standard(), RewriteCache.inMemory(1L << 30));
        int changed = 0;
        for (int i = 0; i < classes.size(); i++) {
            long misses = cached.cache().misses();
            if (cached.rewrite(names.get(i), classes.get(i), checked).bytes() != classes.get(i)) {
                changed++;
            }
            if (cached.cache().misses() > misses) {
                passNames.add(names.get(i));
                passClasses.add(classes.get(i));
            }
        }
        System.out.println("[rewrite] " + jar + " policy " + policy + ": " + classes.size() + " classes, " + passClasses.size()
                + " need the pass (their constant pool names a ruled class), " + changed + " changed by it");
    }

    @Benchmark
    public void rewriteEveryClass(Blackhole bh) {
        for (int i = 0; i < classes.size(); i++) {
            bh.consume(uncached.rewrite(names.get(i), classes.get(i), checked));
        }
    }

    /** Only the classes that need the pass, without a cache: the pass itself. */
    @Benchmark
    public void passOnlyMiss(Blackhole bh) {
        for (int i = 0; i < passClasses.size(); i++) {
            bh.consume(uncached.rewrite(passNames.get(i), passClasses.get(i), checked));
        }
    }

    /** The same classes with a warm cache: what a cache hit costs against {@link #passOnlyMiss}. */
    @Benchmark
    public void passOnlyHit(Blackhole bh) {
        for (int i = 0; i < passClasses.size(); i++) {
            bh.consume(cached.rewrite(passNames.get(i), passClasses.get(i), checked));
        }
    }

    @Benchmark
    public void rewriteEveryClassCacheHit(Blackhole bh) {
        for (int i = 0; i < classes.size(); i++) {
            bh.consume(cached.rewrite(names.get(i), classes.get(i), checked));
        }
    }
}
