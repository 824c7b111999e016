package io.vaas.examples.host;

import io.vaas.AppHandle;
import io.vaas.AppLoadException;
import io.vaas.AppSpec;
import io.vaas.Vaas;
import io.vaas.http.Gateway;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The standalone server: serves every app of a folder over HTTP on the embedded defaults ({@code 127.0.0.1:8080}),
 * prints the URLs it serves, and deploys apps dropped into the folder, or changed there, without a restart
 * (removing one undeploys it). README's main job.
 *
 * <pre>
 * mvn -q -DskipTests package exec:java                          # from the repository root
 * java … io.vaas.examples.host.StandaloneServer [apps-folder] [--port N] [--host H]
 * </pre>
 */
public final class StandaloneServer implements AutoCloseable {

    private final Path folder;
    private final Vaas vaas;
    private final Gateway gateway;
    private final PrintStream out;
    private final WatchService watcher;
    private final Thread watching;
    /** Which app each path of the folder deployed, to redeploy or undeploy it when it changes. */
    private final Map<Path, String> deployed = new ConcurrentHashMap<>();

    private StandaloneServer(Path folder, String host, int port, PrintStream out) throws IOException {
        this.folder = folder.toAbsolutePath().normalize();
        this.out = out;
        this.vaas = Vaas.builder().build();
        try (Stream<Path> entries = Files.list(this.folder)) {
            for (Path p : entries.sorted().toList()) {
                deploy(p, false);
            }
        }
        this.gateway = Gateway.start(vaas, host, port);
        this.watcher = this.folder.getFileSystem().newWatchService();
        this.folder.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        this.watching = Thread.ofPlatform().daemon().name("apps-folder-watch").start(this::watch);
    }

    /** Starts serving {@code folder} on {@code host:port} (0: a free port), reporting to {@code out}. */
    public static StandaloneServer start(Path folder, String host, int port, PrintStream out) throws IOException {
        StandaloneServer server = new StandaloneServer(folder, host, port, out);
        server.printUrls();
        return server;
    }

    public static void main(String[] args) throws Exception {
        Path folder = Path.of("vaas-examples/target/apps");
        String host = "127.0.0.1";
        int port = 8080;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--host" -> host = args[++i];
                default -> folder = Path.of(args[i]);
            }
        }
        if (!Files.isDirectory(folder)) {
            System.err.println("No apps folder at " + folder.toAbsolutePath() + ". Build the example apps first: "
                    + "mvn -q -DskipTests package (from the repository root), or pass an apps folder.");
            System.exit(2);
        }
        StandaloneServer server = start(folder, host, port, System.out);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.println("Serving until stopped (Ctrl-C). Drop an app into " + server.folder + " to deploy it.");
        Thread.currentThread().join();
    }

    /** The gateway's address, {@code http://host:port}. */
    public String url() {
        return gateway.url();
    }

    /** The container the server runs. */
    public Vaas vaas() {
        return vaas;
    }

    private void printUrls() {
        out.println("Serving " + vaas.apps().size() + " app(s) from " + folder + " on " + url());
        for (String app : vaas.apps()) {
            AppHandle handle = vaas.app(app).orElseThrow();
            for (String route : handle.routes()) {
                if (route.startsWith("RPC ")) {
                    out.println("  " + app + ": " + route + " (vaas.rpc(\"" + app + "." + route.substring(4) + "\"))");
                } else {
                    int space = route.indexOf(' ');
                    String base = route.startsWith("WEBSOCKET ") ? url().replaceFirst("^http", "ws") : url();
                    out.println("  " + app + ": " + route.substring(0, space + 1) + base + "/" + app
                            + route.substring(space + 1));
                }
            }
        }
    }

    private void deploy(Path path, boolean report) {
        String name = path.getFileName().toString();
        boolean app = name.endsWith(".jar") || Files.isDirectory(path);
        if (!app || name.startsWith(".")) {
            return;
        }
        try {
            AppHandle handle = vaas.deploy(AppSpec.of(path));
            String previous = deployed.put(path, handle.name());
            if (report) {
                out.println((previous == null ? "deployed " : "redeployed ") + handle.name() + " from " + path);
            }
        } catch (AppLoadException | IllegalArgumentException e) {
            out.println("not deployed: " + e.getMessage());
        }
    }

    private void watch() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                // A jar is written in several steps: let it settle, then act once per path.
                Thread.sleep(300);
                java.util.Set<Path> changed = new java.util.LinkedHashSet<>();
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.context() instanceof Path relative) {
                        changed.add(folder.resolve(relative));
                    }
                }
                key.reset();
                for (Path p : changed) {
                    if (Files.exists(p)) {
                        deploy(p, true);
                    } else {
                        String name = deployed.remove(p);
                        if (name != null && vaas.undeploy(name)) {
                            out.println("undeployed " + name + " (" + p + " was removed)");
                        }
                    }
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // Stopped.
        }
    }

    /** Stops watching, stops the gateway (calls in flight finish), unloads every app. */
    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException e) {
            // Closing anyway.
        }
        watching.interrupt();
        gateway.close();
        vaas.close();
    }

    List<String> deployedApps() {
        return List.copyOf(vaas.apps());
    }
}
