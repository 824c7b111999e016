package io.vaas.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An HTTP request as a route sees it: method, path, query, headers, body, and the path parameters its route pattern
 * captured. Immutable; the {@code with…} methods return changed copies.
 *
 * <pre>{@code
 * HttpRequest r = HttpRequest.post("/orders?dry=true", "{\"item\":\"tea\"}")
 *         .withHeader("Content-Type", "application/json");
 * }</pre>
 */
public final class HttpRequest {

    private static final byte[] NO_BODY = new byte[0];

    private final String method;
    private final String path;
    private final String query;
    private final Map<String, List<String>> headers;
    private final byte[] body;
    private final Map<String, String> params;
    private final String host;
    private final String remoteAddress;
    private volatile Map<String, List<String>> queryParams;

    private HttpRequest(String method, String path, String query, Map<String, List<String>> headers, byte[] body,
                        Map<String, String> params, String host, String remoteAddress) {
        this.host = host;
        this.remoteAddress = remoteAddress;
        this.method = method;
        this.path = path;
        this.query = query;
        this.headers = headers;
        this.body = body;
        this.params = params;
    }

    /**
     * A request with no headers and no body.
     *
     * @param method the HTTP method, any case ({@code "get"} becomes {@code "GET"})
     * @param target the path, optionally followed by {@code ?query}; it must start with {@code /}
     * @throws IllegalArgumentException if the method is blank or the target does not start with {@code /}
     */
    public static HttpRequest of(String method, String target) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        if (method.isBlank()) {
            throw new IllegalArgumentException("HTTP method must not be blank");
        }
        if (!target.startsWith("/")) {
            throw new IllegalArgumentException("request target must start with '/': " + target);
        }
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? "" : target.substring(q + 1);
        return new HttpRequest(method.toUpperCase(Locale.ROOT), path, query, Map.of(), NO_BODY, Map.of(), "", "");
    }

    /** A {@code GET} of {@code target} (a path, optionally with {@code ?query}). */
    public static HttpRequest get(String target) {
        return of("GET", target);
    }

    /** A {@code DELETE} of {@code target}. */
    public static HttpRequest delete(String target) {
        return of("DELETE", target);
    }

    /** A {@code POST} of {@code target} with a UTF-8 text body, typically JSON. */
    public static HttpRequest post(String target, String body) {
        return of("POST", target).withBody(body);
    }

    /** A {@code PUT} of {@code target} with a UTF-8 text body, typically JSON. */
    public static HttpRequest put(String target, String body) {
        return of("PUT", target).withBody(body);
    }

    /** The method, upper case. */
    public String method() {
        return method;
    }

    /** The path, without the query, as sent (not decoded). */
    public String path() {
        return path;
    }

    /** The raw query string without {@code ?}, or {@code ""}. */
    public String query() {
        return query;
    }

    /** The query parameters, decoded, in order of appearance; a name given twice has two values. */
    public Map<String, List<String>> queryParams() {
        Map<String, List<String>> parsed = queryParams;
        if (parsed == null) {
            parsed = parseQuery(query);
            queryParams = parsed;
        }
        return parsed;
    }

    /** The first value of query parameter {@code name}, or null. */
    public String queryParam(String name) {
        List<String> values = queryParams().get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    /** The headers; names are lower case. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** The first value of header {@code name} (any case), or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    /** A copy of the body bytes; empty when there is no body. */
    public byte[] body() {
        return body.length == 0 ? NO_BODY : body.clone();
    }

    /** The body decoded as UTF-8. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Whether the request carries a body. */
    public boolean hasBody() {
        return body.length > 0;
    }

    /** The path parameters captured by the route's {@code {name}} segments, decoded. */
    public Map<String, String> params() {
        return params;
    }

    /** A copy with header {@code name} set to {@code value} (replacing earlier values). */
    public HttpRequest withHeader(String name, String value) {
        Objects.requireNonNull(value, "value");
        Map<String, List<String>> copy = new TreeMap<>(headers);
        copy.put(name.toLowerCase(Locale.ROOT), List.of(value));
        return new HttpRequest(method, path, query, Collections.unmodifiableMap(copy), body, params, host,
                remoteAddress);
    }

    /** A copy with all these headers (names in any case). */
    public HttpRequest withHeaders(Map<String, List<String>> newHeaders) {
        Map<String, List<String>> copy = new TreeMap<>();
        newHeaders.forEach((k, v) -> copy.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        return new HttpRequest(method, path, query, Collections.unmodifiableMap(copy), body, params, host,
                remoteAddress);
    }

    /** A copy with this body. */
    public HttpRequest withBody(byte[] newBody) {
        return new HttpRequest(method, path, query, headers, newBody == null ? NO_BODY : newBody.clone(), params, host,
                remoteAddress);
    }

    /** A copy with this body, encoded as UTF-8. */
    public HttpRequest withBody(String newBody) {
        return withBody(newBody == null ? NO_BODY : newBody.getBytes(StandardCharsets.UTF_8));
    }

    /** The host name the client asked for (from the request line or {@code Host} header), or "" when not known. */
    public String host() {
        return host;
    }

    /** The client's address as the server saw it ({@code "203.0.113.7:53124"}), or "" when not known. */
    public String remoteAddress() {
        return remoteAddress;
    }

    /** A copy with this host name; the HTTP gateway sets it. */
    public HttpRequest withHost(String newHost) {
        return new HttpRequest(method, path, query, headers, body, params, Objects.requireNonNull(newHost, "host"),
                remoteAddress);
    }

    /** A copy with this client address; the HTTP gateway sets it. */
    public HttpRequest withRemoteAddress(String address) {
        return new HttpRequest(method, path, query, headers, body, params, host,
                Objects.requireNonNull(address, "address"));
    }

    /** A copy with these path parameters; the container calls this when a route pattern matches. */
    public HttpRequest withParams(Map<String, String> newParams) {
        return new HttpRequest(method, path, query, headers, body, Map.copyOf(newParams), host, remoteAddress);
    }

    private static Map<String, List<String>> parseQuery(String query) {
        if (query.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.computeIfAbsent(name, k -> new java.util.ArrayList<>()).add(value);
        }
        out.replaceAll((k, v) -> List.copyOf(v));
        return Collections.unmodifiableMap(out);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return s;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HttpRequest r && method.equals(r.method) && path.equals(r.path) && query.equals(r.query)
                && headers.equals(r.headers) && Arrays.equals(body, r.body) && params.equals(r.params)
                && host.equals(r.host) && remoteAddress.equals(r.remoteAddress);
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, path, query, headers, Arrays.hashCode(body), params, host, remoteAddress);
    }

    @Override
    public String toString() {
        return method + " " + path + (query.isEmpty() ? "" : "?" + query);
    }
}
