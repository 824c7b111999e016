package io.vaas.virtual;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.util.Locale;

/**
 * The handler of every {@code URL} an app makes. The JDK's handlers resolve a URL's host name in {@code equals} and
 * {@code hashCode}, which JDK code calls for the app everywhere ({@code HashMap.put}, {@code Set.contains}): a name
 * lookup of any name, past the network allowlist and without {@code net:connect}, and a way to carry data out. Here
 * hosts compare as names and nothing is looked up; opening the URL, by the app or by JDK code, goes through
 * {@link VirtualUrls}' decision for the app.
 */
final class AppUrlHandler extends URLStreamHandler {

    /** A class of the app the URL belongs to: names the app when JDK code opens it. */
    private final Class<?> app;
    private final int defaultPort;

    AppUrlHandler(Class<?> app, String protocol) {
        this.app = app;
        this.defaultPort = switch (protocol.toLowerCase(Locale.ROOT)) {
            case "http" -> 80;
            case "https" -> 443;
            case "ftp" -> 21;
            default -> -1;
        };
    }

    @Override
    protected InetAddress getHostAddress(URL u) {
        return null;
    }

    @Override
    protected boolean hostsEqual(URL a, URL b) {
        String x = a.getHost();
        String y = b.getHost();
        return x == null ? y == null : x.equalsIgnoreCase(y);
    }

    @Override
    protected int getDefaultPort() {
        return defaultPort;
    }

    @Override
    protected URLConnection openConnection(URL u) throws IOException {
        return VirtualUrls.openConnection(jdkUrl(u), app);
    }

    @Override
    protected URLConnection openConnection(URL u, Proxy p) throws IOException {
        return VirtualUrls.openConnection(jdkUrl(u), p, app);
    }

    /** The same URL with the JDK's own handler, which makes the actual connection once the decision is made. */
    @SuppressWarnings("deprecation")
    private static URL jdkUrl(URL u) throws java.net.MalformedURLException {
        return new URL(u.toExternalForm());
    }
}
