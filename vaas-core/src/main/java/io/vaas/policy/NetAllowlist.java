package io.vaas.policy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The hosts and ports an app with {@code net:connect} may connect to, from permissions written as
 * {@code "net:connect=api.example.com:443,*.internal:*,10.0.0.7:8000-8100"}. A bare {@code "net:connect"} allows
 * every host.
 *
 * <p>A host is a name (matched without case), {@code *.suffix} for every name below {@code suffix}, an IP literal
 * (IPv6 in brackets), or {@code *}. A port is a number, a range {@code low-high}, or {@code *}. A connection is
 * allowed when the host as the app gave it, or the address it resolves to, matches an entry with its port. Only
 * names the list holds are looked up ({@link #allowsLookup}).
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
     * @param host     lower-case name, {@code *.suffix}, IP literal or {@code *}
     * @param lowPort  the lowest port allowed
     * @param highPort the highest port allowed
     */
    public record Entry(String host, int lowPort, int highPort) {

        boolean matches(String candidate, int port) {
            if (port < lowPort || port > highPort || candidate == null) {
                return false;
            }
            String h = candidate.toLowerCase(Locale.ROOT);
            if (h.startsWith("[") && h.endsWith("]")) {
                h = h.substring(1, h.length() - 1);
            }
            if (host.equals("*") || host.equals(h)) {
                return true;
            }
            return host.startsWith("*.") && h.endsWith(host.substring(1));
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
        String host = item.substring(0, colon).toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty() || host.chars().anyMatch(Character::isWhitespace)
                || (host.indexOf('*') >= 0 && !host.equals("*") && !(host.startsWith("*.") && host.indexOf('*', 1) < 0))) {
            throw new IllegalArgumentException("net:connect entry \"" + item + "\" has no valid host: use a name, "
                    + "*.suffix, an IP address or *");
        }
        String port = item.substring(colon + 1);
        try {
            if (port.equals("*")) {
                return new Entry(host, 0, 65535);
            }
            int dash = port.indexOf('-');
            int low = Integer.parseInt(dash < 0 ? port : port.substring(0, dash));
            int high = dash < 0 ? low : Integer.parseInt(port.substring(dash + 1));
            if (low < 0 || high > 65535 || low > high) {
                throw new NumberFormatException();
            }
            return new Entry(host, low, high);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("net:connect entry \"" + item + "\" has no valid port: use a number "
                    + "0-65535, a range low-high, or *");
        }
    }

    /** Whether every host is allowed. */
    public boolean allowsAny() {
        return entries.isEmpty();
    }

    /** Whether a connection to {@code host} (a name or IP literal) and {@code port} is allowed. */
    public boolean allows(String host, int port) {
        if (entries.isEmpty()) {
            return true;
        }
        for (Entry e : entries) {
            if (e.matches(host, port)) {
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
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            InetAddress.ofLiteral(literal);
            return true;
        } catch (IllegalArgumentException notLiteral) {
            // A name: allowed only if listed.
        }
        for (Entry e : entries) {
            if (e.matches(host, e.lowPort())) {
                return true;
            }
        }
        return false;
    }

    /** Whether a connection to {@code address} is allowed, by the name it was given or by its IP address. */
    public boolean allows(SocketAddress address) {
        if (entries.isEmpty()) {
            return true;
        }
        if (!(address instanceof InetSocketAddress inet)) {
            return false;
        }
        if (allows(inet.getHostString(), inet.getPort())) {
            return true;
        }
        InetAddress resolved = inet.getAddress();
        return resolved != null && allows(resolved.getHostAddress(), inet.getPort());
    }

    /** Whether a connection to {@code address} and {@code port} is allowed. */
    public boolean allows(InetAddress address, int port) {
        return address != null && allows(new InetSocketAddress(address, port));
    }

    @Override
    public String toString() {
        return entries.isEmpty() ? "any host" : String.join(", ", entries.stream().map(Entry::toString).toList());
    }
}
