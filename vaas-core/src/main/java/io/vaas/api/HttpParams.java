package io.vaas.api;

/**
 * What an HTTP route receives: the request, with its path parameters bound.
 *
 * @param req the request being served
 */
public record HttpParams(HttpRequest req) {

    /** @throws NullPointerException if {@code req} is null */
    public HttpParams {
        java.util.Objects.requireNonNull(req, "req");
    }
}
