package io.vaas.http;

import java.util.Locale;
import java.util.Set;

/**
 * Which response headers an app may set on the gateway's responses. The gateway serves many apps on one address, so
 * what one app answers must not frame the response (two lengths for a lenient proxy to choose from), speak for the
 * connection, claim the container's own names ({@code X-Vaas-*} headers, {@code vaas-*} cookies: the version pin),
 * or smuggle a name that is not an HTTP token ({@code "content-length "} with a trailing space).
 */
final class GuestHeaders {

    /** Framing and hop-by-hop headers: the gateway's, per connection and per message. */
    private static final Set<String> GATEWAYS = Set.of("content-length", "transfer-encoding", "connection",
            "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "host");

    private GuestHeaders() {
    }

    /** Whether an app may send header {@code name} with {@code value}; null when it may, else why not. */
    static String refusal(String name, String value) {
        if (!isToken(name)) {
            return "is not a valid header name";
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (GATEWAYS.contains(lower)) {
            return "frames the response or the connection, which is the gateway's";
        }
        if (lower.startsWith("x-vaas-")) {
            return "is a name of the container's";
        }
        if (value != null && (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0)) {
            return "has a line break in its value";
        }
        if (lower.equals("set-cookie") && value != null && cookieName(value).toLowerCase(Locale.ROOT).startsWith("vaas-")) {
            return "sets a cookie of the container's (vaas-*, such as the version pin)";
        }
        return null;
    }

    /**
     * A {@code Set-Cookie} value of an app, scoped to it. {@code scope} is the part of the gateway's path before the
     * app's own ({@code /orders} for an app reached at {@code /orders/...}; empty for one reached by a host name of its
     * own): the cookie's {@code Path}, which the app writes in its own path space, is moved under it, and a cookie
     * without one gets it, so a browser sends the cookie to this app only. {@code Domain} is dropped: a domain cookie
     * would reach the neighbours' host names too.
     */
    static String scopedCookie(String setCookie, String scope) {
        String[] parts = setCookie.split(";");
        StringBuilder out = new StringBuilder(parts[0].strip());
        boolean hasPath = false;
        for (int i = 1; i < parts.length; i++) {
            String attribute = parts[i].strip();
            if (attribute.isEmpty()) {
                continue;
            }
            int eq = attribute.indexOf('=');
            String name = (eq < 0 ? attribute : attribute.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
            if (name.equals("domain")) {
                continue;
            }
            if (name.equals("path")) {
                hasPath = true;
                String path = eq < 0 ? "" : attribute.substring(eq + 1).strip();
                out.append("; Path=").append(scopedPath(path, scope));
                continue;
            }
            out.append("; ").append(attribute);
        }
        if (!hasPath && !scope.isEmpty()) {
            out.append("; Path=").append(scope);
        }
        return out.toString();
    }

    private static String scopedPath(String path, String scope) {
        if (!path.startsWith("/")) {
            // RFC 6265 5.2.4: a path not starting with '/' means the default; the app's root is the safe one.
            return scope.isEmpty() ? "/" : scope;
        }
        return scope.isEmpty() ? path : path.equals("/") ? scope : scope + path;
    }

    private static String cookieName(String setCookie) {
        int eq = setCookie.indexOf('=');
        return (eq < 0 ? setCookie : setCookie.substring(0, eq)).strip();
    }

    /** RFC 9110 token: one or more of ALPHA, DIGIT and {@code !#$%&'*+-.^_`|~}. */
    static boolean isToken(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
