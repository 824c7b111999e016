package io.vaas;

import io.vaas.http.Gateway;
import io.vaas.http.VaasHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * WebSocket routes: through the gateway (a real Jetty server on 127.0.0.1 and the JDK's WebSocket client), and
 * through the host API with a transport of the host's own.
 */
class WebSocketTest {

    static final GuestApp CHAT = GuestApp.withDescriptor("""
            {"name": "chat", "timeoutMs": 300}
            """).source("ws.Chat", """
            package ws;
            import io.vaas.api.*;
            import java.util.*;
            import java.util.concurrent.*;
            public class Chat {
                static final Map<String, Set<WebSocketSession>> ROOMS = new ConcurrentHashMap<>();
                public record Move(int x, int y) { }
                public record Moved(int x, int y, int sum) { }
                public record Left(String left, int code) { }

                @VaasServer(type = ServerType.WEBSOCKET, route = "/echo")
                public String echo(String text) {
                    if (text.equals("boom")) {
                        throw new VaasException(409, "boom", "asked to fail");
                    }
                    if (text.equals("spin")) {
                        long x = 0;
                        while (x >= 0) { x++; }
                    }
                    return "echo: " + text;
                }

                @VaasServer(type = ServerType.WEBSOCKET, route = "/ticker")
                public String ticker(WebSocketMessage m) throws InterruptedException {
                    if (m.kind() != WebSocketMessage.Kind.OPEN) {
                        return null;
                    }
                    WebSocketSession session = m.session();
                    Thread pusher = new Thread(() -> {
                        for (int i = 1; i <= 3; i++) {
                            session.send("tick " + i + " from " + Thread.currentThread().getName());
                        }
                    });
                    pusher.start();
                    pusher.join();
                    return "on " + Thread.currentThread().getName();
                }

                @VaasServer(type = ServerType.WEBSOCKET, route = "/probe")
                public String probe(WebSocketMessage m) {
                    if (m.kind() != WebSocketMessage.Kind.TEXT) {
                        return null;
                    }
                    Object s = m.session();
                    try {
                        if (m.text().equals("methods")) {
                            java.util.TreeSet<String> names = new java.util.TreeSet<>();
                            for (java.lang.reflect.Method x : s.getClass().getMethods()) {
                                if (x.getDeclaringClass() != Object.class) {
                                    names.add(x.getName());
                                }
                            }
                            return names.toString();
                        }
                        // Reach the host's side of the connection through the inner object's link to it.
                        java.lang.reflect.Field outer = s.getClass().getDeclaredField("this$0");
                        outer.setAccessible(true);
                        Object connection = outer.get(s);
                        connection.getClass().getMethod("text", String.class).invoke(connection, "forged");
                        return "escaped";
                    } catch (SecurityException e) {
                        return "denied: " + e.getMessage();
                    } catch (Exception e) {
                        return "failed: " + e;
                    }
                }

                @VaasServer(type = ServerType.WEBSOCKET, route = "/reverse")
                public byte[] reverse(byte[] data) {
                    byte[] out = new byte[data.length];
                    for (int i = 0; i < data.length; i++) {
                        out[i] = data[data.length - 1 - i];
                    }
                    return out;
                }

                @VaasServer(type = ServerType.WEBSOCKET, route = "/move")
                public Moved move(Move m) {
                    return new Moved(m.x(), m.y(), m.x() + m.y());
                }

                @VaasServer(type = ServerType.WEBSOCKET, route = "/room/{name}")
                public String room(WebSocketMessage m) {
                    String room = m.session().request().params().get("name");
                    Set<WebSocketSession> members = ROOMS.computeIfAbsent(room, k -> ConcurrentHashMap.newKeySet());
                    switch (m.kind()) {
                        case OPEN:
                            if (room.equals("locked")) {
                                throw new VaasException(403, "locked", "room " + room + " is locked");
                            }
                            members.add(m.session());
                            return "joined " + room + " (" + members.size() + ") from "
                                    + m.session().request().queryParam("who");
                        case TEXT:
                            for (WebSocketSession s : members) {
                                if (s != m.session()) {
                                    s.send(m.session().request().queryParam("who") + ": " + m.text());
                                }
                            }
                            return null;
                        case CLOSE:
                            members.remove(m.session());
                            for (WebSocketSession s : members) {
                                s.sendJson(new Left(m.session().request().queryParam("who"), m.closeCode()));
                            }
                            return null;
                        default:
                            return null;
                    }
                }
            }
            """);

    static final HttpClient CLIENT = HttpClient.newHttpClient();

    Vaas vaas;
    Gateway gateway;

    void start(Path dir, String config) {
        vaas = Vaas.builder().deploy(AppSpec.of(CHAT.writeJar(dir.resolve("chat.jar"))).config(config),
                AppSpec.of(BadInputTest.NEIGHBOUR.writeJar(dir.resolve("neighbour.jar")))).build();
        gateway = Gateway.start(new VaasHandler(vaas).maxBodyBytes(1024), "127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (vaas != null) {
            vaas.close();
        }
    }

    /** A WebSocket client that keeps what it receives. */
    static final class Client implements WebSocket.Listener {
        final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        static Client connect(URI uri) {
            Client c = new Client();
            c.socket = CLIENT.newWebSocketBuilder().buildAsync(uri, c).join();
            return c;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            received.add(b);
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete("error " + error);
        }

        Object next() throws InterruptedException {
            Object o = received.poll(10, TimeUnit.SECONDS);
            assertThat(o).as("a message within 10 s").isNotNull();
            return o;
        }

        String nextText() throws InterruptedException {
            return (String) next();
        }

        void say(String text) {
            socket.sendText(text, true).join();
        }

        String awaitClose() throws Exception {
            return closed.get(10, TimeUnit.SECONDS);
        }
    }

    URI ws(String path) {
        return URI.create(gateway.url().replace("http://", "ws://") + path);
    }

    @Test
    void messagesAreCallsAndWhatTheyReturnIsSentBack(@TempDir Path dir) throws Exception {
        start(dir, "{}");
        Client echo = Client.connect(ws("/chat/echo"));
        echo.say("hi");
        assertThat(echo.nextText()).isEqualTo("echo: hi");
        // A failure is an error message; the connection stays open.
        echo.say("boom");
        assertThat(echo.nextText()).contains("\"status\":409").contains("\"error\":\"boom\"").contains("asked to fail");
        echo.say("again");
        assertThat(echo.nextText()).isEqualTo("echo: again");

        Client reverse = Client.connect(ws("/chat/reverse"));
        reverse.socket.sendBinary(ByteBuffer.wrap(new byte[]{1, 2, 3}), true).join();
        assertThat((byte[]) reverse.next()).containsExactly(3, 2, 1);

        Client move = Client.connect(ws("/chat/move"));
        move.say("{\"x\": 2, \"y\": 5}");
        assertThat(move.nextText()).isEqualTo("{\"x\":2,\"y\":5,\"sum\":7}");
        move.say("{\"x\": \"two\"}");
        assertThat(move.nextText()).contains("\"status\":400").contains("bad_body")
                .contains("the message does not bind to ws.Chat$Move");
        move.say("{\"x\": 1, \"y\": 1}");
        assertThat(move.nextText()).contains("\"sum\":2");
        echo.socket.sendClose(1000, "bye").join();
        assertThat(echo.awaitClose()).startsWith("1000");
    }

    @Test
    void aRouteWithTheSessionSeesEveryEventAndSendsToOthers(@TempDir Path dir) throws Exception {
        start(dir, "{}");
        Client ann = Client.connect(ws("/chat/room/tea?who=ann"));
        assertThat(ann.nextText()).isEqualTo("joined tea (1) from ann");
        Client bob = Client.connect(ws("/chat/room/tea?who=bob"));
        assertThat(bob.nextText()).isEqualTo("joined tea (2) from bob");
        ann.say("hello bob");
        assertThat(bob.nextText()).isEqualTo("ann: hello bob");
        bob.socket.sendClose(1000, "done").join();
        assertThat(ann.nextText()).contains("\"left\":\"bob\"").contains("\"code\":1000");

        // Refused at OPEN: the error, then a close with 4000 + its status.
        Client eve = Client.connect(ws("/chat/room/locked?who=eve"));
        assertThat(eve.nextText()).contains("\"status\":403").contains("room locked is locked");
        assertThat(eve.awaitClose()).startsWith("4403 locked");
    }

    @Test
    void theWrongKindOfMessageAndOversizeMessagesCloseTheConnection(@TempDir Path dir) throws Exception {
        start(dir, "{}");
        Client reverse = Client.connect(ws("/chat/reverse"));
        reverse.say("text to a bytes route");
        assertThat(reverse.awaitClose()).startsWith("1003").contains("takes binary messages");

        Client echo = Client.connect(ws("/chat/echo"));
        echo.say("x".repeat(2000));
        assertThat(echo.awaitClose()).startsWith("1009");
    }

    @Test
    void unknownRoutesAndAppsAreRefusedAtTheUpgrade(@TempDir Path dir) {
        start(dir, "{}");
        assertThat(handshakeStatus(ws("/chat/nowhere"))).isEqualTo(404);
        assertThat(handshakeStatus(ws("/ghost/echo"))).isEqualTo(404);
        // Through the host API, the error names the app's WebSocket routes.
        assertThatThrownBy(() -> vaas.webSocket("chat", io.vaas.api.HttpRequest.get("/nowhere")))
                .isInstanceOfSatisfying(VaasCallException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.getMessage()).contains("app 'chat' has no WebSocket route for /nowhere; its "
                            + "WebSocket routes are [WEBSOCKET /echo, WEBSOCKET /move, WEBSOCKET /probe, "
                            + "WEBSOCKET /reverse, WEBSOCKET /room/{name}, WEBSOCKET /ticker]");
                });
        // An HTTP request to a WebSocket route's path is not served by it.
        assertThat(vaas.http("chat", io.vaas.api.HttpRequest.get("/echo")).status()).isEqualTo(404);
    }

    static int handshakeStatus(URI uri) {
        try {
            CLIENT.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() { }).join();
            return 101;
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
            return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
        }
    }

    @Test
    void aRunawayMessageEndsAtTheDeadlineAndTheNeighbourAnswers(@TempDir Path dir) throws Exception {
        start(dir, "{}");
        Client echo = Client.connect(ws("/chat/echo"));
        echo.say("spin");
        assertThat(echo.nextText()).contains("\"status\":504").contains("timeout")
                .contains("app 'chat' route 'WEBSOCKET /echo' was stopped");
        assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        echo.say("still here");
        assertThat(echo.nextText()).isEqualTo("echo: still here");
    }

    @Test
    void redeployClosesTheOldVersionsConnectionsAndNewOnesReachTheNewVersion(@TempDir Path dir) throws Exception {
        start(dir, "{}");
        Client ann = Client.connect(ws("/chat/room/tea?who=ann"));
        assertThat(ann.nextText()).startsWith("joined tea (1)");
        vaas.deploy(AppSpec.of(CHAT.writeJar(dir.resolve("chat2.jar"))).config("{\"version\": \"2\"}"));
        assertThat(ann.awaitClose()).startsWith("1001 app 'chat' 0.0.0 was unloaded or replaced; connect again");
        // The new version has its own (empty) room.
        Client again = Client.connect(ws("/chat/room/tea?who=ann"));
        assertThat(again.nextText()).isEqualTo("joined tea (1) from ann");
        assertThat(vaas.undeploy("chat")).isTrue();
        assertThat(again.awaitClose()).startsWith("1001");
    }

    /** A host's own transport: what the container sends, kept in order. */
    static final class RecordingPeer implements WebSocketPeer {
        final List<String> sent = new ArrayList<>();
        String closed;

        @Override
        public synchronized void sendText(String text) {
            sent.add(text);
        }

        @Override
        public synchronized void sendBinary(byte[] data) {
            sent.add("bytes " + data.length);
        }

        @Override
        public synchronized void close(int code, String reason) {
            closed = code + " " + reason;
        }

        @Override
        public synchronized boolean isOpen() {
            return closed == null;
        }
    }

    @Test
    void theSessionAnAppHoldsDoesNotReachTheHostsSideOfTheConnection(@TempDir Path dir) throws Exception {
        try (Vaas host = Vaas.builder().deploy(AppSpec.of(CHAT.writeJar(dir.resolve("chat.jar")))).build()) {
            RecordingPeer peer = new RecordingPeer();
            WebSocketConnection c = host.webSocket("chat", io.vaas.api.HttpRequest.get("/probe"));
            c.opened(peer);
            c.text("methods");
            c.text("forge");
            assertThat(peer.sent.get(0)).isEqualTo("[close, id, isOpen, request, send, sendJson, toString]");
            assertThat(peer.sent.get(1)).startsWith("denied: app 'chat'").contains("'reflection'");
            assertThat(peer.sent).hasSize(2);
        }
    }

    @Test
    void connectionsPastTheAppsLimitAreRefusedAtTheUpgrade(@TempDir Path dir) throws Exception {
        start(dir, "{\"limits\": {\"maxWebSockets\": 2}}");
        Client one = Client.connect(ws("/chat/echo"));
        Client two = Client.connect(ws("/chat/echo"));
        assertThat(handshakeStatus(ws("/chat/echo"))).isEqualTo(503);
        assertThatThrownBy(() -> vaas.webSocket("chat", io.vaas.api.HttpRequest.get("/echo")))
                .isInstanceOfSatisfying(VaasCallException.class, e -> {
                    assertThat(e.code()).isEqualTo("too_many_websockets");
                    assertThat(e.getMessage()).contains("app 'chat' has 2 WebSocket connections open, its "
                            + "limits.maxWebSockets of 2; try again later, or raise limits.maxWebSockets");
                });
        one.say("still");
        assertThat(one.nextText()).isEqualTo("echo: still");
        // A closed connection makes room.
        two.socket.sendClose(1000, "").join();
        two.awaitClose();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int status = handshakeStatus(ws("/chat/echo"));
        while (status != 101 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            status = handshakeStatus(ws("/chat/echo"));
        }
        assertThat(status).isEqualTo(101);
    }

    @Test
    void theLimitIsExactWhenManyConnectionsOpenAtOnce(@TempDir Path dir) throws Exception {
        try (Vaas host = Vaas.builder().deploy(AppSpec.of(CHAT.writeJar(dir.resolve("chat.jar")))
                .config("{\"limits\": {\"maxWebSockets\": 3}}")).build()) {
            int n = 40;
            // All 40 pass the upgrade's early check together: none is open yet.
            List<WebSocketConnection> connections = new ArrayList<>();
            List<RecordingPeer> peers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                connections.add(host.webSocket("chat", io.vaas.api.HttpRequest.get("/echo")));
                peers.add(new RecordingPeer());
            }
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<Thread> openers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                openers.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    connections.get(k).opened(peers.get(k));
                }));
            }
            go.countDown();
            for (Thread t : openers) {
                t.join();
            }
            List<RecordingPeer> open = peers.stream().filter(RecordingPeer::isOpen).toList();
            assertThat(open).hasSize(3);
            assertThat(peers.stream().filter(p -> !p.isOpen()))
                    .allSatisfy(p -> assertThat(p.closed).startsWith("1013 app 'chat' has 3 WebSocket connections "
                            + "open, its limits.maxWebSockets of 3"));
            // The refused never reached the app; the open ones are served.
            int first = peers.indexOf(open.get(0));
            connections.get(first).text("hi");
            assertThat(open.get(0).sent).containsExactly("echo: hi");
            // A closed connection makes room for the next.
            connections.get(first).closed(1000, "");
            RecordingPeer late = new RecordingPeer();
            host.webSocket("chat", io.vaas.api.HttpRequest.get("/echo")).opened(late);
            assertThat(late.isOpen()).isTrue();
        }
    }

    @Test
    void anAppPushesFromItsOwnThreadsAndOpenConnectionsKeepItLoaded(@TempDir Path dir) throws Exception {
        try (Vaas host = Vaas.builder().deploy(AppSpec.of(CHAT.writeJar(dir.resolve("chat.jar")))
                .config("{\"idleUnloadMs\": 200, \"workerThreads\": \"always\"}")).build()) {
            RecordingPeer peer = new RecordingPeer();
            WebSocketConnection c = host.webSocket("chat", io.vaas.api.HttpRequest.get("/ticker"));
            c.opened(peer);
            assertThat(peer.sent).hasSize(4);
            assertThat(peer.sent.subList(0, 3)).allSatisfy(m -> assertThat(m).matches("tick \\d from chat/.*"));
            // The OPEN event ran on one of the app's worker threads.
            assertThat(peer.sent.get(3)).startsWith("on vaas-worker:chat-");
            Thread.sleep(700);
            assertThat(host.dormant("chat")).as("an app with an open connection is not idle").isFalse();
            c.closed(1000, "");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!host.dormant("chat") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(host.dormant("chat")).isTrue();
            // A new connection loads it again.
            RecordingPeer again = new RecordingPeer();
            host.webSocket("chat", io.vaas.api.HttpRequest.get("/echo")).opened(again);
            assertThat(host.dormant("chat")).isFalse();
        }
    }

    @Test
    void aHostFeedsConnectionsFromItsOwnTransport(@TempDir Path dir) throws Exception {
        try (Vaas host = Vaas.builder().deploy(AppSpec.of(CHAT.writeJar(dir.resolve("chat.jar")))).build()) {
            RecordingPeer ann = new RecordingPeer();
            WebSocketConnection a = host.webSocket("chat", io.vaas.api.HttpRequest.get("/room/den?who=ann"));
            assertThat(a.app()).isEqualTo("chat");
            assertThat(a.route()).isEqualTo("WEBSOCKET /room/{name}");
            a.opened(ann);
            RecordingPeer bob = new RecordingPeer();
            WebSocketConnection b = host.webSocket("chat", io.vaas.api.HttpRequest.get("/room/den?who=bob"));
            b.opened(bob);
            a.text("hi");
            b.closed(1001, "gone");
            assertThat(bob.sent).containsExactly("joined den (2) from bob", "ann: hi");
            assertThat(ann.sent).containsExactly("joined den (1) from ann", "{\"left\":\"bob\",\"code\":1001}");
            // An open connection keeps its app; unloading closes it.
            assertThat(host.undeploy("chat")).isTrue();
            assertThat(ann.closed).startsWith("1001");
        }
    }
}
