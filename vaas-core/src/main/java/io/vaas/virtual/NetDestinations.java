package io.vaas.virtual;

import io.vaas.policy.NetAllowlist;

import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where an app's connection goes, decided once and then used as decided. What the app hands over is read once into
 * JDK-made values the app cannot change (its {@link Proxy} subclass, a {@link DatagramPacket} another of its threads
 * is rewriting), those values are checked against its {@link NetAllowlist}, and only they reach the JDK.
 *
 * <p>The check is on the IP address the connection goes to, not on the name it was shown with: an address carrying a
 * name and an IP ({@code InetAddress.getByAddress("api.example.com", ip)}, an {@link InetSocketAddress} of it) is
 * allowed when an IP entry lists the IP, or when a name entry lists the name and the container's own lookup of that
 * name gives that IP. A name the app gives as text is looked up by the container, checked, and connected to at the
 * address found. Only clients that resolve names themselves (the JDK's HTTP client, {@code URL} connections,
 * WebSockets) are checked by the host as they will be given it ({@link #checkHost}); they resolve it through the same
 * JVM-wide address cache.
 */
final class NetDestinations {

    private NetDestinations() {
    }

    /**
     * The address a socket connects to for {@code host} (a name or IP literal; null or empty for the loopback
     * address), as {@code new Socket(host, port)} would resolve it: the first address found, checked.
     *
     * @throws UnknownHostException if an allowed name does not resolve
     */
    static InetAddress resolve(AppContext context, String host, int port) throws UnknownHostException {
        NetAllowlist list = context.netAllowlist();
        if (host != null && !host.isEmpty() && NetAllowlist.literal(host) == null && !list.allowsName(host, port)) {
            throw refusal(context, host + ":" + port, null);
        }
        // Literals are parsed, not looked up; a listed name is the container's own lookup, used as found.
        InetAddress ip = InetAddress.getByName(host);
        if (host == null || host.isEmpty() || NetAllowlist.literal(host) != null) {
            check(context, null, ip, port);
        }
        return ip;
    }

    /**
     * {@code given} as the JDK connection will see it, once checked: {@link InetSocketAddress} is immutable, so it
     * is used as is; other address types are not the network's.
     *
     * @throws UnsupportedAddressTypeException for an address type of the app's own
     */
    static InetSocketAddress checked(AppContext context, SocketAddress given) {
        if (!(given instanceof InetSocketAddress inet)) {
            throw new UnsupportedAddressTypeException();
        }
        NetAllowlist list = context.netAllowlist();
        if (list.allowsAny()) {
            return inet;
        }
        int port = inet.getPort();
        InetAddress ip = inet.getAddress();
        if (ip == null) {
            // Unresolved: the JDK connects to it only through a proxy, which looks the name up itself.
            if (!list.allows(inet.getHostString(), port)) {
                throw refusal(context, inet.getHostString() + ":" + port, null);
            }
            return inet;
        }
        check(context, inet.getHostString(), ip, port);
        return inet;
    }

    /** {@code ip} at {@code port}, shown by the app with {@code name} (or null): see the class comment. */
    static void check(AppContext context, String name, InetAddress ip, int port) {
        NetAllowlist list = context.netAllowlist();
        if (list.allowsAny() || list.allowsAddress(ip, port)) {
            return;
        }
        String shown = NetAllowlist.canonical(ip).getHostAddress();
        boolean named = name != null && NetAllowlist.literal(name) == null;
        if (named && list.allowsName(name, port)) {
            List<InetAddress> found = lookUp(name);
            if (found.contains(NetAllowlist.canonical(ip))) {
                return;
            }
            throw refusal(context, name + " at " + shown + ":" + port, "'" + name + "' is listed, but the "
                    + "container's own lookup of it gives " + texts(found) + ", not " + shown + ": an address made "
                    + "with a name is checked by its IP (connect by the name, or list the IP address)");
        }
        throw refusal(context, (named ? name + " at " : "") + shown + ":" + port, null);
    }

    /**
     * A host as a client that resolves it itself will be given it (the host of a {@link URI} or {@code URL}): an IP
     * literal is checked as the address it is, a name as the name.
     */
    static void checkHost(AppContext context, String host, int port) {
        NetAllowlist list = context.netAllowlist();
        if (list.allowsAny()) {
            return;
        }
        if (host == null || !list.allows(host, port)) {
            throw refusal(context, host + ":" + port, null);
        }
    }

    /** A URI's host and port (its scheme's default port if it names none). */
    static void checkUri(AppContext context, URI uri) {
        if (uri == null || context.netAllowlist().allowsAny()) {
            return;
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : defaultPort(uri.getScheme());
        checkHost(context, uri.getHost(), port);
    }

    static int defaultPort(String scheme) {
        return switch (scheme == null ? "" : scheme.toLowerCase(java.util.Locale.ROOT)) {
            case "https", "wss" -> 443;
            case "ftp" -> 21;
            default -> 80;
        };
    }

    /**
     * A proxy of the JDK's own class with the app's proxy's type and (checked) address: {@link Proxy#address()} can
     * be overridden, and the JDK asks it again when it connects.
     */
    static Proxy proxy(AppContext context, Proxy given) {
        if (given == null) {
            return null;
        }
        Proxy.Type type = given.type();
        if (type == Proxy.Type.DIRECT) {
            return Proxy.NO_PROXY;
        }
        SocketAddress address = given.address();
        if (!(address instanceof InetSocketAddress)) {
            throw new IllegalArgumentException("app '" + context.app() + "': a " + type + " proxy's address must be "
                    + "an InetSocketAddress, was " + address);
        }
        return new Proxy(type, checked(context, address));
    }

    /**
     * A packet of the JDK's own to send for {@code given}: its bytes and address read at one moment (under the
     * packet's lock, which its setters take too), and the address checked. Another thread of the app may change
     * {@code given} while it is sent; the copy does not change. A packet without an address goes to the peer of a
     * connected socket, checked when it connected.
     */
    static DatagramPacket packet(AppContext context, DatagramPacket given) {
        byte[] data;
        InetAddress ip;
        int port;
        synchronized (given) {
            int offset = given.getOffset();
            data = Arrays.copyOfRange(given.getData(), offset, offset + given.getLength());
            ip = given.getAddress();
            port = given.getPort();
        }
        if (ip == null) {
            return new DatagramPacket(data, data.length);
        }
        InetSocketAddress target = new InetSocketAddress(ip, port);
        return new DatagramPacket(data, data.length, checked(context, target));
    }

    private static List<InetAddress> lookUp(String name) {
        List<InetAddress> out = new ArrayList<>();
        try {
            for (InetAddress a : InetAddress.getAllByName(name)) {
                out.add(NetAllowlist.canonical(a));
            }
        } catch (UnknownHostException e) {
            // No address: nothing is allowed through the name.
        }
        return out;
    }

    private static String texts(List<InetAddress> addresses) {
        return addresses.isEmpty() ? "no address" : addresses.stream().map(InetAddress::getHostAddress).toList().toString();
    }

    static SecurityException refusal(AppContext context, String target, String detail) {
        return new io.vaas.api.PolicyDenial("app '" + context.app() + "' may not connect to " + target + ": "
                + (detail == null ? "" : detail + "; ") + "its 'net:connect' permission allows "
                + context.netAllowlist() + " (list the host as \"net:connect=host:port\" in \"permissions\" of "
                + "vaas.json)");
    }
}
