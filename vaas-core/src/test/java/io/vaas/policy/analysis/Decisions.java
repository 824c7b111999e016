package io.vaas.policy.analysis;

import java.util.ArrayList;
import java.util.List;

/**
 * Hand decisions ({@code decisions.txt}) on members the analysis cannot judge: {@code exclude <member> : reason}
 * keeps out a member that reaches no sink but still hands the app something it must not have (the host's callers'
 * classes, the JVM's thread groups, modules); {@code allow <member> : reason} lets in a member whose path the
 * container makes harmless in a way the analysis does not model. Members are keyed by their declaring class.
 */
final class Decisions {

    record Decision(boolean allow, Selector selector, String reason, String where) {
    }

    private final List<Decision> decisions = new ArrayList<>();
    private final java.util.Set<String> used = new java.util.HashSet<>();
    private final Resolver resolver;

    Decisions(Resolver resolver, String text) {
        this.resolver = resolver;
        for (Selector.Reasoned r : Selector.readReasoned("decisions.txt", text)) {
            String what = r.what();
            boolean allow = what.startsWith("allow ");
            if (!allow && !what.startsWith("exclude ")) {
                throw new IllegalArgumentException(r.where() + ": write 'allow <member> : reason' or "
                        + "'exclude <member> : reason'");
            }
            String selector = what.substring(allow ? 6 : 8).strip();
            decisions.add(new Decision(allow, Selector.parse(selector, r.where()), r.reason(), r.where()));
        }
    }

    /** The decision about a member, or null. */
    Decision find(Candidates.Member m) {
        for (Decision d : decisions) {
            boolean hit = m.isField() ? d.selector.matchesField(m.declaring().name, m.name())
                    || (d.selector.name().equals("*") && d.selector.matchesOwner(m.declaring().name, resolver))
                    : d.selector.matches(m.method(), resolver);
            if (hit) {
                used.add(d.where);
                return d;
            }
        }
        return null;
    }

    List<String> unused() {
        List<String> out = new ArrayList<>();
        for (Decision d : decisions) {
            if (!used.contains(d.where)) {
                out.add(d.where + ": " + (d.allow ? "allow " : "exclude ") + d.selector);
            }
        }
        return out;
    }

    int size() {
        return decisions.size();
    }
}
