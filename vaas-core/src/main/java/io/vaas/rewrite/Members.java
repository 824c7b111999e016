package io.vaas.rewrite;

import net.bytebuddy.jar.asm.Type;

import java.util.Arrays;
import java.util.stream.Collectors;

/** JDK members written as a Java programmer reads them, for reports and errors. */
public final class Members {

    private Members() {
    }

    /**
     * {@code java.lang.System.loadLibrary(java.lang.String)}, {@code java.io.FileInputStream(java.io.File)} for a
     * constructor, {@code java.lang.System.out} for a field.
     */
    public static String describe(String owner, String name, String desc, boolean field) {
        String cls = owner.replace('/', '.');
        if (field) {
            return cls + "." + name;
        }
        String params = Arrays.stream(Type.getArgumentTypes(desc)).map(Type::getClassName)
                .collect(Collectors.joining(", "));
        if (name.equals("<init>")) {
            return cls + "(" + params + ")";
        }
        return cls + "." + name + "(" + params + ")";
    }
}
