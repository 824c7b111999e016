package io.vaas.policy.analysis;

import io.vaas.policy.analysis.ClassInfo.MethodInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reviewed cuts of {@code trusted.txt}: JDK-internal methods the analysis does not enter, and calls it does not
 * follow, because they act only on the JDK's own fixed resources (its module image, time-zone and locale data, its
 * own classes by name, ...) and never on what an app hands in. Each line carries the reason a reviewer can check:
 * <pre>
 * cut sun.util.calendar.ZoneInfoFile.load(*) : reads the JDK's own tzdb.dat, a fixed file
 * edge java.util.ResourceBundle.* -> java.lang.Module.getResourceAsStream(*) : the JDK's own bundles
 * </pre>
 */
final class TrustedCuts {

    record Cut(Selector selector, String reason, String where) {
    }

    record EdgeCut(Selector from, Selector to, String reason, String where) {
    }

    private final List<Cut> cuts = new ArrayList<>();
    private final List<EdgeCut> edges = new ArrayList<>();
    private final Resolver resolver;
    private final Map<MethodInfo, Boolean> cutCache = new ConcurrentHashMap<>();
    /** How often each line was used, so unused lines can be reported. */
    private final Map<String, Integer> used = new ConcurrentHashMap<>();

    TrustedCuts(Resolver resolver, String text) {
        this.resolver = resolver;
        for (Selector.Reasoned r : Selector.readReasoned("trusted.txt", text)) {
            String what = r.what();
            if (what.startsWith("cut ")) {
                cuts.add(new Cut(Selector.parse(what.substring(4), r.where()), r.reason(), r.where()));
            } else if (what.startsWith("edge ")) {
                String[] parts = what.substring(5).split("->");
                if (parts.length != 2) {
                    throw new IllegalArgumentException(r.where() + ": write 'edge <caller> -> <callee> : reason'");
                }
                edges.add(new EdgeCut(Selector.parse(parts[0], r.where()), Selector.parse(parts[1], r.where()),
                        r.reason(), r.where()));
            } else {
                throw new IllegalArgumentException(r.where() + ": write 'cut <member> : reason' or "
                        + "'edge <caller> -> <callee> : reason'");
            }
        }
    }

    /** Whether the analysis does not enter {@code m}. */
    boolean isCut(MethodInfo m) {
        return cutCache.computeIfAbsent(m, k -> {
            for (Cut c : cuts) {
                if (c.selector.matches(k, resolver)) {
                    used.merge(c.where, 1, Integer::sum);
                    return true;
                }
            }
            return false;
        });
    }

    /** Whether the call from {@code from} to {@code to} is not followed. */
    boolean isCut(MethodInfo from, MethodInfo to) {
        for (EdgeCut e : edges) {
            if (e.to.matches(to, resolver) && e.from.matches(from, resolver)) {
                used.merge(e.where, 1, Integer::sum);
                return true;
            }
        }
        return false;
    }

    /** Lines that cut nothing: stale after a JDK update, or mistyped. */
    List<String> unused() {
        List<String> out = new ArrayList<>();
        for (Cut c : cuts) {
            if (!used.containsKey(c.where)) {
                out.add(c.where + ": cut " + c.selector);
            }
        }
        for (EdgeCut e : edges) {
            if (!used.containsKey(e.where)) {
                out.add(e.where + ": edge " + e.from + " -> " + e.to);
            }
        }
        return out;
    }

    int size() {
        return cuts.size() + edges.size();
    }
}
