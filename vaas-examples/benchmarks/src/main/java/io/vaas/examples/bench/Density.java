package io.vaas.examples.bench;

import io.vaas.AppSpec;
import io.vaas.Vaas;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Path;

/**
 * How many apps one JVM holds, and whether unloading gives everything back: deploys {@code apps} copies of the hello
 * app (each under its own name, each called once, so its classes are loaded and its routes linked), measures the heap
 * retained after full collections and the class metadata, undeploys them all and measures again; then runs
 * {@code cycles} deploy/call/undeploy cycles and compares class metadata before and after.
 *
 * <p>{@code java -Xmx512m -cp benchmarks.jar io.vaas.examples.bench.Density [apps] [cycles]}
 */
public final class Density {

    private Density() {
    }

    public static void main(String[] args) throws Exception {
        int apps = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int cycles = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        Path jar = BenchApps.helloJar();
        System.out.printf("max heap %d MiB%n", Runtime.getRuntime().maxMemory() >> 20);
        try (Vaas vaas = Vaas.builder().build()) {
            // One deploy first, so the container's own classes and caches are not counted per app.
            vaas.deploy(AppSpec.of("warmup", jar));
            vaas.rpc("warmup.ping");
            vaas.undeploy("warmup");
            Footprint before = Footprint.now();
            long start = System.nanoTime();
            for (int i = 0; i < apps; i++) {
                vaas.deploy(AppSpec.of("hello-" + i, jar));
                vaas.rpc("hello-" + i + ".ping");
            }
            long deployMs = (System.nanoTime() - start) / 1_000_000;
            Footprint loaded = Footprint.now();
            System.out.printf("%d apps loaded in %d ms: heap +%.1f MiB (%.1f KiB per app), class metadata +%.1f MiB "
                            + "(%.1f KiB per app), %d classes%n", apps, deployMs,
                    mib(loaded.heap - before.heap), kib(loaded.heap - before.heap) / apps,
                    mib(loaded.metaspace - before.metaspace), kib(loaded.metaspace - before.metaspace) / apps,
                    loaded.classes - before.classes);
            for (int i = 0; i < apps; i++) {
                vaas.undeploy("hello-" + i);
            }
            Footprint unloaded = Footprint.now();
            System.out.printf("all undeployed: heap %+.1f MiB, class metadata %+.1f MiB, classes %+d against before%n",
                    mib(unloaded.heap - before.heap), mib(unloaded.metaspace - before.metaspace),
                    unloaded.classes - before.classes);

            Footprint first = Footprint.now();
            start = System.nanoTime();
            for (int i = 0; i < cycles; i++) {
                vaas.deploy(AppSpec.of("cycle", jar));
                vaas.rpc("cycle.ping");
                vaas.undeploy("cycle");
            }
            long cyclesMs = (System.nanoTime() - start) / 1_000_000;
            Footprint last = Footprint.now();
            System.out.printf("%d deploy/call/undeploy cycles in %d ms: heap %+.1f MiB, class metadata %+.1f MiB, "
                            + "classes %+d%n", cycles, cyclesMs, mib(last.heap - first.heap),
                    mib(last.metaspace - first.metaspace), last.classes - first.classes);
        }
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    private static double kib(long bytes) {
        return bytes / 1024.0;
    }

    /** Heap in use after full collections, class metadata in use, classes loaded. */
    private record Footprint(long heap, long metaspace, long classes) {
        static Footprint now() throws InterruptedException {
            long heap = Long.MAX_VALUE;
            // Several collections: loaders and their classes go over more than one cycle.
            for (int i = 0; i < 5; i++) {
                System.gc();
                Thread.sleep(50);
                heap = Math.min(heap, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
            }
            long meta = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getName().equals("Metaspace")) {
                    meta = pool.getUsage().getUsed();
                }
            }
            return new Footprint(heap, meta, ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
        }
    }
}
