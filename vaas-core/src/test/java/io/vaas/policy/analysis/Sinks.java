package io.vaas.policy.analysis;

import io.vaas.policy.analysis.ClassInfo.FieldInfo;
import io.vaas.policy.analysis.ClassInfo.MethodInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which JDK methods are sinks, and of what (from {@code sinks.txt}: {@code <category> [native] <member>}, where
 * {@code native} limits the line to native methods); which native methods are not (from
 * {@code natives.txt}: every native method is a sink of {@link Category#NATIVE} unless listed there); which static
 * fields' writes are not JVM-wide state (from {@code statics.txt}).
 */
final class Sinks {

    private record Entry(Category category, boolean nativeOnly, Selector selector) {
    }

    private final List<Entry> sinks = new ArrayList<>();
    private final List<Selector.Reasoned> benignNatives;
    private final List<Selector> benignNativeSelectors = new ArrayList<>();
    private final List<Selector.Reasoned> benignStatics;
    private final List<Selector> benignStaticSelectors = new ArrayList<>();
    private final Resolver resolver;
    private final Map<MethodInfo, Object> cache = new ConcurrentHashMap<>();
    private static final Object NONE = new Object();

    Sinks(Resolver resolver, String sinksText, String nativesText, String staticsText) {
        this.resolver = resolver;
        String[] lines = sinksText.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = DataFiles.stripComment(lines[i]).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = "sinks.txt:" + (i + 1);
            int space = line.indexOf(' ');
            if (space < 0) {
                throw new IllegalArgumentException(where + ": write '<category> [native] <member>'");
            }
            String rest = line.substring(space + 1).strip();
            boolean nativeOnly = rest.startsWith("native ");
            if (nativeOnly) {
                rest = rest.substring("native ".length()).strip();
            }
            sinks.add(new Entry(Category.byId(line.substring(0, space), where), nativeOnly, Selector.parse(rest, where)));
        }
        benignNatives = Selector.readReasoned("natives.txt", nativesText);
        for (Selector.Reasoned r : benignNatives) {
            benignNativeSelectors.add(Selector.parse(r.what(), r.where()));
        }
        benignStatics = Selector.readReasoned("statics.txt", staticsText);
        for (Selector.Reasoned r : benignStatics) {
            benignStaticSelectors.add(Selector.parse(r.what(), r.where()));
        }
    }

    /** The category of a sink method, or null when it is none. */
    Category of(MethodInfo m) {
        Object c = cache.computeIfAbsent(m, this::compute);
        return c == NONE ? null : (Category) c;
    }

    private Object compute(MethodInfo m) {
        for (Entry e : sinks) {
            if ((!e.nativeOnly || m.isNative()) && e.selector.matches(m, resolver)) {
                return e.category;
            }
        }
        if (m.isNative()) {
            for (Selector s : benignNativeSelectors) {
                if (s.matches(m, resolver)) {
                    return NONE;
                }
            }
            return Category.NATIVE;
        }
        return NONE;
    }

    /** Whether writes to this static field change nothing JVM-wide that matters (a cache, a counter, ...). */
    boolean isBenignStatic(FieldInfo f) {
        for (Selector s : benignStaticSelectors) {
            if (s.matchesField(f.owner().name, f.name()) || (s.name().equals("*") && s.matchesOwner(f.owner().name, null))) {
                return true;
            }
        }
        return false;
    }

    int benignNativeLines() {
        return benignNatives.size();
    }

    int benignStaticLines() {
        return benignStatics.size();
    }
}
