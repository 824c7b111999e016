package io.vaas.policy.analysis;

import io.vaas.policy.Policy;
import io.vaas.policy.PolicyLibrary;
import io.vaas.policy.analysis.ClassInfo.MethodInfo;
import io.vaas.rewrite.Rule;
import io.vaas.rewrite.Rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Derives the {@code core} permission from the JDK's own bytecode: for every public and protected member of the
 * public classes of the candidate packages, whether its code can reach a sink ({@link Category}) through the call
 * graph of all JDK modules ({@link CallGraph}); members the rewriter diverts count as allowed, hand decisions
 * override. Inputs are the data files next to this class in the test resources; outputs are {@code core.txt} and
 * a report ({@link AllowlistWriter}, {@link ReportWriter}).
 */
final class CoreAllowlistAnalysis {

    enum Kind { ALLOWED, REDIRECTED, EXCLUDED }

    /** Why a member is out: a sink category with its path, or a hand decision (category null). */
    record Exclusion(Category category, List<String> path, String reason) {
    }

    /** The verdict on one declaring member. */
    record Verdict(Kind kind, String note, List<Exclusion> exclusions) {
    }

    final JdkImage image;
    final Resolver resolver;
    final Map<String, ClassInfo> publicClasses;
    /** Per public candidate class, every member an app can name through it, by pattern. */
    final Map<String, Map<String, Candidates.Member>> members = new TreeMap<>();
    /** Verdicts by declaring member ({@link Candidates.Member#key()}). */
    final Map<String, Verdict> verdicts = new TreeMap<>();
    final CallGraph graph;
    final TrustedCuts trusted;
    final Decisions decisions;
    final Sinks sinks;
    final long millis;

    private CoreAllowlistAnalysis(JdkImage image, String candidates, String sinksText, String natives, String statics,
                                  String trustedText, String decisionsText) {
        long t0 = System.nanoTime();
        this.image = image;
        this.resolver = new Resolver(image);
        Candidates cands = new Candidates(candidates);
        this.publicClasses = cands.publicClasses(image);
        this.sinks = new Sinks(resolver, sinksText, natives, statics);
        this.trusted = new TrustedCuts(resolver, trustedText);
        this.decisions = new Decisions(resolver, decisionsText);
        ContainerRules rules = new ContainerRules(Rules.standard());
        this.graph = new CallGraph(image, resolver, sinks, trusted, rules);
        Policy others = PolicyLibrary.standard().policy(List.of());

        Map<String, Candidates.Member> byKey = new LinkedHashMap<>();
        for (ClassInfo c : publicClasses.values()) {
            Map<String, Candidates.Member> ms = Candidates.members(c, resolver);
            members.put(c.name, ms);
            for (Candidates.Member m : ms.values()) {
                byKey.putIfAbsent(m.key(), m);
            }
        }
        Map<String, Integer> nodes = new LinkedHashMap<>();
        Map<String, Verdict> early = new LinkedHashMap<>();
        for (Candidates.Member m : byKey.values()) {
            Decisions.Decision d = decisions.find(m);
            if (d != null) {
                early.put(m.key(), d.allow() ? new Verdict(Kind.ALLOWED, "decided: " + d.reason(), List.of())
                        : new Verdict(Kind.EXCLUDED, null, List.of(new Exclusion(null, List.of(),
                        d.reason()))));
                continue;
            }
            Rule r = m.isField() ? null : rules.find(m.declaring().name, m.name(), m.desc());
            if (r == null && m.isField()) {
                r = rules.find(m.declaring().name, m.name(), m.desc());
            }
            if (r != null && ContainerRules.divertsCall(r)) {
                if (ContainerRules.policed(r)) {
                    List<String> perms = permissions(others, m);
                    early.put(m.key(), new Verdict(Kind.EXCLUDED, null, List.of(new Exclusion(null, List.of(),
                            ContainerRules.describe(r) + ", which checks the app's own permission ("
                                    + (perms.isEmpty() ? "none" : String.join(", ", perms)) + ")"))));
                } else {
                    early.put(m.key(), new Verdict(Kind.REDIRECTED, ContainerRules.describe(r), List.of()));
                }
                continue;
            }
            nodes.put(m.key(), m.isField() ? graph.fieldAccess(m.field()) : graph.appCall(m.method()));
        }
        SinkPaths paths = new SinkPaths(graph);
        for (Candidates.Member m : byKey.values()) {
            Verdict v = early.get(m.key());
            if (v == null) {
                Map<Category, List<CallGraph.Node>> reached = paths.from(nodes.get(m.key()));
                if (reached.isEmpty()) {
                    v = new Verdict(Kind.ALLOWED, null, List.of());
                } else {
                    List<String> perms = permissions(others, m);
                    List<Exclusion> ex = new ArrayList<>();
                    reached.forEach((cat, path) -> ex.add(new Exclusion(cat, labels(path), reason(cat, path, perms))));
                    v = new Verdict(Kind.EXCLUDED, null, ex);
                }
            }
            verdicts.put(m.key(), v);
        }
        this.millis = (System.nanoTime() - t0) / 1_000_000;
    }

    /** Runs the analysis on this JDK with the checked-in inputs. */
    static CoreAllowlistAnalysis run() {
        return run(JdkImage.load());
    }

    static CoreAllowlistAnalysis run(JdkImage image) {
        return new CoreAllowlistAnalysis(image, DataFiles.read("candidates.txt"), DataFiles.read("sinks.txt"),
                DataFiles.read("natives.txt"), DataFiles.read("statics.txt"), DataFiles.read("trusted.txt"),
                DataFiles.read("decisions.txt"));
    }

    /** Lines of the reviewed inputs that cut or decided nothing: stale after a JDK update, or mistyped. */
    List<String> unusedInputs() {
        List<String> out = new ArrayList<>(trusted.unused());
        out.addAll(decisions.unused());
        return out;
    }

    Verdict verdict(Candidates.Member m) {
        return verdicts.get(m.key());
    }

    /** The standard permissions other than core that allow the member (through its class or the declaring one). */
    private static List<String> permissions(Policy others, Candidates.Member m) {
        java.util.TreeSet<String> out = new java.util.TreeSet<>();
        for (String owner : List.of(m.through().name, m.declaring().name)) {
            List<String> would = others.deniedBy(owner, m.name(), m.desc(), m.isField());
            if (would != null) {
                out.addAll(would);
            }
        }
        out.remove("core");
        return List.copyOf(out);
    }

    private static String reason(Category cat, List<CallGraph.Node> path, List<String> perms) {
        String hop = path.size() > 2 ? label(path.get(2)) : label(path.getLast());
        return cat.id + " via " + hop + " (" + (perms.isEmpty() ? "none" : String.join(", ", perms)) + ")";
    }

    static List<String> labels(List<CallGraph.Node> path) {
        List<String> out = new ArrayList<>();
        for (CallGraph.Node n : path) {
            // An app's call and the code it runs are one step for a reader.
            if (n instanceof CallGraph.AppCall && !out.isEmpty()) {
                continue;
            }
            out.add(label(n));
        }
        return out;
    }

    static String label(CallGraph.Node n) {
        return switch (n) {
            case CallGraph.Code c -> method(c.method());
            case CallGraph.AppCall a -> method(a.method());
            case CallGraph.Holds h -> "an object of " + Names.dotted(h.cls());
            case CallGraph.FieldAccess f -> Names.dotted(f.field().owner().name) + "." + f.field().name();
            case CallGraph.StaticWrite w -> "writes " + Names.dotted(w.field().owner().name) + "." + w.field().name();
        };
    }

    private static String method(MethodInfo m) {
        String owner = Names.dotted(m.owner.name);
        String simple = Names.brief(m.owner.name, m.name, m.desc);
        return owner + simple.substring(simple.indexOf('.'));
    }

    /** Prints what the analysis found, for working on its inputs. */
    public static void main(String[] args) {
        long t0 = System.nanoTime();
        JdkImage image = JdkImage.load();
        long t1 = System.nanoTime();
        CoreAllowlistAnalysis a = run(image);
        System.out.printf("image %d classes in %d ms; analysis %d ms; graph %d nodes %d edges, %d live classes%n",
                image.classes.size(), (t1 - t0) / 1_000_000, a.millis, a.graph.size(), a.graph.edges(),
                a.graph.liveClasses());
        Map<Kind, Integer> kinds = new TreeMap<>();
        Map<String, Integer> cats = new TreeMap<>();
        Map<String, Integer> lastHops = new TreeMap<>();
        Map<String, Integer> culprits = new TreeMap<>();
        a.verdicts.forEach((k, v) -> {
            kinds.merge(v.kind(), 1, Integer::sum);
            for (Exclusion e : v.exclusions()) {
                cats.merge(e.category() == null ? "decision" : e.category().id, 1, Integer::sum);
                if (e.path().size() > 1) {
                    lastHops.merge(e.category().id + " " + e.path().getLast(), 1, Integer::sum);
                    for (int i = 1; i < e.path().size(); i++) {
                        culprits.merge(e.category().id + " " + e.path().get(i), 1, Integer::sum);
                    }
                }
            }
        });
        System.out.println(kinds + " " + cats);
        System.out.println("--- sinks reached");
        lastHops.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue()).limit(Integer.getInteger("sinks", 25))
                .forEach(e -> System.out.println(e.getValue() + "\t" + e.getKey()));
        for (Category cat : Category.values()) {
            System.out.println("--- nodes on paths to " + cat.id);
            culprits.entrySet().stream().filter(e -> e.getKey().startsWith(cat.id + " "))
                    .sorted((x, y) -> y.getValue() - x.getValue()).limit(Integer.getInteger("top", 12))
                    .forEach(e -> System.out.println(e.getValue() + "\t" + e.getKey()));
        }
        if (Boolean.getBoolean("list")) {
            a.verdicts.forEach((k, v) -> {
                if (v.kind() == Kind.EXCLUDED) {
                    StringBuilder sb = new StringBuilder();
                    for (Exclusion e : v.exclusions()) {
                        sb.append(e.category() == null ? "decision" : e.category().id).append(' ');
                    }
                    Exclusion first = v.exclusions().getFirst();
                    System.out.println("X " + k + "  [" + sb.toString().strip() + "] "
                            + (first.path().size() > 2 ? first.path().get(first.path().size() - 1) : first.reason()));
                }
            });
        }
        String why = System.getProperty("why");
        if (why != null) {
            int by = a.graph.madeLiveBy(why.replace('.', '/'));
            System.out.println("--- why " + why + " is live: made by node " + by);
            if (by >= 0) {
                for (CallGraph.Node n : a.graph.origin(by)) {
                    System.out.println("   " + label(n));
                }
            }
        }
        if (args.length > 0) {
            a.verdicts.forEach((k, v) -> {
                if (k.contains(args[0])) {
                    System.out.println(k + " " + v.kind() + " " + (v.note() == null ? "" : v.note()));
                    for (Exclusion e : v.exclusions()) {
                        System.out.println("   " + (e.category() == null ? "decision" : e.category().id) + ": "
                                + e.reason() + "\n      " + String.join("\n      ", e.path()));
                    }
                }
            });
        }
    }
}
