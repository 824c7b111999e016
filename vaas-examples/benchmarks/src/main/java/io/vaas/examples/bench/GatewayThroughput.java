package io.vaas.examples.bench;

import io.vaas.AppSpec;
import io.vaas.Vaas;
import io.vaas.http.Gateway;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The hello route through the gateway (Jetty, host → app routing, the container's call) against a plain Jetty
 * handler returning the same bytes (and the same app with {@code "workerThreads": "always"}), under the same load from the same Java client in the same process: requests per
 * second and p99 latency, contenders alternated, two rounds after a warm-up.
 *
 * <p>{@code java -cp benchmarks.jar io.vaas.examples.bench.GatewayThroughput [connections] [seconds]}; with
 * {@code --serve} it only serves, for {@code gateway-wrk.sh} (wrk as the load generator, server CPU measured).
 */
public final class GatewayThroughput {

    private static final byte[] BODY = "{\"hello\":\"world\",\"greeting\":\"hi\"}".getBytes(StandardCharsets.UTF_8);

    private GatewayThroughput() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--serve")) {
            serve();
            return;
        }
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Server plain = plainServer();
        try (Vaas vaas = Vaas.builder().deploy(AppSpec.of(BenchApps.helloJar()),
                AppSpec.of("workers", BenchApps.helloJar()).config("{\"workerThreads\": \"always\"}")).build();
             Gateway gateway = Gateway.start(vaas, "127.0.0.1", 0)) {
            String plainUrl = "http://127.0.0.1:" + ((ServerConnector) plain.getConnectors()[0]).getLocalPort()
                    + "/hello/world?greeting=hi";
            String gatewayUrl = gateway.url() + "/hello/hello/world?greeting=hi";
            String workersUrl = gateway.url() + "/workers/hello/world?greeting=hi";
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            check(client, plainUrl);
            check(client, gatewayUrl);
            check(client, workersUrl);
            run(client, plainUrl, connections, 3);
            run(client, gatewayUrl, connections, 3);
            run(client, workersUrl, connections, 3);
            for (int round = 1; round <= 2; round++) {
                Result p = run(client, plainUrl, connections, seconds);
                Result g = run(client, gatewayUrl, connections, seconds);
                Result w = run(client, workersUrl, connections, seconds);
                System.out.printf("round %d, %d connections: plain Jetty %.0f req/s (p99 %.2f ms), gateway %.0f req/s "
                                + "(p99 %.2f ms): %.2fx; on the app's worker threads %.0f req/s (p99 %.2f ms): %.2fx%n",
                        round, connections, p.perSecond, p.p99Ms, g.perSecond, g.p99Ms, g.perSecond / p.perSecond,
                        w.perSecond, w.p99Ms, w.perSecond / p.perSecond);
            }
        } finally {
            plain.stop();
        }
    }

    /**
     * Only the servers, for a load generator outside this JVM ({@code gateway-wrk.sh}): prints the three URLs on one
     * line and serves until standard input closes.
     */
    private static void serve() throws Exception {
        Server plain = plainServer();
        Server blocking = plainServer(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                return answer(response, callback);
            }
        });
        try (Vaas vaas = Vaas.builder().deploy(AppSpec.of(BenchApps.helloJar()),
                AppSpec.of("workers", BenchApps.helloJar()).config("{\"workerThreads\": \"always\"}")).build();
             Gateway gateway = Gateway.start(vaas, "127.0.0.1", 0)) {
            System.out.println("plain=http://127.0.0.1:" + ((ServerConnector) plain.getConnectors()[0]).getLocalPort()
                    + "/hello/world?greeting=hi blocking=http://127.0.0.1:"
                    + ((ServerConnector) blocking.getConnectors()[0]).getLocalPort()
                    + "/hello/world?greeting=hi gateway=" + gateway.url() + "/hello/hello/world?greeting=hi workers="
                    + gateway.url() + "/workers/hello/world?greeting=hi");
            System.out.flush();
            while (System.in.read() >= 0) {
                // Serve until the script closes our input.
            }
        } finally {
            plain.stop();
            blocking.stop();
        }
    }

    /**
     * The baseline: a handler that returns the same bytes, non-blocking, so Jetty runs it on the thread that read
     * the request, with no hand-off (a handler that runs application code cannot promise that).
     */
    private static Server plainServer() throws Exception {
        return plainServer(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                return answer(response, callback);
            }
        });
    }

    private static Server plainServer(Handler handler) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(handler);
        server.start();
        return server;
    }

    private static boolean answer(Response response, Callback callback) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, BODY.length);
        response.write(true, ByteBuffer.wrap(BODY), callback);
        return true;
    }

    private static void check(HttpClient client, String url) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        // The app answers with a Map.of, whose order differs from one JVM run to the next.
        if (r.statusCode() != 200 || r.body().length() != BODY.length || !r.body().contains("\"hello\":\"world\"")
                || !r.body().contains("\"greeting\":\"hi\"")) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + " " + r.body());
        }
    }

    private record Result(double perSecond, double p99Ms) {
    }

    private static Result run(HttpClient client, String url, int connections, int seconds) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).build();
        AtomicBoolean running = new AtomicBoolean(true);
        List<List<Long>> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            List<Long> mine = new ArrayList<>();
            latencies.add(mine);
            threads.add(Thread.ofVirtual().start(() -> {
                while (running.get()) {
                    long t0 = System.nanoTime();
                    try {
                        client.send(request, HttpResponse.BodyHandlers.discarding());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    mine.add(System.nanoTime() - t0);
                }
            }));
        }
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        running.set(false);
        for (Thread t : threads) {
            t.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        List<Long> all = new ArrayList<>();
        latencies.forEach(all::addAll);
        Collections.sort(all);
        return new Result(all.size() / elapsed, all.get((int) (all.size() * 0.99)) / 1e6);
    }
}
