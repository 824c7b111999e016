package io.vaas.policy.analysis;

import io.vaas.policy.analysis.ClassInfo.MethodInfo;

import java.util.ArrayList;
import java.util.List;

/**
 * A member pattern in the analysis's data files, in the allowlists' notation:
 * {@code java.io.FileInputStream.open0(java.lang.String)} (one method), {@code java.io.FileInputStream.open0(*)}
 * (every overload), {@code java.io.UnixFileSystem.*} (every method of the class), {@code sun.nio.fs.*.*} (every
 * method of the package's classes), {@code sun.nio.fs.**.*} (and of its sub-packages),
 * {@code <: java.util.spi.ToolProvider.run(*)} (the method in every class below that type), or a field
 * {@code java.util.Locale.defaultLocale}.
 */
record Selector(String text, String owner, OwnerKind ownerKind, boolean subtypes, String name, String params) {

    enum OwnerKind { CLASS, PACKAGE, PACKAGE_TREE }

    static Selector parse(String text, String where) {
        String t = text.strip();
        boolean subtypes = t.startsWith("<:");
        if (subtypes) {
            t = t.substring(2).strip();
        }
        int paren = t.indexOf('(');
        int dot = (paren < 0 ? t : t.substring(0, paren)).lastIndexOf('.');
        if (dot <= 0) {
            throw new IllegalArgumentException(where + ": '" + text + "' is not owner.member");
        }
        String ownerText = t.substring(0, dot);
        String member = t.substring(dot + 1);
        OwnerKind kind = OwnerKind.CLASS;
        if (ownerText.endsWith(".**")) {
            kind = OwnerKind.PACKAGE_TREE;
            ownerText = ownerText.substring(0, ownerText.length() - 3);
        } else if (ownerText.endsWith(".*")) {
            kind = OwnerKind.PACKAGE;
            ownerText = ownerText.substring(0, ownerText.length() - 2);
        }
        String name;
        String params;
        if (member.equals("*")) {
            name = "*";
            params = "*";
        } else if (member.contains("(")) {
            if (!member.endsWith(")")) {
                throw new IllegalArgumentException(where + ": '" + text + "' has no closing ')'");
            }
            name = member.substring(0, member.indexOf('('));
            String ps = member.substring(member.indexOf('(') + 1, member.length() - 1).strip();
            params = ps.equals("*") ? "*" : io.vaas.policy.AllowlistParser.parameterDescriptor(ps, where);
        } else {
            name = member;
            params = null;
        }
        return new Selector(text.strip(), ownerText.replace('.', '/'), kind, subtypes, name, params);
    }

    /** Whether it names this method; {@code resolver} answers subtype questions. */
    boolean matches(MethodInfo m, Resolver resolver) {
        return matchesOwner(m.owner.name, resolver) && matchesMember(m.name, m.desc, false);
    }

    boolean matchesField(String fieldOwner, String fieldName) {
        return ownerKind == OwnerKind.CLASS && owner.equals(fieldOwner) && params == null && name.equals(fieldName);
    }

    boolean matchesOwner(String cls, Resolver resolver) {
        return switch (ownerKind) {
            // '<:' names the implementations below a type, not the type's own member.
            case CLASS -> subtypes ? !owner.equals(cls) && resolver != null && resolver.isSubtype(cls, owner)
                    : owner.equals(cls);
            case PACKAGE -> cls.lastIndexOf('/') == owner.length() && cls.startsWith(owner + "/");
            case PACKAGE_TREE -> cls.startsWith(owner + "/");
        };
    }

    boolean matchesMember(String memberName, String desc, boolean field) {
        if (name.equals("*")) {
            return !field;
        }
        if (!name.equals(memberName)) {
            return false;
        }
        if (params == null) {
            return field;
        }
        return !field && (params.equals("*") || desc.startsWith(params));
    }

    @Override
    public String toString() {
        return text;
    }

    /** Reads {@code selector : reason} lines (comments start with '#'); every line needs its reason. */
    static List<Reasoned> readReasoned(String source, String text) {
        List<Reasoned> out = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = DataFiles.stripComment(lines[i]).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = source + ":" + (i + 1);
            int colon = line.indexOf(" : ");
            if (colon < 0) {
                throw new IllegalArgumentException(where + ": '" + line + "' needs ' : reason'");
            }
            out.add(new Reasoned(line.substring(0, colon).strip(), line.substring(colon + 3).strip(), where));
        }
        return out;
    }

    /** One line of a reviewed data file: what, why, and where it is written. */
    record Reasoned(String what, String reason, String where) {
    }
}
