package io.vaas.policy.analysis;

/** What kind of thing a sink does for whoever reaches it, and what an app would need to be allowed it. */
enum Category {
    FILES("files", "opens, reads, lists, creates or deletes the host's files", "files:read, files:write"),
    PROCESS("process", "starts or sees operating-system processes", "process"),
    NATIVE("native", "runs native code or touches raw memory", "native"),
    CLASSLOADING("classloading", "defines or loads classes from bytes, URLs or paths", "classloading"),
    TOOLS("tools", "runs a JDK tool (javac, jar, ...) on the host", "none"),
    NET("net", "opens connections or looks names up", "net:connect"),
    THREADS("threads", "starts threads the container does not adopt", "threads"),
    STATE("state", "changes state of the whole JVM", "management");

    final String id;
    final String what;
    /** The permission that governs such things, for exclusion reasons. */
    final String permission;

    Category(String id, String what, String permission) {
        this.id = id;
        this.what = what;
        this.permission = permission;
    }

    static Category byId(String id, String where) {
        for (Category c : values()) {
            if (c.id.equals(id)) {
                return c;
            }
        }
        throw new IllegalArgumentException(where + ": unknown sink category '" + id + "'");
    }
}
