package io.vaas.policy.analysis;

import net.bytebuddy.jar.asm.Type;

import java.util.ArrayList;
import java.util.List;

/** How members are written in the allowlists, reports and data files: Java-source types, dotted binary names. */
final class Names {

    private Names() {
    }

    /** {@code java.lang.System.load(java.lang.String)} or {@code java.lang.System.out}. */
    static String member(String owner, String name, String desc, boolean field) {
        return dotted(owner) + "." + pattern(name, desc, field);
    }

    /** The member as an allowlist line names it: {@code load(java.lang.String)} or {@code out}. */
    static String pattern(String name, String desc, boolean field) {
        if (field) {
            return name;
        }
        return name + "(" + String.join(", ", params(desc)) + ")";
    }

    /** Parameter types of a method descriptor, as Java source writes them. */
    static List<String> params(String desc) {
        List<String> out = new ArrayList<>();
        for (Type t : Type.getArgumentTypes(desc)) {
            out.add(typeName(t));
        }
        return out;
    }

    static String typeName(Type t) {
        return switch (t.getSort()) {
            case Type.ARRAY -> typeName(t.getElementType()) + "[]".repeat(t.getDimensions());
            case Type.OBJECT -> t.getInternalName().replace('/', '.');
            default -> t.getClassName();
        };
    }

    static String dotted(String internal) {
        return internal.replace('/', '.');
    }

    /** A short form for paths in reports: {@code FileInputStream.open0(String)}. */
    static String brief(String owner, String name, String desc) {
        String simple = owner.substring(owner.lastIndexOf('/') + 1);
        List<String> ps = new ArrayList<>();
        for (Type t : Type.getArgumentTypes(desc)) {
            String n = typeName(t);
            ps.add(n.substring(n.lastIndexOf('.') + 1));
        }
        return simple + "." + name + "(" + String.join(", ", ps) + ")";
    }
}
