package io.vaas.policy;

import java.util.List;
import java.util.Map;

/**
 * A permission group: the JDK classes and members it allows, from one or more allowlist files. It names classes
 * only; a class it does not name is not allowed.
 *
 * @param name        such as {@code core} or {@code files:read}
 * @param description what it is for, for reports
 * @param classes     classes allowed member by member, by internal name
 */
public record Permission(String name, String description, Map<String, ClassRule> classes) {

    /** Whether this permission allows member {@code name desc} of class {@code owner} (internal names). */
    boolean allows(String owner, String name, String desc, boolean field) {
        ClassRule rule = classes.get(owner);
        return rule != null && rule.allows(name, desc, field);
    }

    /** Whether this permission says anything about class {@code owner}: lists it (with its exclusions, if any). */
    boolean mentions(String owner) {
        return classes.containsKey(owner);
    }

    /** Whether this permission allows at least one member of {@code owner}. */
    boolean allowsSome(String owner) {
        ClassRule rule = classes.get(owner);
        return rule != null && (!rule.only() || !rule.members().isEmpty());
    }

    /** Whether every member of {@code owner} is allowed. */
    boolean allowsWhole(String owner) {
        ClassRule rule = classes.get(owner);
        return rule != null && rule.whole();
    }

    /** The names of the permissions in {@code all}, sorted, for messages. */
    static List<String> names(List<Permission> all) {
        return all.stream().map(Permission::name).sorted().toList();
    }
}
