package io.vaas.policy.analysis;

import io.vaas.policy.analysis.ClassInfo.FieldInfo;
import io.vaas.policy.analysis.ClassInfo.MethodInfo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The classes whose members the analysis decides ({@code candidates.txt}: {@code package p}, {@code package p.**}
 * with its sub-packages, {@code class c}), and, for each public one, every member an app can name through it: its
 * own public and protected members and those it inherits, each keyed by the class that declares it as the JVM
 * resolves it ({@code StringBuilder.length()} is {@code AbstractStringBuilder.length()}).
 */
final class Candidates {

    /** A member as an app names it through {@code through}, and the member that resolution finds. */
    record Member(ClassInfo through, MethodInfo method, FieldInfo field) {

        ClassInfo declaring() {
            return method != null ? method.owner : field.owner();
        }

        String name() {
            return method != null ? method.name : field.name();
        }

        String desc() {
            return method != null ? method.desc : field.desc();
        }

        boolean isField() {
            return field != null;
        }

        /** The line an allowlist writes for it: {@code append(java.lang.String)} or {@code out}. */
        String pattern() {
            return Names.pattern(name(), desc(), isField());
        }

        /** The declaring member, for keys and reports. */
        String key() {
            return Names.member(declaring().name, name(), desc(), isField());
        }
    }

    private final List<String> packages = new ArrayList<>();
    private final List<String> packageTrees = new ArrayList<>();
    private final List<String> classes = new ArrayList<>();

    Candidates(String text) {
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = DataFiles.stripComment(lines[i]).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = "candidates.txt:" + (i + 1);
            if (line.startsWith("package ")) {
                String p = line.substring(8).strip();
                if (p.endsWith(".**")) {
                    packageTrees.add(p.substring(0, p.length() - 3).replace('.', '/'));
                } else {
                    packages.add(p.replace('.', '/'));
                }
            } else if (line.startsWith("class ")) {
                classes.add(line.substring(6).strip().replace('.', '/'));
            } else {
                throw new IllegalArgumentException(where + ": write 'package <name>', 'package <name>.**' or 'class <name>'");
            }
        }
    }

    boolean contains(ClassInfo c) {
        if (classes.contains(c.name)) {
            return true;
        }
        String pkg = c.packageName();
        if (packages.contains(pkg)) {
            return true;
        }
        for (String t : packageTrees) {
            if (pkg.equals(t) || pkg.startsWith(t + "/")) {
                return true;
            }
        }
        return false;
    }

    /** The public candidate classes of the image, by name. */
    Map<String, ClassInfo> publicClasses(JdkImage image) {
        Map<String, ClassInfo> out = new TreeMap<>();
        for (ClassInfo c : image.classes.values()) {
            if (c.isPublic() && contains(c) && !c.name.endsWith("module-info") && !c.name.endsWith("package-info")) {
                out.put(c.name, c);
            }
        }
        return out;
    }

    /** Every member an app can name through {@code c}, by allowlist pattern, declared and inherited alike. */
    static Map<String, Member> members(ClassInfo c, Resolver resolver) {
        Map<String, Member> out = new LinkedHashMap<>();
        for (String t : resolver.supertypes(c.name)) {
            ClassInfo k = resolver.image().get(t);
            if (k == null) {
                continue;
            }
            for (MethodInfo m : k.methods.values()) {
                if (!m.isApi() || m.name.equals("<clinit>") || m.isBridgeOrSynthetic()) {
                    continue;
                }
                if (m.isConstructor() && k != c) {
                    continue;
                }
                MethodInfo resolved = m.isConstructor() ? m : resolver.resolve(c.name, m.name, m.desc, c.isInterface());
                if (resolved == null || !resolved.isApi() || resolved.isBridgeOrSynthetic()) {
                    continue;
                }
                // Static methods of interfaces are not inherited.
                if (resolved.isStatic() && resolved.owner.isInterface() && resolved.owner != c) {
                    continue;
                }
                Member member = new Member(c, resolved, null);
                out.putIfAbsent(member.pattern() + "|" + resolved.desc, member);
            }
            for (FieldInfo f : k.fields.values()) {
                if (!f.isApi() || (f.access() & net.bytebuddy.jar.asm.Opcodes.ACC_SYNTHETIC) != 0) {
                    continue;
                }
                FieldInfo resolved = resolver.resolveField(c.name, f.name());
                if (resolved != null && resolved.isApi()) {
                    out.putIfAbsent(f.name(), new Member(c, null, resolved));
                }
            }
        }
        return out;
    }
}
