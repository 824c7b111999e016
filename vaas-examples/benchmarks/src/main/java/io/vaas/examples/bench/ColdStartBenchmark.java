package io.vaas.examples.bench;

import io.vaas.AppSpec;
import io.vaas.Vaas;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Cold start in a warm JVM: deploy the hello app and make its first call, against a plain {@link URLClassLoader} on
 * the same jar plus a reflective call of the same method. Each invocation loads the app's classes afresh; the
 * unload/close happens outside the timed part.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class ColdStartBenchmark {

    private static final String HELLO = "io.vaas.examples.hello.Hello";

    private Path jar;
    private Vaas vaas;
    private Vaas uncached;
    private URLClassLoader plain;

    @Setup(Level.Trial)
    public void start() {
        jar = BenchApps.helloJar();
        vaas = Vaas.builder().build();
        uncached = Vaas.builder().rewriteCacheBytes(0).build();
    }

    @TearDown(Level.Trial)
    public void stop() {
        vaas.close();
        uncached.close();
    }

    @TearDown(Level.Invocation)
    public void unload() throws IOException {
        vaas.undeploy("hello");
        uncached.undeploy("hello");
        if (plain != null) {
            plain.close();
            plain = null;
        }
    }

    /** Deploy (read vaas.json, define classes, find routes) plus the first call of a no-argument route. */
    @Benchmark
    public Object vaasDeployAndFirstCall() {
        vaas.deploy(AppSpec.of(jar));
        return vaas.rpc("hello.ping");
    }

    /** The same, with a rewrite cache that keeps nothing: every deploy rewrites the app's classes again. */
    @Benchmark
    public Object vaasDeployAndFirstCallWithoutRewriteCache() {
        uncached.deploy(AppSpec.of(jar));
        return uncached.rpc("hello.ping");
    }

    /** The baseline: a fresh URLClassLoader on the same jar, load the class, instantiate it, call ping reflectively. */
    @Benchmark
    public Object plainLoaderAndReflectiveCall() throws Exception {
        plain = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ColdStartBenchmark.class.getClassLoader());
        Class<?> c = plain.loadClass(HELLO);
        Object hello = c.getConstructor().newInstance();
        Method ping = c.getMethod("ping");
        return ping.invoke(hello);
    }

    /** Deploy plus a first call whose JSON argument binds to a record (Jackson's first look at the app's type). */
    @Benchmark
    public Object vaasDeployAndFirstCallWithRecordArgument() {
        vaas.deploy(AppSpec.of(jar));
        return vaas.rpc("hello.add", Map.of("a", 1, "b", 2));
    }

    /** The baseline for the record argument: construct the record reflectively and call add. */
    @Benchmark
    public Object plainLoaderAndReflectiveCallWithRecordArgument() throws Exception {
        plain = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ColdStartBenchmark.class.getClassLoader());
        Class<?> c = plain.loadClass(HELLO);
        Class<?> args = plain.loadClass(HELLO + "$AddArgs");
        Object hello = c.getConstructor().newInstance();
        Object arg = args.getConstructor(int.class, int.class).newInstance(1, 2);
        return c.getMethod("add", args).invoke(hello, arg);
    }
}
