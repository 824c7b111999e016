package io.vaas.examples.bench;

import io.vaas.AppSpec;
import io.vaas.Vaas;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Cold start ratios that a shared, noisy machine cannot skew: the contenders run interleaved, one invocation each in
 * turn, in the same process, and each ratio is taken between medians of samples taken side by side.
 *
 * <pre>
 * java -cp vaas-examples/benchmarks/target/benchmarks.jar io.vaas.examples.bench.ColdStartRatio [rounds]
 * </pre>
 */
public final class ColdStartRatio {

    private static URLClassLoader openPlain;

    private ColdStartRatio() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
        Path jar = BenchApps.helloJar();
        try (Vaas cached = Vaas.builder().build(); Vaas uncached = Vaas.builder().rewriteCacheBytes(0).build()) {
            Map<String, Callable<Object>> contenders = new java.util.LinkedHashMap<>();
            contenders.put("plain URLClassLoader + reflective ping()", () -> plain(jar, false));
            contenders.put("vaas deploy + rpc ping (rewrite cache hit)", () -> vaas(cached, jar, "hello.ping", null));
            contenders.put("vaas deploy + rpc ping (no rewrite cache)", () -> vaas(uncached, jar, "hello.ping", null));
            contenders.put("plain URLClassLoader + reflective add(record)", () -> plain(jar, true));
            contenders.put("vaas deploy + rpc add(record)", () -> vaas(cached, jar, "hello.add", Map.of("a", 1, "b", 2)));
            Map<String, List<Long>> samples = new java.util.LinkedHashMap<>();
            contenders.keySet().forEach(k -> samples.put(k, new ArrayList<>()));
            List<String> order = new ArrayList<>(contenders.keySet());
            for (int r = 0; r < rounds; r++) {
                Collections.shuffle(order);
                for (String name : order) {
                    long t0 = System.nanoTime();
                    contenders.get(name).call();
                    long t = System.nanoTime() - t0;
                    if (r >= rounds / 4) {
                        samples.get(name).add(t);
                    }
                    // Unloading is outside the timed part, for every contender.
                    cached.undeploy("hello");
                    uncached.undeploy("hello");
                    if (openPlain != null) {
                        openPlain.close();
                        openPlain = null;
                    }
                }
            }
            double plainPing = median(samples.get("plain URLClassLoader + reflective ping()"));
            double plainAdd = median(samples.get("plain URLClassLoader + reflective add(record)"));
            System.out.printf("%-48s %10s %8s%n", "contender (" + samples.values().iterator().next().size()
                    + " samples each)", "median", "ratio");
            samples.forEach((name, s) -> {
                double m = median(s);
                double base = name.contains("add") ? plainAdd : plainPing;
                System.out.printf("%-48s %8.1f us %7.2fx%n", name, m / 1e3, m / base);
            });
        }
    }

    private static Object vaas(Vaas vaas, Path jar, String target, Object arg) {
        vaas.deploy(AppSpec.of(jar));
        return vaas.rpc(target, arg);
    }

    private static Object plain(Path jar, boolean record) throws Exception {
        URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ColdStartRatio.class.getClassLoader());
        openPlain = loader;
        Class<?> c = loader.loadClass("io.vaas.examples.hello.Hello");
        Object hello = c.getConstructor().newInstance();
        if (!record) {
            Method ping = c.getMethod("ping");
            return ping.invoke(hello);
        }
        Class<?> args = loader.loadClass("io.vaas.examples.hello.Hello$AddArgs");
        Object arg = args.getConstructor(int.class, int.class).newInstance(1, 2);
        return c.getMethod("add", args).invoke(hello, arg);
    }

    private static double median(List<Long> s) {
        List<Long> sorted = new ArrayList<>(s);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
