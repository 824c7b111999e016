package io.vaas.examples.bench;

import io.vaas.AppHandle;
import io.vaas.AppSpec;
import io.vaas.Vaas;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * What the watchdog costs: the CPU time of its sampler thread per second of wall time, with 1,000 idle apps
 * deployed, then with 100 calls in progress (sleeping in the libraries app's {@code nap} route, so the machine's two
 * cores stay free for the sampler and the measurement).
 *
 * <p>{@code java -cp benchmarks.jar io.vaas.examples.bench.WatchdogCost [apps] [calls] [seconds]}
 */
public final class WatchdogCost {

    private WatchdogCost() {
    }

    public static void main(String[] args) throws Exception {
        int apps = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Path hello = BenchApps.helloJar();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (Vaas vaas = Vaas.builder().build()) {
            for (int i = 0; i < apps; i++) {
                vaas.deploy(AppSpec.of("hello-" + i, hello));
            }
            for (int i = 0; i < apps; i++) {
                vaas.rpc("hello-" + i + ".ping");
            }
            Thread sampler = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("vaas-watchdog")).findFirst().orElseThrow();
            Thread.sleep(2000);   // the sampler goes dormant a second after the last call
            double idle = cpuPerSecond(threads, sampler, seconds);
            System.out.printf("%d idle apps: the watchdog used %.3f ms of CPU per second (%.3f %% of a core)%n",
                    apps, idle, idle / 10);

            AppHandle libraries = vaas.deploy(AppSpec.of(BenchApps.librariesFolder()));
            int napMs = (seconds + 3) * 1000;
            CountDownLatch started = new CountDownLatch(calls);
            List<Thread> callers = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                callers.add(Thread.ofPlatform().start(() -> {
                    started.countDown();
                    libraries.rpc("nap", napMs);
                }));
            }
            started.await();
            Thread.sleep(500);
            double busy = cpuPerSecond(threads, sampler, seconds);
            System.out.printf("%d calls in progress: the watchdog used %.3f ms of CPU per second (%.3f %% of a core)%n",
                    calls, busy, busy / 10);
            for (Thread t : callers) {
                t.join();
            }
        }
    }

    private static double cpuPerSecond(ThreadMXBean threads, Thread t, int seconds) throws InterruptedException {
        long cpu0 = threads.getThreadCpuTime(t.threadId());
        long wall0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long cpu = threads.getThreadCpuTime(t.threadId()) - cpu0;
        long wall = System.nanoTime() - wall0;
        return cpu / 1e6 / (wall / 1e9);
    }
}
