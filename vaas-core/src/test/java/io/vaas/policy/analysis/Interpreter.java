package io.vaas.policy.analysis;

import net.bytebuddy.jar.asm.ConstantDynamic;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Records one method's instructions, then computes, by abstract interpretation to a fixpoint over its control flow
 * (jumps, switches, exception handlers), the {@link Provenance} of every value on the operand stack and in the
 * locals before each instruction; hands the method's {@link MethodFacts} to {@code sink} at the end.
 */
final class Interpreter extends MethodVisitor {

    /** One recorded instruction. */
    private static final class Insn {
        final int opcode;
        int var;
        String owner;
        String name;
        String desc;
        boolean itf;
        Object cst;
        Handle bsm;
        Object[] bsmArgs;
        Label[] labels;
        int[] targets;

        Insn(int opcode) {
            this.opcode = opcode;
        }
    }

    private record Handler(Label start, Label end, Label handler) {
    }

    private final String owner;
    private final int access;
    private final String desc;
    private final JdkImage.Interner interner;
    private final Consumer<MethodFacts> sink;
    private final List<Insn> insns = new ArrayList<>();
    private final Map<Label, Integer> labelIndex = new HashMap<>();
    private final List<Label> pendingLabels = new ArrayList<>();
    private final List<Handler> handlers = new ArrayList<>();
    private int maxLocals;

    Interpreter(String owner, int access, String desc, JdkImage.Interner interner, Consumer<MethodFacts> sink) {
        super(Opcodes.ASM9);
        this.owner = owner;
        this.access = access;
        this.desc = desc;
        this.interner = interner;
        this.sink = sink;
    }

    private Insn add(Insn i) {
        for (Label l : pendingLabels) {
            labelIndex.put(l, insns.size());
        }
        pendingLabels.clear();
        insns.add(i);
        return i;
    }

    @Override
    public void visitLabel(Label label) {
        pendingLabels.add(label);
    }

    @Override
    public void visitInsn(int opcode) {
        add(new Insn(opcode));
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
        add(new Insn(opcode));
    }

    @Override
    public void visitVarInsn(int opcode, int varIndex) {
        add(new Insn(opcode)).var = varIndex;
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
        add(new Insn(opcode)).owner = type;
    }

    @Override
    public void visitFieldInsn(int opcode, String fieldOwner, String name, String descriptor) {
        Insn i = add(new Insn(opcode));
        i.owner = fieldOwner;
        i.name = name;
        i.desc = descriptor;
    }

    @Override
    public void visitMethodInsn(int opcode, String methodOwner, String name, String descriptor, boolean isInterface) {
        Insn i = add(new Insn(opcode));
        i.owner = methodOwner;
        i.name = name;
        i.desc = descriptor;
        i.itf = isInterface;
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrapMethodHandle,
                                       Object... bootstrapMethodArguments) {
        Insn i = add(new Insn(Opcodes.INVOKEDYNAMIC));
        i.name = name;
        i.desc = descriptor;
        i.bsm = bootstrapMethodHandle;
        i.bsmArgs = bootstrapMethodArguments;
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
        add(new Insn(opcode)).labels = new Label[] {label};
    }

    @Override
    public void visitLdcInsn(Object value) {
        add(new Insn(Opcodes.LDC)).cst = value;
    }

    @Override
    public void visitIincInsn(int varIndex, int increment) {
        add(new Insn(Opcodes.IINC)).var = varIndex;
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
        Label[] all = Arrays.copyOf(labels, labels.length + 1);
        all[labels.length] = dflt;
        add(new Insn(Opcodes.TABLESWITCH)).labels = all;
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
        Label[] all = Arrays.copyOf(labels, labels.length + 1);
        all[labels.length] = dflt;
        add(new Insn(Opcodes.LOOKUPSWITCH)).labels = all;
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
        add(new Insn(Opcodes.MULTIANEWARRAY)).var = numDimensions;
    }

    @Override
    public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
        handlers.add(new Handler(start, end, handler));
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        this.maxLocals = maxLocals;
    }

    @Override
    public void visitEnd() {
        for (Label l : pendingLabels) {
            labelIndex.put(l, insns.size());
        }
        for (Insn i : insns) {
            if (i.labels != null) {
                i.targets = new int[i.labels.length];
                for (int k = 0; k < i.labels.length; k++) {
                    i.targets[k] = labelIndex.get(i.labels[k]);
                }
            }
        }
        sink.accept(run());
    }

    /** Locals and operand stack before one instruction. */
    private static final class Frame {
        final Provenance[] locals;
        final Deque<Provenance> stack;

        Frame(Provenance[] locals, Deque<Provenance> stack) {
            this.locals = locals;
            this.stack = stack;
        }

        Frame copy() {
            return new Frame(locals.clone(), new ArrayDeque<>(stack));
        }

        /** Merges {@code other} into this frame; true when this frame changed. */
        boolean merge(Frame other) {
            boolean changed = false;
            for (int i = 0; i < locals.length; i++) {
                Provenance m = Provenance.merge(locals[i], other.locals[i]);
                if (m != null && !m.equals(locals[i])) {
                    locals[i] = m;
                    changed = true;
                }
            }
            if (stack.size() == other.stack.size()) {
                Provenance[] mine = stack.toArray(new Provenance[0]);
                Provenance[] theirs = other.stack.toArray(new Provenance[0]);
                for (int i = 0; i < mine.length; i++) {
                    Provenance m = Provenance.merge(mine[i], theirs[i]);
                    if (!m.equals(mine[i])) {
                        mine[i] = m;
                        changed = true;
                    }
                }
                if (changed) {
                    stack.clear();
                    stack.addAll(Arrays.asList(mine));
                }
            }
            return changed;
        }
    }

    private MethodFacts run() {
        int n = insns.size();
        Frame[] before = new Frame[n];
        Frame entry = new Frame(new Provenance[Math.max(maxLocals, 1)], new ArrayDeque<>());
        int slot = 0;
        int index = 0;
        if ((access & Opcodes.ACC_STATIC) == 0) {
            entry.locals[slot++] = Provenance.of(1, false, Provenance.bit(index++));
        }
        for (Type t : Type.getArgumentTypes(desc)) {
            if (slot < entry.locals.length) {
                entry.locals[slot] = Provenance.of(t.getSize(), false, Provenance.bit(index));
            }
            slot += t.getSize();
            index++;
        }
        List<int[]> handlerRanges = new ArrayList<>();
        for (Handler h : handlers) {
            handlerRanges.add(new int[] {labelIndex.get(h.start), labelIndex.get(h.end), labelIndex.get(h.handler)});
        }
        Deque<Integer> work = new ArrayDeque<>();
        if (n > 0) {
            before[0] = entry;
            work.add(0);
        }
        boolean[] queued = new boolean[n];
        while (!work.isEmpty()) {
            int i = work.poll();
            queued[i] = false;
            Frame f = before[i].copy();
            Insn insn = insns.get(i);
            execute(insn, f);
            for (int next : successors(insn, i, n)) {
                if (before[next] == null) {
                    before[next] = f.copy();
                    enqueue(work, queued, next);
                } else if (before[next].merge(f)) {
                    enqueue(work, queued, next);
                }
            }
            for (int[] h : handlerRanges) {
                if (i >= h[0] && i < h[1]) {
                    for (Frame locals : new Frame[] {before[i], f}) {
                        Deque<Provenance> st = new ArrayDeque<>();
                        st.push(Provenance.OWN_1);
                        Frame hf = new Frame(locals.locals.clone(), st);
                        if (before[h[2]] == null) {
                            before[h[2]] = hf;
                            enqueue(work, queued, h[2]);
                        } else if (before[h[2]].merge(hf)) {
                            enqueue(work, queued, h[2]);
                        }
                    }
                }
            }
        }
        return facts(before);
    }

    private static void enqueue(Deque<Integer> work, boolean[] queued, int i) {
        if (!queued[i]) {
            queued[i] = true;
            work.add(i);
        }
    }

    private static int[] successors(Insn insn, int i, int n) {
        int op = insn.opcode;
        if (op == Opcodes.GOTO) {
            return insn.targets;
        }
        if (op == Opcodes.TABLESWITCH || op == Opcodes.LOOKUPSWITCH) {
            return insn.targets;
        }
        if ((op >= Opcodes.IRETURN && op <= Opcodes.RETURN) || op == Opcodes.ATHROW) {
            return new int[0];
        }
        if (op == Opcodes.JSR || op == Opcodes.RET) {
            throw new IllegalStateException("subroutines (JSR/RET) are not supported");
        }
        if (insn.targets != null) {
            return i + 1 < n ? new int[] {insn.targets[0], i + 1} : insn.targets;
        }
        return i + 1 < n ? new int[] {i + 1} : new int[0];
    }

    private MethodFacts facts(Frame[] before) {
        List<MethodFacts.Call> calls = new ArrayList<>();
        List<Handle> handles = new ArrayList<>();
        List<MethodFacts.Lambda> lambdas = new ArrayList<>();
        List<MethodFacts.FieldRef> writes = new ArrayList<>();
        List<String> news = new ArrayList<>();
        Provenance returned = null;
        for (int i = 0; i < insns.size(); i++) {
            Frame f = before[i];
            if (f == null) {
                continue; // unreachable
            }
            Insn insn = insns.get(i);
            switch (insn.opcode) {
                case Opcodes.INVOKEVIRTUAL, Opcodes.INVOKESPECIAL, Opcodes.INVOKESTATIC, Opcodes.INVOKEINTERFACE -> {
                    int count = Type.getArgumentCount(insn.desc) + (insn.opcode == Opcodes.INVOKESTATIC ? 0 : 1);
                    calls.add(new MethodFacts.Call(insn.opcode, interner.of(insn.owner), interner.of(insn.name),
                            interner.of(insn.desc), insn.itf, top(f, count)));
                }
                case Opcodes.INVOKEDYNAMIC -> {
                    if (Provenance.isLambda(insn.bsm) && insn.bsmArgs.length > 1 && insn.bsmArgs[1] instanceof Handle impl) {
                        lambdas.add(new MethodFacts.Lambda(impl, top(f, Type.getArgumentCount(insn.desc))));
                    } else {
                        handles.add(insn.bsm);
                        MethodFacts.addHandles(insn.bsmArgs, handles);
                    }
                }
                case Opcodes.LDC -> MethodFacts.addHandles(new Object[] {insn.cst}, handles);
                case Opcodes.PUTSTATIC -> writes.add(new MethodFacts.FieldRef(interner.of(insn.owner),
                        interner.of(insn.name), interner.of(insn.desc)));
                case Opcodes.ARETURN -> returned = Provenance.merge(returned, f.stack.peek());
                case Opcodes.NEW -> news.add(interner.of(insn.owner));
                default -> {
                }
            }
        }
        return new MethodFacts(List.copyOf(calls), List.copyOf(handles), List.copyOf(lambdas), List.copyOf(writes),
                List.copyOf(news), returned);
    }

    /** The top {@code n} stack values, deepest first. */
    private static Provenance[] top(Frame f, int n) {
        Provenance[] out = new Provenance[n];
        var it = f.stack.iterator();
        for (int k = n - 1; k >= 0; k--) {
            out[k] = it.next();
        }
        return out;
    }

    private static void execute(Insn insn, Frame f) {
        Deque<Provenance> s = f.stack;
        int op = insn.opcode;
        switch (op) {
            case Opcodes.NOP, Opcodes.GOTO, Opcodes.RETURN, Opcodes.IINC -> {
            }
            case Opcodes.ACONST_NULL, Opcodes.ICONST_M1, Opcodes.ICONST_0, Opcodes.ICONST_1, Opcodes.ICONST_2,
                 Opcodes.ICONST_3, Opcodes.ICONST_4, Opcodes.ICONST_5, Opcodes.FCONST_0, Opcodes.FCONST_1,
                 Opcodes.FCONST_2, Opcodes.BIPUSH, Opcodes.SIPUSH -> s.push(Provenance.NEUTRAL_1);
            case Opcodes.LCONST_0, Opcodes.LCONST_1, Opcodes.DCONST_0, Opcodes.DCONST_1 -> s.push(Provenance.NEUTRAL_2);
            case Opcodes.LDC -> {
                Object c = insn.cst;
                if (c instanceof Long || c instanceof Double) {
                    s.push(Provenance.NEUTRAL_2);
                } else if (c instanceof ConstantDynamic cd) {
                    s.push(Provenance.own(Type.getType(cd.getDescriptor())));
                } else {
                    s.push(Provenance.NEUTRAL_1);
                }
            }
            case Opcodes.ILOAD, Opcodes.FLOAD, Opcodes.ALOAD -> s.push(local(f, insn.var, 1));
            case Opcodes.LLOAD, Opcodes.DLOAD -> s.push(local(f, insn.var, 2));
            case Opcodes.ISTORE, Opcodes.FSTORE, Opcodes.ASTORE, Opcodes.LSTORE, Opcodes.DSTORE -> {
                Provenance v = s.pop();
                if (insn.var < f.locals.length) {
                    f.locals[insn.var] = v;
                }
                if (v.size == 2 && insn.var + 1 < f.locals.length) {
                    f.locals[insn.var + 1] = Provenance.NEUTRAL_1;
                }
            }
            case Opcodes.AALOAD -> {
                s.pop();
                s.push(s.pop().resized(1));
            }
            case Opcodes.IALOAD, Opcodes.FALOAD, Opcodes.BALOAD, Opcodes.CALOAD, Opcodes.SALOAD -> {
                s.pop();
                s.pop();
                s.push(Provenance.NEUTRAL_1);
            }
            case Opcodes.LALOAD, Opcodes.DALOAD -> {
                s.pop();
                s.pop();
                s.push(Provenance.NEUTRAL_2);
            }
            case Opcodes.IASTORE, Opcodes.LASTORE, Opcodes.FASTORE, Opcodes.DASTORE, Opcodes.AASTORE, Opcodes.BASTORE,
                 Opcodes.CASTORE, Opcodes.SASTORE -> {
                s.pop();
                s.pop();
                s.pop();
            }
            case Opcodes.POP -> s.pop();
            case Opcodes.POP2 -> {
                if (s.pop().size == 1) {
                    s.pop();
                }
            }
            case Opcodes.DUP -> s.push(s.peek());
            case Opcodes.DUP_X1 -> {
                Provenance v1 = s.pop();
                Provenance v2 = s.pop();
                s.push(v1);
                s.push(v2);
                s.push(v1);
            }
            case Opcodes.DUP_X2 -> {
                Provenance v1 = s.pop();
                Provenance v2 = s.pop();
                if (v2.size == 2) {
                    s.push(v1);
                    s.push(v2);
                    s.push(v1);
                } else {
                    Provenance v3 = s.pop();
                    s.push(v1);
                    s.push(v3);
                    s.push(v2);
                    s.push(v1);
                }
            }
            case Opcodes.DUP2 -> {
                Provenance v1 = s.pop();
                if (v1.size == 2) {
                    s.push(v1);
                    s.push(v1);
                } else {
                    Provenance v2 = s.pop();
                    s.push(v2);
                    s.push(v1);
                    s.push(v2);
                    s.push(v1);
                }
            }
            case Opcodes.DUP2_X1 -> {
                Provenance v1 = s.pop();
                if (v1.size == 2) {
                    Provenance v2 = s.pop();
                    s.push(v1);
                    s.push(v2);
                    s.push(v1);
                } else {
                    Provenance v2 = s.pop();
                    Provenance v3 = s.pop();
                    s.push(v2);
                    s.push(v1);
                    s.push(v3);
                    s.push(v2);
                    s.push(v1);
                }
            }
            case Opcodes.DUP2_X2 -> {
                Provenance v1 = s.pop();
                if (v1.size == 2) {
                    Provenance v2 = s.pop();
                    if (v2.size == 2) {
                        s.push(v1);
                        s.push(v2);
                        s.push(v1);
                    } else {
                        Provenance v3 = s.pop();
                        s.push(v1);
                        s.push(v3);
                        s.push(v2);
                        s.push(v1);
                    }
                } else {
                    Provenance v2 = s.pop();
                    Provenance v3 = s.pop();
                    if (v3.size == 2) {
                        s.push(v2);
                        s.push(v1);
                        s.push(v3);
                        s.push(v2);
                        s.push(v1);
                    } else {
                        Provenance v4 = s.pop();
                        s.push(v2);
                        s.push(v1);
                        s.push(v4);
                        s.push(v3);
                        s.push(v2);
                        s.push(v1);
                    }
                }
            }
            case Opcodes.SWAP -> {
                Provenance v1 = s.pop();
                Provenance v2 = s.pop();
                s.push(v1);
                s.push(v2);
            }
            case Opcodes.LADD, Opcodes.DADD, Opcodes.LSUB, Opcodes.DSUB, Opcodes.LMUL, Opcodes.DMUL, Opcodes.LDIV,
                 Opcodes.DDIV, Opcodes.LREM, Opcodes.DREM, Opcodes.LSHL, Opcodes.LSHR, Opcodes.LUSHR, Opcodes.LAND,
                 Opcodes.LOR, Opcodes.LXOR -> {
                s.pop();
                s.pop();
                s.push(Provenance.NEUTRAL_2);
            }
            case Opcodes.IADD, Opcodes.FADD, Opcodes.ISUB, Opcodes.FSUB, Opcodes.IMUL, Opcodes.FMUL, Opcodes.IDIV,
                 Opcodes.FDIV, Opcodes.IREM, Opcodes.FREM, Opcodes.ISHL, Opcodes.ISHR, Opcodes.IUSHR, Opcodes.IAND,
                 Opcodes.IOR, Opcodes.IXOR, Opcodes.LCMP, Opcodes.FCMPL, Opcodes.FCMPG, Opcodes.DCMPL,
                 Opcodes.DCMPG -> {
                s.pop();
                s.pop();
                s.push(Provenance.NEUTRAL_1);
            }
            case Opcodes.LNEG, Opcodes.DNEG, Opcodes.I2L, Opcodes.I2D, Opcodes.F2L, Opcodes.F2D, Opcodes.L2D,
                 Opcodes.D2L -> {
                s.pop();
                s.push(Provenance.NEUTRAL_2);
            }
            case Opcodes.INEG, Opcodes.FNEG, Opcodes.I2F, Opcodes.L2I, Opcodes.L2F, Opcodes.F2I, Opcodes.D2I,
                 Opcodes.D2F, Opcodes.I2B, Opcodes.I2C, Opcodes.I2S, Opcodes.ARRAYLENGTH, Opcodes.INSTANCEOF -> {
                s.pop();
                s.push(Provenance.NEUTRAL_1);
            }
            case Opcodes.IFEQ, Opcodes.IFNE, Opcodes.IFLT, Opcodes.IFGE, Opcodes.IFGT, Opcodes.IFLE, Opcodes.IFNULL,
                 Opcodes.IFNONNULL, Opcodes.TABLESWITCH, Opcodes.LOOKUPSWITCH, Opcodes.IRETURN, Opcodes.LRETURN,
                 Opcodes.FRETURN, Opcodes.DRETURN, Opcodes.ARETURN, Opcodes.ATHROW, Opcodes.MONITORENTER,
                 Opcodes.MONITOREXIT, Opcodes.PUTSTATIC -> s.pop();
            case Opcodes.IF_ICMPEQ, Opcodes.IF_ICMPNE, Opcodes.IF_ICMPLT, Opcodes.IF_ICMPGE, Opcodes.IF_ICMPGT,
                 Opcodes.IF_ICMPLE, Opcodes.IF_ACMPEQ, Opcodes.IF_ACMPNE, Opcodes.PUTFIELD -> {
                s.pop();
                s.pop();
            }
            case Opcodes.GETSTATIC -> s.push(Provenance.own(Type.getType(insn.desc)));
            case Opcodes.GETFIELD -> s.push(s.pop().resized(Type.getType(insn.desc).getSize()));
            case Opcodes.NEW -> s.push(Provenance.created(insn.owner));
            case Opcodes.NEWARRAY, Opcodes.ANEWARRAY -> {
                s.pop();
                s.push(Provenance.OWN_1);
            }
            case Opcodes.CHECKCAST -> {
            }
            case Opcodes.MULTIANEWARRAY -> {
                for (int k = 0; k < insn.var; k++) {
                    s.pop();
                }
                s.push(Provenance.OWN_1);
            }
            case Opcodes.INVOKEVIRTUAL, Opcodes.INVOKESPECIAL, Opcodes.INVOKESTATIC, Opcodes.INVOKEINTERFACE -> {
                int count = Type.getArgumentCount(insn.desc) + (op == Opcodes.INVOKESTATIC ? 0 : 1);
                Provenance[] args = new Provenance[count];
                for (int k = count - 1; k >= 0; k--) {
                    args[k] = s.pop();
                }
                Type ret = Type.getReturnType(insn.desc);
                if (ret.getSort() != Type.VOID) {
                    s.push(result(op, args, ret));
                }
            }
            case Opcodes.INVOKEDYNAMIC -> {
                for (int k = Type.getArgumentCount(insn.desc); k > 0; k--) {
                    s.pop();
                }
                Type ret = Type.getReturnType(insn.desc);
                if (ret.getSort() != Type.VOID) {
                    s.push(Provenance.neutral(ret));
                }
            }
            default -> throw new IllegalStateException("opcode " + op + " is not interpreted");
        }
    }

    /**
     * The provenance of a call's result: an instance call's is its receiver's (what an object gives is of the same
     * origin); a static call's is the caller's when it is made from the caller's values only, else the JDK's.
     */
    private static Provenance result(int op, Provenance[] args, Type ret) {
        if (op != Opcodes.INVOKESTATIC) {
            return Provenance.of(ret.getSize(), args[0].own, args[0].params);
        }
        boolean own = false;
        long params = 0;
        for (Provenance v : args) {
            own |= v.own;
            params |= v.params;
        }
        return Provenance.of(ret.getSize(), own || params == 0, params);
    }

    private static Provenance local(Frame f, int var, int size) {
        Provenance v = var < f.locals.length ? f.locals[var] : null;
        if (v == null) {
            return size == 2 ? Provenance.NEUTRAL_2 : Provenance.NEUTRAL_1;
        }
        return v.size == size ? v : v.resized(size);
    }
}
