package io.vaas.policy;

import java.util.List;

/**
 * One reference in an app's code to a JDK member its permissions do not allow.
 *
 * @param className the app class holding the reference
 * @param method    the method holding it, as {@code name(descriptor)}
 * @param line      the source line, or -1 when the class has no line numbers
 * @param api       the JDK member, as {@code java.lang.System.loadLibrary(java.lang.String)}
 * @param allowedBy the permissions that would allow it; empty when none does
 */
public record Violation(String className, String method, int line, String api, List<String> allowedBy) {

    /** Copies the list. */
    public Violation {
        allowedBy = List.copyOf(allowedBy);
    }

    /** What to do about it, for messages. */
    public String remedy() {
        return allowedBy.isEmpty() ? "no permission allows it"
                : "permission " + String.join(" or ", allowedBy.stream().map(p -> "'" + p + "'").toList())
                + " allows it (add it to \"permissions\" in vaas.json)";
    }

    /** The whole sentence: where, what, and the way out. */
    public String describe() {
        return className + "." + method.substring(0, method.indexOf('(')) + (line > 0 ? " (line " + line + ")" : "")
                + " uses " + api + ", which the app's permissions do not allow; " + remedy();
    }
}
