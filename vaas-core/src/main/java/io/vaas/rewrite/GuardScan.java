package io.vaas.rewrite;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

import java.util.HashSet;
import java.util.Set;

/**
 * Whether a class needs any runaway guard: a loop (a jump back to code already seen), a method that can catch a
 * {@code StackOverflowError}, or an array allocation whose size is not a small constant. A read-only walk of the
 * code that stops at the first finding, so classes without any (records, plain data, most small classes) skip the
 * rewriting pass and keep their bytes. Must agree with what {@link ClassRewriter} guards.
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
            reader.accept(new GuardScan(), ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
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
        return new MethodVisitor(Opcodes.ASM9) {
            private final Set<Label> seen = new HashSet<>();
            private int lastConstant = -1;

            @Override
            public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
                if (type == null || ClassRewriter.catchesOverflow(type)) {
                    throw FOUND;
                }
            }

            @Override
            public void visitLabel(Label label) {
                seen.add(label);
                lastConstant = -1;
            }

            @Override
            public void visitJumpInsn(int opcode, Label label) {
                if (seen.contains(label)) {
                    throw FOUND;
                }
                lastConstant = -1;
            }

            @Override
            public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
                backward(dflt, labels);
            }

            @Override
            public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
                backward(dflt, labels);
            }

            private void backward(Label dflt, Label[] labels) {
                if (seen.contains(dflt)) {
                    throw FOUND;
                }
                for (Label l : labels) {
                    if (seen.contains(l)) {
                        throw FOUND;
                    }
                }
                lastConstant = -1;
            }

            @Override
            public void visitInsn(int opcode) {
                lastConstant = opcode >= Opcodes.ICONST_0 && opcode <= Opcodes.ICONST_5 ? opcode - Opcodes.ICONST_0 : -1;
            }

            @Override
            public void visitIntInsn(int opcode, int operand) {
                if (opcode == Opcodes.NEWARRAY) {
                    array();
                }
                lastConstant = opcode == Opcodes.BIPUSH || opcode == Opcodes.SIPUSH ? operand : -1;
            }

            @Override
            public void visitTypeInsn(int opcode, String type) {
                if (opcode == Opcodes.ANEWARRAY) {
                    array();
                }
                lastConstant = -1;
            }

            @Override
            public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
                throw FOUND;
            }

            private void array() {
                if (!ClassRewriter.smallConstant(lastConstant)) {
                    throw FOUND;
                }
            }

            @Override
            public void visitLdcInsn(Object value) {
                lastConstant = value instanceof Integer i && i >= 0 ? i : -1;
            }

            @Override
            public void visitVarInsn(int opcode, int varIndex) {
                lastConstant = -1;
            }

            @Override
            public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
                lastConstant = -1;
            }

            @Override
            public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
                lastConstant = -1;
            }

            @Override
            public void visitInvokeDynamicInsn(String name, String descriptor, net.bytebuddy.jar.asm.Handle bsm,
                                               Object... args) {
                lastConstant = -1;
            }

            @Override
            public void visitIincInsn(int varIndex, int increment) {
                lastConstant = -1;
            }
        };
    }
}
