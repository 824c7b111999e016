package io.vaas.policy;

import java.util.List;

/**
 * What a permission allows of one class: every member but the excluded ones, or only the listed ones.
 *
 * @param className  binary name with slashes ({@code java/lang/System})
 * @param only       whether only {@code members} are allowed (else all but {@code members})
 * @param members    the listed members
 * @param source     the allowlist file and line that declared the class, for reports
 */
record ClassRule(String className, boolean only, List<MemberPattern> members, String source) {

    boolean allows(String name, String desc, boolean field) {
        boolean listed = members.stream().anyMatch(m -> m.matches(name, desc, field));
        return only == listed;
    }

    /** Whether every member of the class is allowed. */
    boolean whole() {
        return !only && members.isEmpty();
    }
}
