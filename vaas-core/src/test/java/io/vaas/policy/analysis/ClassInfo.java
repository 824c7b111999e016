package io.vaas.policy.analysis;

import net.bytebuddy.jar.asm.Opcodes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One class of the JDK image as the analysis sees it: its header, its methods and fields.
 */
final class ClassInfo {

    final String name;
    final int access;
    final String superName;
    final List<String> interfaces;
    final String module;
    /** Methods by name + descriptor, in class-file order. */
    final Map<String, MethodInfo> methods = new LinkedHashMap<>();
    /** Fields by name. */
    final Map<String, FieldInfo> fields = new LinkedHashMap<>();

    ClassInfo(String name, int access, String superName, List<String> interfaces, String module) {
        this.name = name;
        this.access = access;
        this.superName = superName;
        this.interfaces = interfaces;
        this.module = module;
    }

    boolean isInterface() {
        return (access & Opcodes.ACC_INTERFACE) != 0;
    }

    boolean isPublic() {
        return (access & Opcodes.ACC_PUBLIC) != 0;
    }

    boolean isAbstract() {
        return (access & Opcodes.ACC_ABSTRACT) != 0;
    }

    boolean isFinal() {
        return (access & Opcodes.ACC_FINAL) != 0;
    }

    /** The package, internal form ({@code java/util}). */
    String packageName() {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? "" : name.substring(0, slash);
    }

    MethodInfo method(String nameAndDesc) {
        return methods.get(nameAndDesc);
    }

    @Override
    public String toString() {
        return name.replace('/', '.');
    }

    /** One method or constructor. */
    static final class MethodInfo {
        final ClassInfo owner;
        final String name;
        final String desc;
        final int access;

        /** Bits of the reference-typed arguments, receiver first (as {@link Provenance#bit}). */
        final long referenceArgs;

        MethodInfo(ClassInfo owner, String name, String desc, int access) {
            this.owner = owner;
            this.name = name;
            this.desc = desc;
            this.access = access;
            long bits = 0;
            int i = 0;
            if ((access & Opcodes.ACC_STATIC) == 0) {
                bits |= Provenance.bit(i++);
            }
            for (net.bytebuddy.jar.asm.Type t : net.bytebuddy.jar.asm.Type.getArgumentTypes(desc)) {
                int sort = t.getSort();
                if (sort == net.bytebuddy.jar.asm.Type.OBJECT || sort == net.bytebuddy.jar.asm.Type.ARRAY) {
                    bits |= Provenance.bit(i);
                }
                i++;
            }
            this.referenceArgs = bits;
        }

        boolean isStatic() {
            return (access & Opcodes.ACC_STATIC) != 0;
        }

        boolean isAbstract() {
            return (access & Opcodes.ACC_ABSTRACT) != 0;
        }

        boolean isNative() {
            return (access & Opcodes.ACC_NATIVE) != 0;
        }

        boolean isPrivate() {
            return (access & Opcodes.ACC_PRIVATE) != 0;
        }

        boolean isBridgeOrSynthetic() {
            return (access & (Opcodes.ACC_BRIDGE | Opcodes.ACC_SYNTHETIC)) != 0;
        }

        boolean isApi() {
            return (access & (Opcodes.ACC_PUBLIC | Opcodes.ACC_PROTECTED)) != 0;
        }

        boolean hasCode() {
            return !isAbstract() && !isNative();
        }

        boolean isConstructor() {
            return name.equals("<init>");
        }

        String key() {
            return name + desc;
        }

        @Override
        public String toString() {
            return Names.member(owner.name, name, desc, false);
        }
    }

    /** One field. */
    record FieldInfo(ClassInfo owner, String name, String desc, int access) {

        boolean isStatic() {
            return (access & Opcodes.ACC_STATIC) != 0;
        }

        boolean isFinal() {
            return (access & Opcodes.ACC_FINAL) != 0;
        }

        boolean isApi() {
            return (access & (Opcodes.ACC_PUBLIC | Opcodes.ACC_PROTECTED)) != 0;
        }

        @Override
        public String toString() {
            return Names.member(owner.name, name, desc, true);
        }
    }
}
