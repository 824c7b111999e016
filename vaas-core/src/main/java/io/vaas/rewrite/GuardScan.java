package io.vaas.rewrite;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Whether a class needs the rewriting pass for its guards alone (its constant pool naming nothing the rules or the
 * policy are about): it does when any method has code, since {@link ClassRewriter} puts a guard at the entry of every
 * method with code, or when it declares a {@code finalize()}, which the pass renames. Everything else the pass guards
 * (back-edges, handlers, array sizes, monitors) lives in code, so this reads the method table only, never the code,
 * and must stay in step with the rewriter: a class it passes over must not need a guard.
 */
final class GuardScan extends ClassVisitor {

    /** Thrown to stop the walk at the first finding; carries no stack. */
    private static final RuntimeException FOUND = new RuntimeException("guard needed", null, false, false) {
    };

    private GuardScan() {
        super(Opcodes.ASM9);
    }

    static boolean needsGuards(ClassReader reader) {
        try {
            reader.accept(new GuardScan(), ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
            return false;
        } catch (RuntimeException e) {
            if (e == FOUND) {
                return true;
            }
            throw e;
        }
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
        if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) == 0 || ClassRewriter.isFinalizer(access, name, descriptor)) {
            throw FOUND;
        }
        return null;
    }
}
