package io.vaas.examples.host;

import io.vaas.AppLoadException;
import io.vaas.Vaas;
import io.vaas.VaasCallException;
import io.vaas.api.HttpRequest;
import io.vaas.api.HttpResponse;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A host program that embeds the container: it deploys every app in a folder (by default the example apps built by
 * {@code vaas-examples}), lists their routes, and calls them.
 *
 * <pre>
 * mvn -q -DskipTests package exec:java          # from the repository root
 * </pre>
 */
public final class EmbeddedHost {

    private EmbeddedHost() {
    }

    /** @param args the apps folder; default {@code vaas-examples/target/apps} */
    public static void main(String[] args) {
        Path apps = Path.of(args.length > 0 ? args[0] : "vaas-examples/target/apps");
        if (!Files.isDirectory(apps)) {
            System.err.println("No apps folder at " + apps.toAbsolutePath() + ". Build the example apps first: "
                    + "mvn -q -DskipTests package (from the repository root), or pass an apps folder.");
            System.exit(2);
        }
        run(apps, System.out);
    }

    /** Deploys the apps in {@code apps}, calls each example route, and prints what happened to {@code out}. */
    public static void run(Path apps, PrintStream out) {
        try (Vaas vaas = Vaas.builder().apps(apps).build()) {
            out.println("Deployed from " + apps.toAbsolutePath().normalize() + ": " + vaas.apps());
            for (AppLoadException failure : vaas.deployFailures()) {
                out.println("  not deployed: " + failure.getMessage());
            }
            for (String app : vaas.apps()) {
                out.println("  " + app + " " + vaas.app(app).orElseThrow().config().version() + " routes "
                        + vaas.app(app).orElseThrow().routes());
            }
            out.println();
            call(out, "rpc  hello.add {a:1, b:2}", () -> vaas.rpc("hello.add", Map.of("a", 1, "b", 2)));
            call(out, "rpc  hello.ping", () -> vaas.rpc("hello.ping"));
            show(out, "http hello GET /hello/world?greeting=hi", vaas.http("hello", HttpRequest.get("/hello/world?greeting=hi")));
            show(out, "http hello GET /hello/world", vaas.http("hello", HttpRequest.get("/hello/world")));
            show(out, "http hello GET /divide/7/2", vaas.http("hello", HttpRequest.get("/divide/7/2")));
            show(out, "http hello GET /divide/7/0", vaas.http("hello", HttpRequest.get("/divide/7/0")));
            show(out, "http hello GET /nowhere", vaas.http("hello", HttpRequest.get("/nowhere")));
            show(out, "http libraries POST /orders", vaas.http("libraries", HttpRequest.post("/orders",
                    "{\"item\":\"tea\",\"qty\":2,\"tags\":[\"green\",\"loose leaf\"]}")));
            call(out, "rpc  guava-legacy.describe", () -> vaas.rpc("guava-legacy.describe"));
            call(out, "rpc  guava-modern.describe", () -> vaas.rpc("guava-modern.describe"));
            call(out, "rpc  nobody.home", () -> vaas.rpc("nobody.home"));
        }
        out.println();
        out.println("Closed: every app unloaded.");
    }

    private interface Call {
        Object run();
    }

    private static void call(PrintStream out, String what, Call call) {
        try {
            out.println(what + " -> " + call.run());
        } catch (VaasCallException e) {
            out.println(what + " -> error " + e.status() + " " + e.code() + ": " + e.getMessage());
        }
    }

    private static void show(PrintStream out, String what, HttpResponse r) {
        out.println(what + " -> " + r.status() + " " + r.bodyText());
    }
}
