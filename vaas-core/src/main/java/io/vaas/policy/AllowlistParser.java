package io.vaas.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads allowlist files: which JDK classes and members each permission allows.
 *
 * <pre>
 * # A comment runs to the end of the line.
 * permission core : pure computation, always granted
 *
 * class java.util.ArrayList            # every member of one class ...
 * class java.lang.System               # every member but these, each with its reason ...
 *   - load(java.lang.String) : loads native code (native)      # ... but these, each with its reason
 *   - inheritedChannel(*) : a socket the JVM inherited (net:connect)
 *
 * class java.io.FileInputStream only   # only the members listed
 *   + &lt;init&gt;(java.io.File)
 *   + read()
 *   + in                               # a field
 * </pre>
 *
 * <p>Lists name classes, never packages: every class an app may use is listed, so a class the JDK adds to a package
 * is allowed by no list until someone reviews it (the standard {@code core} list is derived that way, see
 * {@code docs/security.md}). A {@code package} line is an error that says so.
 *
 * <p>Members: {@code name(type, …)} for a method or, with {@code <init>}, a constructor; {@code name(*)} for every
 * overload; a bare {@code name} for a field. Types are written as in Java source: {@code int}, {@code byte[]},
 * {@code java.lang.String}, {@code java.util.Map$Entry}. An exclusion ({@code -}) needs its reason after a colon; the
 * report shows it. Every error names the file and the line.
 */
public final class AllowlistParser {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*(:[a-z][a-z0-9-]*)?");
    private static final Pattern QUALIFIED = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

    private final Map<String, Draft> drafts = new LinkedHashMap<>();

    /** Collects one permission while its files are read. */
    private static final class Draft {
        final String name;
        String description = "";
        final Map<String, ClassRule> classes = new HashMap<>();

        Draft(String name) {
            this.name = name;
        }
    }

    /**
     * Reads one file.
     *
     * @param source the file's name, for messages
     * @param text   its content
     * @throws AllowlistException naming {@code source} and the line
     */
    public AllowlistParser parse(String source, String text) {
        Draft current = null;
        String currentClass = null;
        boolean only = false;
        int classLine = 0;
        List<MemberPattern> members = null;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String where = source + ":" + lineNo;
            String line = stripComment(lines[i]).strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("permission ")) {
                if (currentClass != null) {
                    put(current, currentClass, only, members, source + ":" + classLine, where);
                    currentClass = null;
                }
                String rest = line.substring("permission ".length()).strip();
                int colon = rest.indexOf(" :");
                String name = (colon < 0 ? rest : rest.substring(0, colon)).strip();
                if (!NAME.matcher(name).matches()) {
                    throw new AllowlistException(where + ": '" + name + "' is not a permission name (such as core or files:read)");
                }
                current = drafts.computeIfAbsent(name, Draft::new);
                if (colon >= 0) {
                    current.description = rest.substring(colon + 2).strip();
                }
                continue;
            }
            if (current == null) {
                throw new AllowlistException(where + ": start the file with 'permission <name>'");
            }
            if (line.startsWith("package ")) {
                throw new AllowlistException(where + ": '" + line + "': allowlists name classes, not packages; list each "
                        + "class the permission allows ('class <name>', with '- member : reason' lines or as 'class <name> "
                        + "only'), so a class the JDK adds later is allowed by no list until it is reviewed");
            }
            if (line.startsWith("class ")) {
                if (currentClass != null) {
                    put(current, currentClass, only, members, source + ":" + classLine, where);
                }
                String[] parts = line.substring("class ".length()).strip().split("\\s+");
                if (parts.length > 2 || (parts.length == 2 && !parts[1].equals("only"))) {
                    throw new AllowlistException(where + ": write 'class <name>' or 'class <name> only'");
                }
                requireQualified(parts[0], where, "class name");
                currentClass = parts[0].replace('.', '/');
                only = parts.length == 2;
                classLine = lineNo;
                members = new ArrayList<>();
                continue;
            }
            if (line.startsWith("-") || line.startsWith("+")) {
                boolean exclude = line.charAt(0) == '-';
                String body = line.substring(1).strip();
                String reason = null;
                int colon = body.indexOf(" :");
                if (colon >= 0) {
                    reason = body.substring(colon + 2).strip();
                    body = body.substring(0, colon).strip();
                }
                if (currentClass == null) {
                    throw new AllowlistException(where + ": a member line must follow a 'class' line");
                }
                if (exclude == only) {
                    throw new AllowlistException(where + ": " + (only ? "a 'class … only' block lists members with '+'"
                            : "a 'class' block excludes members with '-'; use 'class … only' to list allowed ones"));
                }
                if (exclude) {
                    requireReason(reason, where);
                }
                members.add(member(body, where));
                continue;
            }
            throw new AllowlistException(where + ": cannot read '" + line + "'; expected permission, class, "
                    + "'- member : reason' or '+ member'");
        }
        if (currentClass != null) {
            put(current, currentClass, only, members, source + ":" + classLine, source + ":" + lines.length);
        }
        return this;
    }

    /** The permissions read so far, by name. */
    public Map<String, Permission> permissions() {
        Map<String, Permission> out = new LinkedHashMap<>();
        drafts.forEach((name, d) -> out.put(name, new Permission(name, d.description, Map.copyOf(d.classes))));
        return out;
    }

    private static void put(Draft d, String className, boolean only, List<MemberPattern> members, String source,
                            String where) {
        ClassRule before = d.classes.putIfAbsent(className, new ClassRule(className, only, List.copyOf(members), source));
        if (before != null) {
            throw new AllowlistException(source + ": class " + className.replace('/', '.') + " is already listed for "
                    + "permission " + d.name + " at " + before.source() + "; merge the two blocks");
        }
    }

    static MemberPattern member(String text, String where) {
        int open = text.indexOf('(');
        if (open < 0) {
            requireIdentifier(text, where);
            return new MemberPattern(text, null);
        }
        if (!text.endsWith(")")) {
            throw new AllowlistException(where + ": member '" + text + "' has no closing ')'");
        }
        String name = text.substring(0, open).strip();
        if (!name.equals("<init>")) {
            requireIdentifier(name, where);
        }
        String params = text.substring(open + 1, text.length() - 1).strip();
        if (params.equals("*")) {
            return new MemberPattern(name, "*");
        }
        return new MemberPattern(name, parameterDescriptor(params, where));
    }

    /**
     * The JVM descriptor of a parameter list written as Java types ({@code "java.lang.String, int[]"} →
     * {@code "(Ljava/lang/String;[I)"}), as the allowlist grammar writes them.
     *
     * @throws AllowlistException naming {@code where} when a type is not fully qualified
     */
    public static String parameterDescriptor(String params, String where) {
        StringBuilder desc = new StringBuilder("(");
        if (!params.isEmpty()) {
            for (String p : params.split(",")) {
                desc.append(descriptor(p.strip(), where));
            }
        }
        return desc.append(')').toString();
    }

    private static String descriptor(String type, String where) {
        int dims = 0;
        String t = type;
        while (t.endsWith("[]")) {
            dims++;
            t = t.substring(0, t.length() - 2).strip();
        }
        String base = switch (t) {
            case "int" -> "I";
            case "long" -> "J";
            case "boolean" -> "Z";
            case "byte" -> "B";
            case "char" -> "C";
            case "short" -> "S";
            case "float" -> "F";
            case "double" -> "D";
            default -> {
                requireQualified(t, where, "type");
                if (!t.contains(".")) {
                    throw new AllowlistException(where + ": type '" + t + "' must be fully qualified, such as java.lang.String");
                }
                yield "L" + t.replace('.', '/') + ";";
            }
        };
        return "[".repeat(dims) + base;
    }

    private static void requireReason(String reason, String where) {
        if (reason == null || reason.isEmpty()) {
            throw new AllowlistException(where + ": an exclusion needs its reason after ' : '");
        }
    }

    private static void requireQualified(String name, String where, String what) {
        if (!QUALIFIED.matcher(name).matches()) {
            throw new AllowlistException(where + ": '" + name + "' is not a " + what);
        }
    }

    private static void requireIdentifier(String name, String where) {
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new AllowlistException(where + ": '" + name + "' is not a member name");
        }
    }

    private static String stripComment(String line) {
        int hash = line.indexOf('#');
        return hash < 0 ? line : line.substring(0, hash);
    }
}
