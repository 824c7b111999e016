package io.vaas.policy.analysis;

import io.vaas.policy.analysis.ClassInfo.MethodInfo;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ConstantDynamic;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one method's code does that the call graph needs: the members it calls (with where each argument comes
 * from, see {@link Provenance}), the method handles and lambdas it makes, the static fields it writes, and where
 * what it returns comes from. Computed by {@link Interpreter} over the method's instructions. Static initializers
 * are not analysed: they run once per JVM, on the JDK's own constants.
 */
final class MethodFacts {

    static final MethodFacts NONE = new MethodFacts(List.of(), List.of(), List.of(), List.of(), List.of(), null);

    /** A call: {@code args} holds the receiver first for instance calls. */
    record Call(int opcode, String owner, String name, String desc, boolean itf, Provenance[] args) {
    }

    /** A lambda or method reference the method creates: its implementation and the values it captures. */
    record Lambda(Handle impl, Provenance[] captured) {
    }

    /** A static field the method writes. */
    record FieldRef(String owner, String name, String desc) {
    }

    final List<Call> calls;
    /** Method handle constants, bootstrap methods and their handle arguments (other than lambdas'). */
    final List<Handle> handles;
    final List<Lambda> lambdas;
    final List<FieldRef> staticWrites;
    /** The classes it creates ({@code NEW}). */
    final List<String> news;
    /** Where the values it returns come from; null when it returns no reference. */
    final Provenance returned;

    MethodFacts(List<Call> calls, List<Handle> handles, List<Lambda> lambdas, List<FieldRef> staticWrites,
                List<String> news, Provenance returned) {
        this.calls = calls;
        this.handles = handles;
        this.lambdas = lambdas;
        this.staticWrites = staticWrites;
        this.news = news;
        this.returned = returned;
    }

    /** The facts of every method of one class. */
    static final class ClassFacts {
        private final Map<String, MethodFacts> byKey;

        ClassFacts(Map<String, MethodFacts> byKey) {
            this.byKey = byKey;
        }

        MethodFacts of(MethodInfo m) {
            return byKey.getOrDefault(m.key(), NONE);
        }
    }

    static ClassFacts analyse(ClassInfo info, byte[] bytes, JdkImage.Interner interner) {
        Map<String, MethodFacts> out = new HashMap<>();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                if (name.equals("<clinit>") || (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
                    return null;
                }
                return new Interpreter(info.name, access, descriptor, interner,
                        facts -> out.put(interner.of(name + descriptor), facts));
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return new ClassFacts(out);
    }

    static void addHandles(Object[] constants, List<Handle> out) {
        for (Object c : constants) {
            if (c instanceof Handle h) {
                out.add(h);
            } else if (c instanceof ConstantDynamic cd) {
                out.add(cd.getBootstrapMethod());
                Object[] args = new Object[cd.getBootstrapMethodArgumentCount()];
                for (int i = 0; i < args.length; i++) {
                    args[i] = cd.getBootstrapMethodArgument(i);
                }
                addHandles(args, out);
            }
        }
    }
}
