package io.vaas.http;

import io.vaas.Vaas;
import io.vaas.VaasCallException;
import io.vaas.api.HttpRequest;
import io.vaas.api.HttpResponse;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Serves a container's apps in a Jetty 12 server. The app is the one whose {@code "hosts"} name the request's host;
 * else the first path segment names it, and the rest of the path is the app's ({@code /orders/items/7} → app
 * {@code orders}, path {@code /items/7}). Every failure is an error response with a JSON body that names what was
 * asked: 404 for no such app (listing the deployed ones), 413 for a body over {@link #maxBodyBytes}.
 *
 * <p>A WebSocket upgrade ({@code Upgrade: websocket}) is routed the same way to the app's {@code WEBSOCKET} route
 * for the path, when Jetty's WebSocket server ({@code org.eclipse.jetty.websocket:jetty-websocket-jetty-server}) is
 * on the class path; see {@link Vaas#webSocket}.
 *
 * <pre>{@code
 * server.setHandler(new VaasHandler(vaas));   // in a host's own Jetty server
 * }</pre>
 */
public final class VaasHandler extends Handler.Abstract.NonBlocking {

    /** The default largest request body: 10 MiB. */
    public static final int DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

    /**
     * Chooses the app for a request, and the path the app sees: the host's own routing (by a header, a tenant
     * table…). Returns null when no app serves the request (the gateway answers 404).
     */
    @FunctionalInterface
    public interface RequestRouter {
        /** @return the app and its path, or null */
        Target route(String host, String path, java.util.function.Function<String, String> header);
    }

    /**
     * Where a request goes.
     *
     * @param app  the app's name
     * @param path the path the app sees, starting with {@code /}
     */
    public record Target(String app, String path) {
    }

    /** Whether Jetty's WebSocket server is on the class path: WebSocket routes are served only then. */
    private static final boolean WEBSOCKETS = present("org.eclipse.jetty.websocket.server.ServerWebSocketContainer");

    private final Vaas vaas;
    private volatile int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private volatile RequestRouter router = this::byHostOrPrefix;
    private volatile java.time.Duration webSocketIdleTimeout = java.time.Duration.ofMinutes(5);
    private volatile boolean listAppsWhenNotFound;
    private volatile AccessLog accessLog;
    private volatile JettyWebSockets webSockets;

    public VaasHandler(Vaas vaas) {
        this.vaas = Objects.requireNonNull(vaas, "vaas");
    }

    private static boolean present(String name) {
        try {
            Class.forName(name, false, VaasHandler.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * How long a WebSocket connection may go without a message either way before it is closed; 5 minutes by
     * default. Set before the server starts.
     */
    public VaasHandler webSocketIdleTimeout(java.time.Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("webSocketIdleTimeout must be positive, got " + timeout);
        }
        this.webSocketIdleTimeout = timeout;
        return this;
    }

    @Override
    protected void doStart() throws Exception {
        if (WEBSOCKETS && getServer() != null) {
            webSockets = new JettyWebSockets(getServer(), webSocketIdleTimeout, maxBodyBytes);
        }
        super.doStart();
    }

    /**
     * Reports every HTTP request answered to {@code log} (for instance {@link AccessLog#slf4j()}, one logger per
     * app); null, the default, reports none.
     */
    public VaasHandler accessLog(AccessLog log) {
        this.accessLog = log;
        return this;
    }

    /**
     * Whether a 404 for a request no app serves lists the deployed apps (default: no). The gateway serves many
     * tenants on one address, and some are meant to be reached only by a host name of their own; the list tells any
     * client who else lives here. Turn it on for development, where the list is the quickest way to a typo.
     */
    public VaasHandler listAppsWhenNotFound(boolean list) {
        this.listAppsWhenNotFound = list;
        return this;
    }

    /**
     * Sets the largest request body accepted (larger ones get 413), which is also the largest WebSocket message
     * (larger ones close the connection with 1009).
     */
    public VaasHandler maxBodyBytes(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("maxBodyBytes must be 0 or more, got " + max);
        }
        this.maxBodyBytes = max;
        return this;
    }

    /**
     * Routes requests with {@code router} instead of by an app's hosts or the {@code /<app>/} prefix (which
     * {@link #byHostOrPrefix} still offers to fall back on).
     */
    public VaasHandler router(RequestRouter router) {
        this.router = Objects.requireNonNull(router, "router");
        return this;
    }

    /** The default routing: the app whose {@code "hosts"} name the host, else the first path segment. */
    public Target byHostOrPrefix(String host, String path, java.util.function.Function<String, String> header) {
        Optional<String> byHost = vaas.appForHost(host);
        if (byHost.isPresent()) {
            return new Target(byHost.get(), path);
        }
        String app = firstSegment(path);
        int slash = path.indexOf('/', 1);
        if (app.isEmpty() || !vaas.isDeployed(app)) {
            return null;
        }
        return new Target(app, slash < 0 ? "/" : path.substring(slash));
    }

    /** The first segment of {@code path}: the app it names under the {@code /<app>/} convention. */
    private static String firstSegment(String path) {
        int slash = path.indexOf('/', 1);
        return slash < 0 ? path.substring(1) : path.substring(1, slash);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        // Reading the body and calling the app block: off Jetty's selector, on a thread of its pool.
        request.getComponents().getExecutor().execute(() -> serve(request, response, callback));
        return true;
    }

    private void serve(Request request, Response response, Callback callback) {
        if (isWebSocketUpgrade(request)) {
            try {
                HttpResponse refused = upgrade(request, response, callback);
                if (refused != null) {
                    send(response, callback, refused, "");
                }
            } catch (Throwable t) {
                callback.failed(t);
            }
            return;
        }
        long arrived = System.nanoTime();
        Chunks chunks = new Chunks(response);
        try {
            Answer answer = answer(request, chunks);
            HttpResponse r = answer.response();
            if (!chunks.started) {
                long sent = send(response, callback, r, answer.cookieScope());
                logAccess(request, answer.app(), r.status(), sent, arrived);
            } else if (r.status() >= 400) {
                // The status went out with the first chunk: a failure after it can only cut the response short.
                callback.failed(new java.io.IOException("the streamed result failed: " + r.bodyText()));
            } else {
                response.write(true, ByteBuffer.allocate(0), callback);
                logAccess(request, answer.app(), chunks.status, chunks.bytes, arrived);
            }
        } catch (Throwable t) {
            callback.failed(t);
        }
    }

    private void logAccess(Request request, String app, int status, long bytes, long arrived) {
        AccessLog log = accessLog;
        if (log == null) {
            return;
        }
        try {
            log.record(new AccessLog.Entry(app, request.getMethod(), pathOf(request), status, bytes,
                    System.nanoTime() - arrived, Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request)));
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(AccessLog.class).warn("the access log failed: {}", e.toString());
        }
    }

    /** Streamed results, written to the client as the app produces them. */
    private static final class Chunks implements io.vaas.HttpChunks {
        private final Response response;
        boolean started;
        int status;
        long bytes;

        Chunks(Response response) {
            this.response = response;
        }

        @Override
        public void start(int status, String contentType) {
            started = true;
            this.status = status;
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        }

        @Override
        public void write(byte[] chunk) {
            try (org.eclipse.jetty.util.Blocker.Callback written = org.eclipse.jetty.util.Blocker.callback()) {
                response.write(false, ByteBuffer.wrap(chunk), written);
                written.block();
                bytes += chunk.length;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("the client went away while the stream was sent", e);
            }
        }
    }

    private static boolean isWebSocketUpgrade(Request request) {
        return "websocket".equalsIgnoreCase(request.getHeaders().get(HttpHeader.UPGRADE));
    }

    /** Upgrades a request to a WebSocket connection to an app's route; returns the error answer when it cannot. */
    private HttpResponse upgrade(Request request, Response response, Callback callback) {
        String host = Request.getServerName(request);
        String path = pathOf(request);
        Target target = router.route(host, path, name -> request.getHeaders().get(name));
        if (target == null) {
            return noTarget(host, path);
        }
        if (webSockets == null) {
            return error(501, "websocket_unavailable", "app '" + target.app() + "' was asked for a WebSocket "
                    + "connection, but this gateway serves none: add org.eclipse.jetty.websocket:"
                    + "jetty-websocket-jetty-server to the host's class path");
        }
        io.vaas.WebSocketConnection connection;
        try {
            connection = vaas.webSocket(target.app(), toCall(request, host, target.path()));
        } catch (VaasCallException e) {
            return vaas.errorResponse(e);
        }
        if (!webSockets.upgrade(connection, request, response, callback)) {
            return error(400, "bad_upgrade", "the request to app '" + target.app() + "' asks for a WebSocket but is "
                    + "not a valid WebSocket upgrade (RFC 6455: GET, Connection: Upgrade, Sec-WebSocket-Key, "
                    + "Sec-WebSocket-Version: 13)");
        }
        return null;
    }

    private static String pathOf(Request request) {
        String path = request.getHttpURI().getPath();
        return path == null || path.isEmpty() ? "/" : path;
    }

    /** The answer when no app serves a request: 503 if the app its path names failed to load, else 404. */
    private HttpResponse noTarget(String host, String path) {
        String prefix = firstSegment(path);
        var failed = prefix.isEmpty() ? Optional.<io.vaas.AppLoadException>empty() : vaas.loadFailure(prefix);
        if (failed.isPresent()) {
            return vaas.errorResponse(new VaasCallException(prefix, null, 503, "app_not_loaded", "app '" + prefix
                    + "' could not be loaded: " + withoutLocation(failed.get()) + " (the host's log has the details)",
                    null));
        }
        return error(404, "no_such_app", "no app for host '" + host + "' or path '" + path + "'" + (listAppsWhenNotFound
                ? "; deployed apps: " + vaas.apps() + " (reach one at /<app>/… or by a host in its \"hosts\")"
                : " (reach an app at /<app>/… or by a host in its \"hosts\")"));
    }

    /** Why an app failed to load, without where the host keeps it: a client of the gateway has no use for host paths. */
    private static String withoutLocation(io.vaas.AppLoadException failure) {
        String reason = failure.reason() == null ? "" : failure.reason();
        String location = failure.location();
        if (location != null && !location.isEmpty()) {
            reason = reason.replace(location, "<the app's location>");
            String folder = folderOf(location);
            if (folder != null && folder.length() > 1) {
                reason = reason.replace(folder, "<the app's folder>");
            }
        }
        return reason;
    }

    private static String folderOf(String location) {
        try {
            java.nio.file.Path parent = java.nio.file.Path.of(location).toAbsolutePath().getParent();
            return parent == null ? null : parent.toString();
        } catch (RuntimeException notAPath) {
            return null;
        }
    }

    /** The request as the app sees it: its own path, the headers, host and remote address; no body yet. */
    private static HttpRequest toCall(Request request, String host, String appPath) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HttpField f : request.getHeaders()) {
            headers.computeIfAbsent(f.getLowerCaseName(), k -> new ArrayList<>()).add(f.getValue());
        }
        String query = request.getHttpURI().getQuery();
        return HttpRequest.of(request.getMethod(), query == null ? appPath : appPath + "?" + query)
                .withHeaders(headers).withHost(host == null ? "" : host)
                .withRemoteAddress(Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request));
    }

    /** Whether the request certainly has no body: a length of 0, or HTTP/1 without a length or chunked encoding. */
    private static boolean hasNoBody(Request request, long declared) {
        if (declared >= 0) {
            return declared == 0;
        }
        org.eclipse.jetty.http.HttpVersion version = request.getConnectionMetaData().getHttpVersion();
        return (version == org.eclipse.jetty.http.HttpVersion.HTTP_1_1
                || version == org.eclipse.jetty.http.HttpVersion.HTTP_1_0)
                && !request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
    }

    /**
     * What a request is answered with, and the path its app's cookies are scoped to: the part of the gateway's path
     * before the app's own (empty when the app is reached by a host name of its own).
     */
    private record Answer(HttpResponse response, String app, String cookieScope) {
        Answer(HttpResponse response) {
            this(response, null, "");
        }
    }

    private Answer answer(Request request, Chunks chunks) throws java.io.IOException {
        String host = Request.getServerName(request);
        String path = pathOf(request);
        Target target = router.route(host, path, name -> request.getHeaders().get(name));
        if (target == null) {
            return new Answer(noTarget(host, path));
        }
        String app = target.app();
        long declared = request.getLength();
        if (declared > maxBodyBytes) {
            return new Answer(error(413, "body_too_large", "the request body of " + declared + " bytes is over the "
                    + "limit of " + maxBodyBytes + " bytes"));
        }
        byte[] body;
        if (hasNoBody(request, declared)) {
            // A GET, mostly: nothing to read, and no stream and buffer to make for it.
            body = new byte[0];
        } else {
            try (InputStream in = Content.Source.asInputStream(request)) {
                body = in.readNBytes(declared > 0 ? (int) declared + 1 : maxBodyBytes + 1);
            }
        }
        if (body.length > maxBodyBytes) {
            return new Answer(error(413, "body_too_large", "the request body is over the limit of " + maxBodyBytes
                    + " bytes"));
        }
        HttpRequest call = toCall(request, host, target.path());
        if (body.length > 0) {
            call = call.withBody(body);
        }
        String appPath = target.path();
        String scope = path.endsWith(appPath) ? path.substring(0, path.length() - appPath.length()) : "/" + app;
        return new Answer(vaas.http(app, call, chunks), app, scope);
    }

    private HttpResponse error(int status, String code, String message) {
        return vaas.errorResponse(new VaasCallException(null, null, status, code, message, null));
    }

    /** Where headers an app may not send are reported as they are dropped. */
    private static final org.slf4j.Logger DROPPED = org.slf4j.LoggerFactory.getLogger(GuestHeaders.class);

    /** Sends {@code r} whole; returns the body bytes sent. */
    private static long send(Response response, Callback callback, HttpResponse r, String cookieScope) {
        response.setStatus(r.status());
        r.headers().forEach((name, values) -> values.forEach(v -> {
            String refusal = GuestHeaders.refusal(name, v);
            if (refusal == null) {
                response.getHeaders().add(name, name.equalsIgnoreCase("set-cookie")
                        ? GuestHeaders.scopedCookie(v, cookieScope) : v);
            } else {
                DROPPED.warn("a response of {} carried header '{}', which {}: dropped", response.getRequest().getHttpURI()
                        .getPath(), name, refusal);
            }
        }));
        if (r.contentType() != null) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, r.contentType());
        }
        byte[] body = r.body();
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        return body.length;
    }
}
