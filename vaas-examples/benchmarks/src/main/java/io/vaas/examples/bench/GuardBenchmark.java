package io.vaas.examples.bench;

import io.vaas.AppHandle;
import io.vaas.AppSpec;
import io.vaas.Vaas;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.TimeUnit;

/**
 * What the runaway guards cost CPU-bound guest code: the libraries app's kernels (a matrix multiply, a vectorizable
 * sum, Jackson parsing with the app's own Jackson) run inside the container, rewritten with kill-switch guards at
 * every loop back-edge, against the same classes and jars loaded by a plain class loader, not rewritten, in the
 * same JVM. Each operation is one whole kernel (milliseconds), so the container's call overhead (~100 ns) is noise.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class GuardBenchmark {

    @Param({"matmul", "sum", "parse"})
    public String kernel;

    private Vaas vaas;
    private AppHandle app;
    private MethodHandle plain;
    private int size;

    @Setup(Level.Trial)
    public void start() throws Throwable {
        size = switch (kernel) {
            case "matmul" -> 128;
            case "sum" -> 100_000;
            default -> 200;
        };
        vaas = Vaas.builder().build();
        app = vaas.deploy(AppSpec.of(BenchApps.librariesFolder()));
        Class<?> kernels = BenchApps.plainLoader(BenchApps.librariesFolder())
                .loadClass("io.vaas.examples.libraries.Kernels");
        Class<?> returns = kernel.equals("matmul") ? double.class : kernel.equals("sum") ? long.class : int.class;
        plain = MethodHandles.publicLookup().findVirtual(kernels, kernel, MethodType.methodType(returns, int.class))
                .bindTo(kernels.getConstructor().newInstance()).asType(MethodType.methodType(Object.class, int.class));
    }

    @TearDown(Level.Trial)
    public void stop() {
        vaas.close();
    }

    @Benchmark
    public Object guarded() {
        return app.rpc(kernel, size);
    }

    @Benchmark
    public Object plain() throws Throwable {
        return plain.invokeExact(size);
    }
}
