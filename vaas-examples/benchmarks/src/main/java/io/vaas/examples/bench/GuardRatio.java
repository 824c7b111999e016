package io.vaas.examples.bench;

import io.vaas.AppHandle;
import io.vaas.AppSpec;
import io.vaas.Vaas;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The runaway guards' cost as a ratio, measured interleaved (guarded, plain, guarded, …) so that the machine's
 * noise falls on both alike: the libraries app's kernels inside the container (rewritten, guarded) against the same
 * classes and jars in a plain class loader. After a warm-up of both, prints the median time of each and their ratio.
 *
 * <p>{@code java -cp benchmarks.jar io.vaas.examples.bench.GuardRatio [samples]}
 */
public final class GuardRatio {

    private GuardRatio() {
    }

    public static void main(String[] args) throws Throwable {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        try (Vaas vaas = Vaas.builder().build()) {
            AppHandle app = vaas.deploy(AppSpec.of(BenchApps.librariesFolder()));
            Class<?> kernels = BenchApps.plainLoader(BenchApps.librariesFolder())
                    .loadClass("io.vaas.examples.libraries.Kernels");
            Object instance = kernels.getConstructor().newInstance();
            System.out.printf("%-8s %12s %12s %8s%n", "kernel", "guarded", "plain", "ratio");
            for (String kernel : List.of("matmul", "sum", "parse", "regex", "locks")) {
                int size = switch (kernel) {
                    case "matmul" -> 128;
                    case "sum" -> 100_000;
                    case "regex" -> 20;
                    case "locks" -> 100_000;
                    default -> 200;
                };
                Class<?> returns = kernel.equals("matmul") ? double.class
                        : kernel.equals("sum") || kernel.equals("locks") ? long.class : int.class;
                MethodHandle plain = MethodHandles.publicLookup()
                        .findVirtual(kernels, kernel, MethodType.methodType(returns, int.class)).bindTo(instance)
                        .asType(MethodType.methodType(Object.class, int.class));
                long warmUntil = System.nanoTime() + 4_000_000_000L;
                while (System.nanoTime() < warmUntil) {
                    app.rpc(kernel, size);
                    Object ignored = plain.invokeExact(size);
                }
                List<Long> guarded = new ArrayList<>();
                List<Long> unguarded = new ArrayList<>();
                for (int i = 0; i < samples; i++) {
                    long t0 = System.nanoTime();
                    app.rpc(kernel, size);
                    long t1 = System.nanoTime();
                    Object ignored = plain.invokeExact(size);
                    long t2 = System.nanoTime();
                    guarded.add(t1 - t0);
                    unguarded.add(t2 - t1);
                }
                double g = median(guarded) / 1e3;
                double p = median(unguarded) / 1e3;
                System.out.printf("%-8s %9.1f us %9.1f us %7.3fx%n", kernel, g, p, g / p);
            }
        }
    }

    private static double median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
