package io.vaas.examples.bench;

import io.vaas.AppSpec;
import io.vaas.Vaas;
import io.vaas.http.Gateway;

import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fault soak: many apps behind the gateway, a fifth of them misbehaving in turn (throw, hang, exit, thread bomb,
 * allocation storm, a call stuck in the JDK, an output flood) while clients call the healthy ones. Reports the
 * healthy calls that failed (the target is none), their latency, and the host's threads and heap at the end. Not
 * part of CI: {@code java -cp $B io.vaas.examples.bench.FaultSoak [apps] [seconds] [clients]}.
 */
public final class FaultSoak {

    /** Each misbehaviour, as a route of the misbehaving apps. */
    static final List<String> FAULTS = List.of("throwing", "hang", "exit", "threadBomb", "allocationStorm", "stuckInJdk",
            "outputFlood");

    private static final String MISBEHAVING = """
            package soak;
            import io.vaas.api.*;
            import java.util.*;
            public class Misbehaving {
                @VaasServer(type = ServerType.HTTP, method = "GET", route = "/throwing")
                public String throwing() { throw new IllegalStateException("thrown on purpose"); }
                @VaasServer(type = ServerType.HTTP, method = "GET", route = "/hang")
                public String hang() { long n = 0; while (true) { n++; } }
                @VaasServer(type = ServerType.HTTP, method = "GET", route = "/exit")
                public String exit() { System.exit(3); return "exited"; }
                @VaasServer(type = ServerType.HTTP, method = "GET", route = "/threadBomb")
                public String threadBomb() {
                    for (int i = 0; i < 1000; i++) {
                        Thread t = new Thread(() -> { try { Thread.sleep(60_000); } catch (InterruptedException e) { } });
                        t.start();
                    }
                    return "bombed";
                }
                @VaasServer(type = ServerType.HTTP, method = "GET", route = "/allocationStorm")
                public String allocationStorm() {
                    List<byte[]> kept = new ArrayList<>();
                    while (true) { kept.add(new byte[1 << 20]); }
                }
                @VaasServer(type = ServerType.HTTP, method = "GET", route = "/stuckInJdk")
                public String stuckInJdk() throws Exception {
                    Object lock = new Object();
                    synchronized (lock) { lock.wait(); }
                    return "woke";
                }
                @VaasServer(type = ServerType.HTTP, method = "GET", route = "/outputFlood")
                public String outputFlood() {
                    for (int i = 0; i < 1_000_000; i++) { System.out.println("flood line " + i); }
                    return "flooded";
                }
            }
            """;

    private FaultSoak() {
    }

    public static void main(String[] args) throws Exception {
        int apps = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int bad = apps / 5;
        Map<String, byte[]> misbehaving = compile();
        Vaas.Builder builder = Vaas.builder();
        String limits = "{\"timeoutMs\": 300, \"limits\": {\"maxThreads\": 8, \"allocMbPerCall\": 64, \"maxArrayMb\": 16}}";
        for (int i = 0; i < apps - bad; i++) {
            builder.deploy(AppSpec.of("healthy" + i, BenchApps.helloJar()).config(limits));
        }
        for (int i = 0; i < bad; i++) {
            builder.deploy(AppSpec.inMemory("bad" + i, misbehaving).config(limits));
        }
        try (Vaas vaas = builder.build(); Gateway gateway = Gateway.start(vaas, "127.0.0.1", 0)) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong faults = new AtomicLong();
            Thread troublemaker = Thread.ofPlatform().name("soak-faults").start(() -> {
                // Misbehaving apps in turn: several faults at once, each on its own thread.
                while (!stop.get()) {
                    String app = "bad" + ThreadLocalRandom.current().nextInt(bad);
                    String fault = FAULTS.get(ThreadLocalRandom.current().nextInt(FAULTS.size()));
                    Thread.ofVirtual().start(() -> {
                        try {
                            client.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/" + app + "/" + fault))
                                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.discarding());
                        } catch (Exception e) {
                            // The fault's own outcome does not matter here.
                        }
                    });
                    faults.incrementAndGet();
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            AtomicLong failed = new AtomicLong();
            Map<String, Integer> failures = Collections.synchronizedMap(new HashMap<>());
            List<Thread> callers = new ArrayList<>();
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            for (int c = 0; c < clients; c++) {
                callers.add(Thread.ofPlatform().name("soak-client-" + c).start(() -> {
                    while (System.nanoTime() < end) {
                        String app = "healthy" + ThreadLocalRandom.current().nextInt(apps - bad);
                        long t0 = System.nanoTime();
                        try {
                            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/"
                                    + app + "/hello/world?greeting=hi")).timeout(Duration.ofSeconds(10)).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() != 200) {
                                failed.incrementAndGet();
                                failures.merge("status " + r.statusCode(), 1, Integer::sum);
                            } else {
                                latencies.add(System.nanoTime() - t0);
                            }
                        } catch (Exception e) {
                            failed.incrementAndGet();
                            failures.merge(e.getClass().getSimpleName(), 1, Integer::sum);
                        }
                    }
                }));
            }
            for (Thread t : callers) {
                t.join();
            }
            stop.set(true);
            troublemaker.join();
            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            System.gc();
            Thread.sleep(500);
            long heapMb = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
            int threads = ManagementFactory.getThreadMXBean().getThreadCount();
            System.out.printf("%d apps (%d misbehaving, %d faults set off), %d clients, %d s: %d healthy calls, %d failed "
                            + "%s; latency p50 %.2f ms, p99 %.2f ms, max %.2f ms; host threads %d, heap after GC %d MiB%n",
                    apps, bad, faults.get(), clients, seconds, sorted.size() + failed.get(), failed.get(), failures,
                    percentile(sorted, 0.50), percentile(sorted, 0.99), percentile(sorted, 1.0), threads, heapMb);
        }
    }

    private static double percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int i = (int) Math.min(sorted.size() - 1, Math.max(0, Math.ceil(p * sorted.size()) - 1));
        return sorted.get(i) / 1e6;
    }

    /** The misbehaving app, compiled against the guest API of this class path. */
    private static Map<String, byte[]> compile() {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        Map<String, ByteArrayOutputStream> out = new HashMap<>();
        JavaFileObject source = new SimpleJavaFileObject(URI.create("string:///soak/Misbehaving.java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return MISBEHAVING;
            }
        };
        var files = new javax.tools.ForwardingJavaFileManager<>(compiler.getStandardFileManager(null, null, null)) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                                                       javax.tools.FileObject sibling) {
                return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + ".class"), kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        return out.computeIfAbsent(className.replace('.', '/') + ".class", k -> new ByteArrayOutputStream());
                    }
                };
            }
        };
        String classPath = System.getProperty("java.class.path");
        Boolean ok = compiler.getTask(null, files, null, List.of("-classpath", classPath, "--release", "21"), null,
                List.of(source)).call();
        if (!ok) {
            throw new IllegalStateException("the misbehaving app does not compile");
        }
        Map<String, byte[]> entries = new HashMap<>();
        out.forEach((name, bytes) -> entries.put(name, bytes.toByteArray()));
        entries.put("vaas.json", "{\"name\": \"bad\"}".getBytes());
        return entries;
    }

    static {
        // The soak's own apps print a lot: a quiet logger keeps the console readable.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty(
                "org.slf4j.simpleLogger.defaultLogLevel", "error"));
    }
}
