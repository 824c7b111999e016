package io.vaas.policy;

import java.net.IDN;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The hosts and ports an app with {@code net:connect} may connect to, from permissions written as
 * {@code "net:connect=api.example.com:443,*.internal:*,10.0.0.7:8000-8100"}. A bare {@code "net:connect"} allows
 * every host.
 *
 * <p>A host is a name, {@code *.suffix} for every name below {@code suffix}, an IP literal (IPv6 in brackets), or
 * {@code *}. A port is a number, a range {@code low-high}, or {@code *}. Entries of the two kinds answer different
 * questions, and never each other's:
 * <ul>
 *   <li>an IP entry allows that IP address ({@link #allowsAddress}), however it is spelled: {@code 127.1},
 *       {@code 2130706433} and {@code ::ffff:127.0.0.1} are all {@code 127.0.0.1};</li>
 *   <li>a name entry allows a name ({@link #allowsName}), compared without case, without a final dot and with
 *       international names in their ASCII form; {@code *.suffix} never matches an IP literal. What a name allows
 *       at the moment of connecting is the addresses the container itself resolves it to: an address the app
 *       made with a name and an IP of its choosing is checked by its IP (see {@code io.vaas.virtual.VirtualNet}).</li>
 * </ul>
 * Only names the list holds are looked up ({@link #allowsLookup}).
 *
 * @param entries the entries; empty when every host is allowed
 */
public record NetAllowlist(List<Entry> entries) {

    /** Every host. */
    public static final NetAllowlist ANY = new NetAllowlist(List.of());

    /** Copies the list. */
    public NetAllowlist {
        entries = List.copyOf(entries);
    }

    /**
     * One {@code host:port} entry.
     *
     * @param host     the host as written, in normal form: a name ({@link #normalName}), {@code *.suffix}, an IP
     *                 literal or {@code *}
     * @param address  the IP address of an IP entry (IPv4-mapped IPv6 addresses as IPv4), or null for names
     * @param lowPort  the lowest port allowed
     * @param highPort the highest port allowed
     */
    public record Entry(String host, InetAddress address, int lowPort, int highPort) {

        private boolean hasPort(int port) {
            return port >= lowPort && port <= highPort;
        }

        /** Whether this entry allows {@code name}, already in {@link #normalName normal form}, at {@code port}. */
        boolean matchesName(String name, int port) {
            if (!hasPort(port) || name == null || address != null) {
                return false;
            }
            return host.equals("*") || host.equals(name) || host.startsWith("*.") && name.endsWith(host.substring(1));
        }

        /** Whether this entry allows the {@link #canonical canonical} {@code ip} at {@code port}. */
        boolean matchesAddress(InetAddress ip, int port) {
            return hasPort(port) && ip != null && (host.equals("*") || ip.equals(address));
        }

        @Override
        public String toString() {
            return host + ":" + (lowPort == 0 && highPort == 65535 ? "*" : lowPort == highPort ? "" + lowPort
                    : lowPort + "-" + highPort);
        }
    }

    /**
     * The allowlist of a set of permissions: the union of every {@code net:connect=…} list, or {@link #ANY} when a
     * bare {@code net:connect} is among them.
     *
     * @throws IllegalArgumentException naming the entry that is not {@code host:port}
     */
    public static NetAllowlist of(Iterable<String> permissions) {
        List<Entry> entries = new ArrayList<>();
        for (String p : permissions) {
            if (p.equals("net:connect")) {
                return ANY;
            }
            if (p.startsWith("net:connect=")) {
                for (String item : p.substring("net:connect=".length()).split(",")) {
                    entries.add(parse(item.trim()));
                }
            }
        }
        return new NetAllowlist(entries);
    }

    /** The permission name without its arguments: {@code net:connect} for {@code net:connect=a:1}. */
    public static String permissionName(String permission) {
        int eq = permission.indexOf('=');
        return eq < 0 ? permission : permission.substring(0, eq);
    }

    private static Entry parse(String item) {
        int colon = item.lastIndexOf(':');
        if (colon <= 0 || colon == item.length() - 1) {
            throw new IllegalArgumentException("net:connect entry \"" + item + "\" is not host:port (such as "
                    + "api.example.com:443, *.internal:*, [::1]:8080 or 10.0.0.7:8000-8100)");
        }
        String written = item.substring(0, colon);
        InetAddress address = literal(written);
        String host = address != null ? unbracket(written).toLowerCase(Locale.ROOT) : hostPattern(written);
        if (host == null) {
            throw new IllegalArgumentException("net:connect entry \"" + item + "\" has no valid host: use a name, "
                    + "*.suffix, an IP address or *");
        }
        String port = item.substring(colon + 1);
        try {
            if (port.equals("*")) {
                return new Entry(host, address, 0, 65535);
            }
            int dash = port.indexOf('-');
            int low = Integer.parseInt(dash < 0 ? port : port.substring(0, dash));
            int high = dash < 0 ? low : Integer.parseInt(port.substring(dash + 1));
            if (low < 0 || high > 65535 || low > high) {
                throw new NumberFormatException();
            }
            return new Entry(host, address, low, high);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("net:connect entry \"" + item + "\" has no valid port: use a number "
                    + "0-65535, a range low-high, or *");
        }
    }

    /** {@code *}, {@code *.suffix} or a name, in normal form; null if it is none of them. */
    private static String hostPattern(String written) {
        if (written.equals("*")) {
            return "*";
        }
        if (written.startsWith("*.")) {
            String suffix = normalName(written.substring(2));
            return suffix == null ? null : "*." + suffix;
        }
        return written.indexOf('*') >= 0 ? null : normalName(written);
    }

    /**
     * {@code name} in the form names are compared in: international names in ASCII ({@code xn--…}), lower case,
     * without the final dot of a fully qualified name; null if it is no valid host name (empty labels, spaces,
     * brackets, an IP literal).
     */
    public static String normalName(String name) {
        if (name == null || name.isEmpty() || literal(name) != null) {
            return null;
        }
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        String ascii;
        try {
            ascii = IDN.toASCII(n, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException notAName) {
            return null;
        }
        if (ascii.isEmpty() || ascii.startsWith(".") || ascii.contains("..") || ascii.endsWith(".")
                || !ascii.chars().allMatch(NetAllowlist::isNameChar)) {
            return null;
        }
        return ascii.toLowerCase(Locale.ROOT);
    }

    /**
     * The IP address an IP literal names, canonical ({@link #canonical}), or null if {@code host} is not one. IPv6
     * literals may be in brackets. Spellings the JDK reads as IPv4 ({@code 127.1}, {@code 2130706433}) count.
     */
    public static InetAddress literal(String host) {
        if (host == null || host.isEmpty()) {
            return null;
        }
        try {
            return canonical(InetAddress.ofLiteral(unbracket(host)));
        } catch (IllegalArgumentException notLiteral) {
            return null;
        }
    }

    /**
     * {@code ip} as the network sees it: an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) reaches the IPv4
     * address, so it is that one; the name it carries, if any, is dropped.
     */
    public static InetAddress canonical(InetAddress ip) {
        if (ip == null) {
            return null;
        }
        byte[] bytes = ip.getAddress();
        try {
            if (ip instanceof Inet6Address && isIpv4Mapped(bytes)) {
                return InetAddress.getByAddress(new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]});
            }
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** Letters, digits, {@code -}, {@code .} and {@code _} (used in service and container names). */
    private static boolean isNameChar(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_';
    }

    private static boolean isIpv4Mapped(byte[] b) {
        if (b.length != 16 || b[10] != (byte) 0xff || b[11] != (byte) 0xff) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** Whether every host is allowed. */
    public boolean allowsAny() {
        return entries.isEmpty();
    }

    /**
     * Whether a connection to {@code host}, as a client that resolves it itself will be given it (a URI's or URL's
     * host), and {@code port} is allowed: an IP literal by {@link #allowsAddress}, a name by {@link #allowsName}.
     */
    public boolean allows(String host, int port) {
        if (entries.isEmpty()) {
            return true;
        }
        InetAddress ip = literal(host);
        return ip != null ? allowsAddress(ip, port) : allowsName(host, port);
    }

    /** Whether a name entry (or {@code *}) allows the name {@code host} at {@code port}; never for IP literals. */
    public boolean allowsName(String host, int port) {
        if (entries.isEmpty()) {
            return true;
        }
        String name = normalName(host);
        if (name == null) {
            return false;
        }
        for (Entry e : entries) {
            if (e.matchesName(name, port)) {
                return true;
            }
        }
        return false;
    }

    /** Whether an IP entry (or {@code *}) allows the IP address {@code ip} at {@code port}, whatever name it carries. */
    public boolean allowsAddress(InetAddress ip, int port) {
        if (entries.isEmpty()) {
            return true;
        }
        InetAddress canonical = canonical(ip);
        for (Entry e : entries) {
            if (e.matchesAddress(canonical, port)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the app may look {@code host} up: every host when every host is allowed; else an IP literal (no lookup
     * happens) or a name some entry names, whatever its port. Names outside the list are not resolved, so a lookup
     * cannot carry data out to a name server the app chose.
     */
    public boolean allowsLookup(String host) {
        if (entries.isEmpty() || host == null || host.isEmpty()) {
            // No name: the loopback address, resolved without a lookup.
            return true;
        }
        if (literal(host) != null) {
            return true;
        }
        String name = normalName(host);
        for (Entry e : entries) {
            if (name != null && e.matchesName(name, e.lowPort())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return entries.isEmpty() ? "any host" : String.join(", ", entries.stream().map(Entry::toString).toList());
    }
}
