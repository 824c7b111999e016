package io.vaas.examples.host;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** README's main job: the example apps served over HTTP, and apps dropped into the folder deployed without a restart. */
class StandaloneServerTest {

    static final Path APPS = SideBySideTest.APPS;
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    static HttpResponse<String> get(String url) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheFolderAndFollowsItsChanges(@TempDir Path folder) throws Exception {
        Files.copy(APPS.resolve("hello-app.jar"), folder.resolve("hello-app.jar"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        try (StandaloneServer server = StandaloneServer.start(folder, "127.0.0.1", 0, out)) {
            String printed = log.toString(StandardCharsets.UTF_8);
            assertThat(printed).contains("Serving 1 app(s)").contains("GET " + server.url() + "/hello/hello/{name}");

            HttpResponse<String> hello = get(server.url() + "/hello/hello/world");
            assertThat(hello.statusCode()).isEqualTo(200);
            assertThat(hello.body()).contains("world");

            // The hello app's WebSocket route, printed with its ws: URL.
            String ws = server.url().replaceFirst("^http", "ws") + "/hello/echo";
            assertThat(printed).contains("WEBSOCKET " + ws);
            java.util.concurrent.CompletableFuture<String> echoed = new java.util.concurrent.CompletableFuture<>();
            java.net.http.WebSocket socket = CLIENT.newWebSocketBuilder().buildAsync(URI.create(ws),
                    new java.net.http.WebSocket.Listener() {
                        @Override
                        public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w,
                                                                                CharSequence data, boolean last) {
                            echoed.complete(data.toString());
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            socket.sendText("world", true).get(10, TimeUnit.SECONDS);
            assertThat(echoed.get(10, TimeUnit.SECONDS)).isEqualTo("hi, world");
            socket.sendClose(1000, "").get(10, TimeUnit.SECONDS);

            // Dropped in: deployed without a restart.
            Path copy = Files.copy(APPS.resolve("libraries-app.jar"), folder.resolve("libraries-app.jar"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!server.deployedApps().contains("libraries") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(server.deployedApps()).contains("libraries");
            HttpResponse<String> order = CLIENT.send(HttpRequest.newBuilder(URI.create(server.url() + "/libraries/orders"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"item\":\"tea\",\"qty\":2,\"tags\":[\"green\"]}"))
                    .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(order.statusCode()).isEqualTo(200);

            // Removed: undeployed.
            Files.delete(copy);
            while (server.deployedApps().contains("libraries") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(server.deployedApps()).containsExactly("hello");
            assertThat(get(server.url() + "/libraries/orders").statusCode()).isEqualTo(404);
            assertThat(log.toString(StandardCharsets.UTF_8)).contains("deployed libraries").contains("undeployed libraries");
        }
    }
}
