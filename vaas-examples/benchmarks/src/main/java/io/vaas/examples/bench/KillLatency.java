package io.vaas.examples.bench;

import io.vaas.AppHandle;
import io.vaas.AppSpec;
import io.vaas.Vaas;
import io.vaas.VaasCallException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How long after its deadline a spinning call ends: the libraries app's {@code spin} route (a loop that never ends)
 * is called with a deadline of {@code timeoutMs}; the time from the deadline to the caller's error is the kill
 * latency: the watchdog noticing, the kill switch's target change deoptimizing the loop, the guard throwing, the
 * error unwinding to the caller. Prints p50, p90, p99 and max.
 *
 * <p>{@code java -cp benchmarks.jar io.vaas.examples.bench.KillLatency [calls] [timeoutMs]}
 */
public final class KillLatency {

    private KillLatency() {
    }

    public static void main(String[] args) {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        long timeoutMs = args.length > 1 ? Long.parseLong(args[1]) : 50;
        try (Vaas vaas = Vaas.builder().build()) {
            AppHandle app = vaas.deploy(AppSpec.of(BenchApps.librariesFolder())
                    .config("{\"timeoutMs\": " + timeoutMs + "}"));
            List<Long> latencies = new ArrayList<>();
            for (int i = 0; i < calls + 20; i++) {
                long start = System.nanoTime();
                try {
                    app.rpc("spin");
                    throw new IllegalStateException("spin returned");
                } catch (VaasCallException e) {
                    if (!"timeout".equals(e.code())) {
                        throw e;
                    }
                }
                long late = System.nanoTime() - start - timeoutMs * 1_000_000L;
                if (i >= 20) {  // the first calls warm the JIT up: the loop compiled, then deoptimized
                    latencies.add(late);
                }
            }
            Collections.sort(latencies);
            System.out.printf("kill latency after a %d ms deadline, %d calls: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, "
                            + "max %.2f ms%n", timeoutMs, latencies.size(), ms(latencies, 0.50), ms(latencies, 0.90),
                    ms(latencies, 0.99), latencies.get(latencies.size() - 1) / 1e6);
        }
    }

    private static double ms(List<Long> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1)) / 1e6;
    }
}
