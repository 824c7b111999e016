package io.vaas;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Which host names an app may claim with {@code "hosts"} in its {@code vaas.json}: the host's decision, set with
 * {@link Vaas.Builder#hostClaims}. A request whose {@code Host} is claimed goes to that app whatever its path says,
 * so a claim is a routing privilege, not an app's wish.
 *
 * <p>Whatever the rule, no app may claim the gateway's own names and addresses ({@code localhost}, names under
 * {@code .localhost}, IP literals), and two apps never claim one name: the second deploy fails naming both apps.
 *
 * <pre>{@code
 * Vaas.builder().hostClaims(HostClaims.patterns(Map.of(
 *         "shop", List.of("shop.example.com", "*.shop.example.com"),
 *         "blog", List.of("blog.example.com"))))
 * }</pre>
 */
@FunctionalInterface
public interface HostClaims {

    /**
     * Whether app {@code app} may claim {@code host}.
     *
     * @param app  the app's name
     * @param host the name it claims, in lower case, without a port
     */
    boolean mayClaim(String app, String host);

    /** Any name that is not the gateway's own: the default, for a host that trusts its apps' {@code vaas.json}. */
    static HostClaims any() {
        return (app, host) -> true;
    }

    /** No name at all: apps are reached only by the first segment of the path. */
    static HostClaims none() {
        return (app, host) -> false;
    }

    /**
     * Per app, the names it may claim: exact names, or patterns whose leading {@code *.} stands for one or more
     * labels ({@code *.apps.example.com} takes {@code a.apps.example.com} and {@code b.a.apps.example.com}, not
     * {@code apps.example.com}). An app not in the map may claim nothing.
     */
    static HostClaims patterns(Map<String, List<String>> perApp) {
        Map<String, List<String>> copy = new java.util.HashMap<>();
        perApp.forEach((app, patterns) -> {
            List<String> lower = new ArrayList<>();
            for (String p : patterns) {
                String pattern = Objects.requireNonNull(p, "pattern").strip().toLowerCase(Locale.ROOT);
                if (pattern.isEmpty() || pattern.indexOf('*') > 0 || pattern.lastIndexOf('*') > 0
                        || (pattern.startsWith("*") && !pattern.startsWith("*."))) {
                    throw new IllegalArgumentException("host pattern '" + p + "' for app '" + app + "' is not an "
                            + "exact name nor '*.' followed by a name");
                }
                lower.add(pattern);
            }
            copy.put(app, List.copyOf(lower));
        });
        return (app, host) -> {
            for (String pattern : copy.getOrDefault(app, List.of())) {
                if (pattern.startsWith("*.") ? host.endsWith(pattern.substring(1)) && host.length() > pattern.length() - 1
                        : host.equals(pattern)) {
                    return true;
                }
            }
            return false;
        };
    }

    /**
     * Whether {@code host} is one of the gateway's own names or addresses, which no app may claim: {@code localhost}
     * and names under it, and IP literals (v4 or v6, bracketed or not).
     */
    static boolean reserved(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.equals("localhost") || h.endsWith(".localhost") || h.startsWith("[") || h.indexOf(':') >= 0) {
            return true;
        }
        // Dotted decimal, and the forms a resolver also reads as an address (a bare number, 127.1).
        return h.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.')
                || h.matches("(0x[0-9a-f]+|[0-9]+)(\\.(0x[0-9a-f]+|[0-9]+)){0,3}");
    }
}
