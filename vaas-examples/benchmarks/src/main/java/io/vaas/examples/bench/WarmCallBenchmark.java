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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * A warm call of a no-op route through the container (lookup, admission, context class loader, invoke, result
 * conversion) against a direct call of the same no-op method, on the caller's thread and through the app's worker
 * threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class WarmCallBenchmark {

    /** The same body as the hello app's {@code noop} route, compiled into the host. */
    public static final class Direct {
        public void noop() {
        }

        public String ping() {
            return "pong";
        }
    }

    private Vaas vaas;
    private AppHandle hello;
    /** The same app with {@code "workerThreads": "always"}: each call handed to its own platform thread. */
    private AppHandle helloOnWorkers;
    private final Direct direct = new Direct();

    @Setup(Level.Trial)
    public void start() {
        vaas = Vaas.builder().build();
        hello = vaas.deploy(AppSpec.of(BenchApps.helloJar()));
        helloOnWorkers = vaas.deploy(AppSpec.of("hello-workers", BenchApps.helloJar())
                .config("{\"workerThreads\": \"always\"}"));
    }

    @TearDown(Level.Trial)
    public void stop() {
        vaas.close();
    }

    @Benchmark
    public Object vaasRpcNoop() {
        return vaas.rpc("hello.noop", null);
    }

    @Benchmark
    public Object handleRpcNoop() {
        return hello.rpc("noop");
    }

    /** The no-op through the worker pool: the hand-off to a worker thread and back. */
    @Benchmark
    public Object workerRpcNoop() {
        return helloOnWorkers.rpc("noop");
    }

    @Benchmark
    public Object vaasRpcPing() {
        return vaas.rpc("hello.ping", null);
    }

    /** 1,000 reflective {@code String.length()} calls inside the app: each goes through the policy check. */
    @Benchmark
    @org.openjdk.jmh.annotations.OperationsPerInvocation(1000)
    public Object vaasReflectiveCalls() {
        return hello.rpc("reflect", 1000);
    }

    /** The same 1,000 reflective calls in the host, unchecked. */
    @Benchmark
    @org.openjdk.jmh.annotations.OperationsPerInvocation(1000)
    public long directReflectiveCalls() throws ReflectiveOperationException {
        java.lang.reflect.Method length = String.class.getMethod("length");
        long sum = 0;
        for (int i = 0; i < 1000; i++) {
            sum += (Integer) length.invoke("hello");
        }
        return sum;
    }

    @Benchmark
    public void directNoop() {
        direct.noop();
    }

    @Benchmark
    public Object directPing() {
        return direct.ping();
    }
}
