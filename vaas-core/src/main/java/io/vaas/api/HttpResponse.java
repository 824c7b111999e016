package io.vaas.api;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An HTTP response: status, headers and body bytes. Routes may return one to choose status and headers themselves;
 * the container returns one from {@code Vaas.http(...)}. Immutable.
 *
 * <pre>{@code
 * return HttpResponse.text(201, "created").withHeader("Location", "/orders/7");
 * }</pre>
 */
public final class HttpResponse {

    /** The content type of JSON bodies. */
    public static final String JSON = "application/json";
    /** The content type of text bodies. */
    public static final String TEXT = "text/plain; charset=utf-8";
    /** The content type of byte bodies. */
    public static final String BYTES = "application/octet-stream";

    private static final byte[] NO_BODY = new byte[0];

    private final int status;
    private final Map<String, List<String>> headers;
    private final byte[] body;

    private HttpResponse(int status, Map<String, List<String>> headers, byte[] body) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTP status must be 100-599, got " + status);
        }
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    /** A response with this status, no headers and no body. */
    public static HttpResponse status(int status) {
        return new HttpResponse(status, Map.of(), NO_BODY);
    }

    /** A response with this status, body and content type. */
    public static HttpResponse of(int status, String contentType, byte[] body) {
        Objects.requireNonNull(contentType, "contentType");
        return new HttpResponse(status, Map.of("content-type", List.of(contentType)),
                body == null ? NO_BODY : body.clone());
    }

    /** A text response, UTF-8. */
    public static HttpResponse text(int status, String text) {
        return of(status, TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A JSON response from already-encoded JSON text. */
    public static HttpResponse json(int status, String json) {
        return of(status, JSON, json.getBytes(StandardCharsets.UTF_8));
    }

    /** The status code. */
    public int status() {
        return status;
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

    /** The content type, or null. */
    public String contentType() {
        return header("content-type");
    }

    /** A copy of the body bytes. */
    public byte[] body() {
        return body.length == 0 ? NO_BODY : body.clone();
    }

    /** The body decoded as UTF-8. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** A copy with header {@code name} set to {@code value}, replacing earlier values. */
    public HttpResponse withHeader(String name, String value) {
        Objects.requireNonNull(value, "value");
        Map<String, List<String>> copy = new TreeMap<>(headers);
        copy.put(name.toLowerCase(Locale.ROOT), List.of(value));
        return new HttpResponse(status, Collections.unmodifiableMap(copy), body);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HttpResponse r && status == r.status && headers.equals(r.headers)
                && Arrays.equals(body, r.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, headers, Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return status + " " + (contentType() == null ? "" : contentType() + " ") + body.length + " bytes";
    }
}
