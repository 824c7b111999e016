package io.vaas.policy;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A permission group: the JDK classes and members it allows, from one or more allowlist files.
 *
 * @param name        such as {@code core} or {@code files:read}
 * @param description what it is for, for reports
 * @param packages    packages allowed wholesale (internal form, {@code java/util}), mapped to whether their
 *                    sub-packages are too
 * @param excludedClasses classes excluded from those packages
 * @param classes     classes allowed member by member, by internal name
 */
public record Permission(String name, String description, Map<String, Boolean> packages, Set<String> excludedClasses,
                         Map<String, ClassRule> classes) {

    /** Whether this permission allows member {@code name desc} of class {@code owner} (internal names). */
    boolean allows(String owner, String name, String desc, boolean field) {
        ClassRule rule = classes.get(owner);
        if (rule != null) {
            return rule.allows(name, desc, field);
        }
        return packageAllows(owner);
    }

    /** Whether this permission says anything about class {@code owner}: lists it, or its package, or excludes it. */
    boolean mentions(String owner) {
        return classes.containsKey(owner) || excludedClasses.contains(owner) || packageAllows(owner);
    }

    /** Whether this permission allows at least one member of {@code owner}. */
    boolean allowsSome(String owner) {
        ClassRule rule = classes.get(owner);
        if (rule != null) {
            return !rule.only() || !rule.members().isEmpty();
        }
        return packageAllows(owner);
    }

    /** Whether every member of {@code owner} is allowed. */
    boolean allowsWhole(String owner) {
        ClassRule rule = classes.get(owner);
        return rule != null ? rule.whole() : packageAllows(owner);
    }

    private boolean packageAllows(String owner) {
        if (excludedClasses.contains(owner)) {
            return false;
        }
        int slash = owner.lastIndexOf('/');
        String pkg = slash < 0 ? "" : owner.substring(0, slash);
        if (packages.containsKey(pkg)) {
            return true;
        }
        for (Map.Entry<String, Boolean> p : packages.entrySet()) {
            if (p.getValue() && pkg.startsWith(p.getKey() + "/")) {
                return true;
            }
        }
        return false;
    }

    /** The names of the permissions in {@code all}, sorted, for messages. */
    static List<String> names(List<Permission> all) {
        return all.stream().map(Permission::name).sorted().toList();
    }
}
