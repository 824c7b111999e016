package io.vaas.virtual;

import java.io.IOException;
import java.io.InputStream;
import java.net.Proxy;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.util.Locale;

/**
 * Opening a {@link URL}: what it reaches depends on its protocol, so the decision is made here, when it is opened.
 * The app's own resources ({@code vaas:} URLs its class loader hands out) always open; {@code http}, {@code https}
 * and {@code ftp} need {@code net:connect} and a host its allowlist names; {@code file:} URLs name files under the
 * app's own root and need {@code files:read}; anything else ({@code jar:}, {@code jrt:}, {@code mailto:}…) is refused.
 * Under a {@code net:connect} allowlist, HTTP connections do not follow redirects.
 *
 * <p>Takes the calling class last, like every entry point here. Not for direct use.
 */
public final class VirtualUrls {

    private VirtualUrls() {
    }

    public static URLConnection openConnection(URL url, Class<?> caller) throws IOException {
        return switch (kind(url, caller)) {
            case OWN -> url.openConnection();
            case NETWORK -> confine(url.openConnection(), caller);
            case FILE -> throw new io.vaas.api.PolicyDenial("app '" + AppContext.of(caller).app() + "' opened a connection "
                    + "to " + url + ": file: URLs only open as streams (URL.openStream), or use java.nio.file.Files");
        };
    }

    /**
     * Under an allowlist an HTTP connection does not follow redirects: the next hop could be a host the list does not
     * name, and the JDK would go there unchecked. The app sees the 3xx and may open its {@code Location} itself.
     */
    private static URLConnection confine(URLConnection connection, Class<?> caller) {
        if (connection instanceof java.net.HttpURLConnection http
                && !AppContext.of(caller).netAllowlist().allowsAny()) {
            http.setInstanceFollowRedirects(false);
        }
        return connection;
    }

    public static URLConnection openConnection(URL url, Proxy proxy, Class<?> caller) throws IOException {
        Kind kind = kind(url, caller);
        if (kind == Kind.FILE) {
            return openConnection(url, caller);
        }
        if (kind == Kind.OWN) {
            return url.openConnection(proxy);
        }
        // The app's Proxy could answer another address when the connection asks it again: a checked JDK copy goes.
        return confine(url.openConnection(VirtualNet.proxy(proxy, caller)), caller);
    }

    public static InputStream openStream(URL url, Class<?> caller) throws IOException {
        if (kind(url, caller) == Kind.FILE) {
            try {
                return Files.newInputStream(AppContext.of(caller).files().provider().getPath(url.toURI()));
            } catch (URISyntaxException e) {
                throw new java.net.MalformedURLException(url + ": " + e.getMessage());
            }
        }
        return openConnection(url, caller).getInputStream();
    }

    public static Object getContent(URL url, Class<?> caller) throws IOException {
        return openConnection(url, caller).getContent();
    }

    public static Object getContent(URL url, Class<?>[] classes, Class<?> caller) throws IOException {
        return openConnection(url, caller).getContent(classes);
    }

    // URLs the app makes carry an AppUrlHandler: no name lookups in equals/hashCode, however JDK code compares them.

    @SuppressWarnings("deprecation")
    public static URL newURL(String spec, Class<?> caller) throws java.net.MalformedURLException {
        return own(new URL(spec), caller);
    }

    @SuppressWarnings("deprecation")
    public static URL newURL(URL context, String spec, Class<?> caller) throws java.net.MalformedURLException {
        return own(new URL(context, spec), caller);
    }

    @SuppressWarnings("deprecation")
    public static URL newURL(String protocol, String host, int port, String file, Class<?> caller)
            throws java.net.MalformedURLException {
        return own(new URL(protocol, host, port, file), caller);
    }

    @SuppressWarnings("deprecation")
    public static URL newURL(String protocol, String host, String file, Class<?> caller)
            throws java.net.MalformedURLException {
        return own(new URL(protocol, host, file), caller);
    }

    @SuppressWarnings("deprecation")
    public static URL newURL(String protocol, String host, int port, String file, java.net.URLStreamHandler handler,
                             Class<?> caller) throws java.net.MalformedURLException {
        refuseHandler(handler, protocol + "://" + host + file, caller);
        return own(new URL(protocol, host, port, file), caller);
    }

    @SuppressWarnings("deprecation")
    public static URL newURL(URL context, String spec, java.net.URLStreamHandler handler, Class<?> caller)
            throws java.net.MalformedURLException {
        refuseHandler(handler, spec, caller);
        return own(new URL(context, spec), caller);
    }

    /** {@code uri.toURL()}. */
    public static URL toURL(java.net.URI uri, Class<?> caller) throws java.net.MalformedURLException {
        return own(uri.toURL(), caller);
    }

    /** {@code URL.of(uri, handler)}. */
    public static URL of(java.net.URI uri, java.net.URLStreamHandler handler, Class<?> caller)
            throws java.net.MalformedURLException {
        refuseHandler(handler, String.valueOf(uri), caller);
        return own(URL.of(uri, null), caller);
    }

    /**
     * A handler of the app's own would inherit {@code URLStreamHandler}'s name lookups in {@code equals} and
     * {@code hashCode}, made inside the JDK for the app: no permission allows it.
     */
    private static void refuseHandler(java.net.URLStreamHandler handler, String url, Class<?> caller) {
        if (handler != null) {
            throw new io.vaas.api.PolicyDenial("app '" + AppContext.of(caller).app() + "' made URL " + url + " with a "
                    + "URLStreamHandler of its own (" + handler.getClass().getName() + "): URLs an app makes use the "
                    + "container's handler, which never looks host names up; no permission allows others (open the "
                    + "resource with the app's own code instead)");
        }
    }

    /** {@code plain} (a URL of the JDK's own handler) as a URL of the app's, with the container's handler. */
    @SuppressWarnings("deprecation")
    private static URL own(URL plain, Class<?> caller) throws java.net.MalformedURLException {
        return new URL(null, plain.toExternalForm(), new AppUrlHandler(caller, plain.getProtocol()));
    }

    private enum Kind { OWN, NETWORK, FILE }

    private static Kind kind(URL url, Class<?> caller) {
        AppContext context = AppContext.of(caller);
        String protocol = url.getProtocol().toLowerCase(Locale.ROOT);
        switch (protocol) {
            case "vaas" -> {
                return Kind.OWN;
            }
            case "http", "https", "ftp" -> {
                context.requirePermission("net:connect", "URL.openConnection of " + url);
                int port = url.getPort() >= 0 ? url.getPort() : url.getDefaultPort();
                VirtualNet.check(url.getHost(), port, caller);
                return Kind.NETWORK;
            }
            case "file" -> {
                context.requirePermission("files:read", "URL.openStream of " + url);
                return Kind.FILE;
            }
            default -> throw new io.vaas.api.PolicyDenial("app '" + context.app() + "' may not open " + url + ": " + protocol
                    + ": URLs reach what the container cannot confine; no permission allows it (use java.nio.file "
                    + "for the app's files, http(s) with net:connect for the network)");
        }
    }
}
