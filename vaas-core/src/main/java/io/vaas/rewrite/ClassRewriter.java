package io.vaas.rewrite;

import io.vaas.rewrite.Rule.Extend;
import io.vaas.rewrite.Rule.Observe;
import io.vaas.rewrite.Rule.Push;
import io.vaas.rewrite.Rule.PushHelper;
import io.vaas.rewrite.Rule.PushNull;
import io.vaas.rewrite.Rule.PushZero;
import io.vaas.rewrite.Rule.Redirect;
import io.vaas.rewrite.Rule.Swap;
import io.vaas.policy.Policy;
import io.vaas.policy.Violation;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ConstantDynamic;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one pass over a class: replaces every way guest code reaches a ruled JDK member (call sites, static field
 * reads, constructors, method references and lambdas through {@code invokedynamic}, {@code ldc} method handles) with
 * what the {@link Rules} say. Handles cannot carry the calling class, so they are pointed at small synthetic static
 * bridges added to the class, whose bodies are rewritten call sites.
 *
 * <p>In the same pass every other reference to a JDK member is checked against the app's {@link Policy}: a denied
 * one is recorded as a {@link Violation} and preceded by a call that throws {@code SecurityException} naming it, so
 * the class loads and runs, and only reaching the member fails.
 */
final class ClassRewriter extends ClassVisitor {

    private static final String OBSERVE_DESC = "(Ljava/lang/Object;Ljava/lang/Class;)V";
    private static final String INVOKE_DESC = "(Ljava/lang/reflect/Method;Ljava/lang/Object;[Ljava/lang/Object;)Ljava/lang/Object;";
    private static final String PLAN_DESC = "(Ljava/lang/reflect/Method;Ljava/lang/Object;[Ljava/lang/Object;Ljava/lang/Class;)[Ljava/lang/Object;";
    private static final String INVOKE_BRIDGE = "vaas$invoke";
    /** The most stack slots any inserted sequence adds (ForkJoinPool's constructor: four pushes). */
    static final int EXTRA_STACK = 6;

    /** Classes whose instances the app makes are remembered, to be stopped at unload. */
    private static final java.util.Set<String> TRACKED = java.util.Set.of("java/util/concurrent/ThreadPoolExecutor",
            "java/util/concurrent/ScheduledThreadPoolExecutor", "java/util/concurrent/ForkJoinPool", "java/util/Timer");
    /**
     * JDK classes guest code may not extend: their members are routed to the app's own versions (or checked against
     * its network allowlist) only when called on the JDK class itself, which a subclass's own calls are not.
     */
    private static final java.util.Set<String> NOT_SUBCLASSED = java.util.Set.of("java/io/File", "java/net/Socket",
            "java/net/DatagramSocket", "java/util/logging/ConsoleHandler");
    private static final java.util.Map<String, Boolean> MAY_NOT_EXTEND = new java.util.concurrent.ConcurrentHashMap<>();
    private static final String GUARD_OWNER = Rules.SUPPORT_PACKAGE + "VirtualGuard";
    private static final String STACK_TRACES = Rules.SUPPORT_PACKAGE + "VirtualStackTraces";
    /** Streams of this class the app makes are handed to the runtime support as they are made. */
    static final String OBJECT_INPUT = "java/io/ObjectInputStream";
    /** The {@code invokedynamic} guard's bootstrap: binds it to the app's kill switch. */
    private static final Handle GUARD_BOOTSTRAP = new Handle(Opcodes.H_INVOKESTATIC, GUARD_OWNER, "bootstrap",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;)"
                    + "Ljava/lang/invoke/CallSite;", false);
    private static final Handle HANDLER_GUARD_BOOTSTRAP = new Handle(Opcodes.H_INVOKESTATIC, GUARD_OWNER,
            "handlerBootstrap", "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;"
            + "Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/CallSite;", false);
    /** Arrays of constant sizes up to this are not checked. */
    private static final int SMALL_ARRAY = 1 << 16;
    private static final String DENY_OWNER = Rules.SUPPORT_PACKAGE + "Denied";
    /** What a guest {@code finalize()} is renamed to: an ordinary method the JVM's Finalizer never calls. */
    static final String FINALIZE_RENAMED = "vaas$finalize";
    private static final String FINALIZERS = Rules.SUPPORT_PACKAGE + "VirtualFinalizers";
    private static final String MONITORS = Rules.SUPPORT_PACKAGE + "VirtualMonitors";
    private static final String LOCK_FOR_DESC = "(Ljava/lang/Object;Ljava/lang/Class;)Ljava/lang/Object;";
    private static final String LAMBDA_METAFACTORY = "java/lang/invoke/LambdaMetafactory";
    private static final String DENY_DESC = "(Ljava/lang/String;Ljava/lang/Class;)V";

    private final Rules rules;
    private final boolean guards;
    private final Policy policy;
    private final TypeHierarchy hierarchy;
    private boolean usedHierarchy;
    private final List<Violation> violations = new ArrayList<>();
    private final Map<String, Bridge> bridges = new LinkedHashMap<>();
    private String methodName = "";
    private int line = -1;
    private boolean recording = true;
    private String className;
    private boolean isInterface;
    private int major;
    private boolean changed;
    private Rule.ReflectiveInvoke invokeBridge;
    /** The superclass apps may not extend, when this class does; null otherwise. */
    private String deniedSuper;
    private boolean sawClinit;
    private final Map<String, CheckedBridge> checkedBridges = new LinkedHashMap<>();
    private final Map<String, DefineBridgeSite> defineBridges = new LinkedHashMap<>();
    /** JDK supertypes the app may inherit nothing from, with the violation each is. */
    private final Map<String, Violation> refusedSupertypes = new LinkedHashMap<>();
    /** The members this class declares: {@code name desc} for methods, {@code name:desc} for fields. */
    private final java.util.Set<String> declared = new java.util.HashSet<>();
    /** The class being rewritten, to learn the methods it declares before visiting them (see guardsItself). */
    private net.bytebuddy.jar.asm.ClassReader source;
    private java.util.Set<String> ownMethods;

    private record DefineBridgeSite(String name, String desc, String receiver, String memberDesc, String target) {
    }

    private record CheckedBridge(String name, String desc, String owner, String member, String memberDesc,
                                 Rule.Checked check) {
    }

    /** A static method standing for a handle; {@code denial} set when its body only throws that message. */
    private record Bridge(String name, String desc, Handle original, String denial) {
    }

    ClassRewriter(ClassVisitor next, Rules rules, Policy policy, TypeHierarchy hierarchy) {
        this(next, rules, policy, hierarchy, true);
    }

    /**
     * @param guards whether to add the runaway guards (kill-switch checks at every method entry, loop back-edge and
     *               exception-handler entry, array size checks) and map shared monitors to the app's stand-ins
     */
    ClassRewriter(ClassVisitor next, Rules rules, Policy policy, TypeHierarchy hierarchy, boolean guards) {
        super(Opcodes.ASM9, next);
        this.guards = guards;
        this.rules = rules;
        this.policy = policy;
        this.hierarchy = hierarchy;
    }

    /** The class file this pass reads: lets it know the methods the class declares before it visits them. */
    ClassRewriter reading(net.bytebuddy.jar.asm.ClassReader reader) {
        this.source = reader;
        return this;
    }

    /**
     * Whether {@code name desc} is a method this class declares with code of its own, so that it has an entry guard:
     * a lambda's body, or a method reference to the class's own method. Anything else a lambda is made of (a JDK
     * method, an inherited one, another class's) is reached through a guarded bridge.
     */
    private boolean guardsItself(String owner, String name, String desc) {
        if (!owner.equals(className)) {
            return false;
        }
        if (ownMethods == null) {
            java.util.Set<String> methods = new java.util.HashSet<>();
            if (source != null) {
                source.accept(new ClassVisitor(Opcodes.ASM9) {
                    @Override
                    public MethodVisitor visitMethod(int access, String n, String d, String sig, String[] ex) {
                        if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) == 0) {
                            methods.add(n + d);
                        }
                        return null;
                    }
                }, net.bytebuddy.jar.asm.ClassReader.SKIP_CODE | net.bytebuddy.jar.asm.ClassReader.SKIP_DEBUG
                        | net.bytebuddy.jar.asm.ClassReader.SKIP_FRAMES);
            }
            ownMethods = methods;
        }
        return ownMethods.contains(name + desc);
    }

    /** Whether the result depends on other classes of the app (and so must not be cached by content alone). */
    boolean usedHierarchy() {
        return usedHierarchy;
    }

    /**
     * The class whose rules and policy hold for a reference {@code owner.name desc}: the class that declares the
     * member the reference resolves to ({@link MemberResolution}). A reference qualified by an app class is
     * followed up the app's hierarchy to the JDK class it inherits from, when the member's name is one a rule or
     * the policy singles out ({@code MyThread.getAllStackTraces()} reaches {@code Thread}'s); such a result depends
     * on other classes of the app, so the class is not cached by content.
     */
    private String resolveOwner(String owner, String name, String desc, boolean field) {
        if (name.equals("<init>")) {
            return owner;
        }
        if (isJdkOwner(owner)) {
            return MemberResolution.declaringJdkClass(owner, name, desc, field);
        }
        if (!rules.isInheritableName(name) && (policy == null || !policy.isSensitiveName(name))) {
            return owner;
        }
        usedHierarchy = true;
        String current = owner;
        for (int depth = 0; depth < 64 && current != null; depth++) {
            if (isJdkOwner(current)) {
                return MemberResolution.declaringJdkClass(current, name, desc, field);
            }
            if (hierarchy.declares(current, name, desc)) {
                return owner;
            }
            current = hierarchy.superName(current);
        }
        return owner;
    }

    /**
     * The permissions that would allow {@code owner.name desc}, or null when the app's policy allows it: decided
     * for the class that declares it, unless no allowlist mentions that class (an internal JDK superclass such as
     * {@code AbstractInterruptibleChannel}), where the class named decides.
     */
    private List<String> denial(String owner, String declaring, String name, String desc, boolean field) {
        String decides = declaring.equals(owner) || policy.mentions(declaring) ? declaring : owner;
        return policy.deniedBy(decides, name, desc, field);
    }

    /**
     * Whether apps may not extend {@code internalName}: one of {@link #NOT_SUBCLASSED} or a JDK class below one
     * ({@code javax.net.ssl.SSLSocket} is a {@code Socket}). App classes below one are stopped by their superclass.
     */
    static boolean mayNotExtend(String internalName) {
        if (NOT_SUBCLASSED.contains(internalName)) {
            return true;
        }
        Boolean known = MAY_NOT_EXTEND.get(internalName);
        if (known != null) {
            return known;
        }
        if (!isJdkOwner(internalName)) {
            return false;
        }
        return MAY_NOT_EXTEND.computeIfAbsent(internalName, n -> {
            try {
                for (Class<?> c = Class.forName(n.replace('/', '.'), false, ClassLoader.getPlatformClassLoader());
                     c != null; c = c.getSuperclass()) {
                    if (NOT_SUBCLASSED.contains(c.getName().replace('.', '/'))) {
                        return true;
                    }
                }
            } catch (ClassNotFoundException | LinkageError e) {
                // Not a class of this JDK: the app cannot extend it either.
            }
            return false;
        });
    }

    private static boolean isJdkOwner(String internalName) {
        return io.vaas.policy.JdkPackages.containsClass(internalName);
    }

    boolean changed() {
        return changed;
    }

    List<Violation> violations() {
        return violations;
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        className = name;
        isInterface = (access & Opcodes.ACC_INTERFACE) != 0;
        // Rewritten code loads the calling class with ldc, which class files older than Java 5 cannot do.
        major = version & 0xFFFF;
        int v = major < Opcodes.V1_5 ? Opcodes.V1_5 : version;
        if (v != version) {
            changed = true;
        }
        super.visit(v, access, name, signature, superName, interfaces);
        noteRefusedSupertypes(name, superName, interfaces);
        if (superName != null && (access & Opcodes.ACC_INTERFACE) == 0 && mayNotExtend(superName)) {
            deniedSuper = superName;
            changed = true;
        }
    }

    /**
     * JDK supertypes the app's granted permissions allow nothing of (they never mention them, or exclude them whole:
     * {@code javax.naming.InitialContext}, {@code LogManager}). The class is defined, but every static it would
     * inherit from them is hidden by one of its own that throws (the JVM resolves {@code A.m()} to the class that
     * declares {@code m} and initializes that one, so no check in the app's class could stop the inherited one),
     * and their static fields by fields of its own. Instances cannot exist: their constructors are denied.
     */
    private void noteRefusedSupertypes(String name, String superName, String[] interfaces) {
        if (policy == null) {
            return;
        }
        List<String> supertypes = new ArrayList<>();
        if (superName != null) {
            supertypes.add(superName);
        }
        if (interfaces != null) {
            supertypes.addAll(List.of(interfaces));
        }
        for (String s : supertypes) {
            // Types no app may extend whatever it holds (File, Socket…) get their own, earlier refusal: see visit.
            if (isJdkOwner(s) && !policy.allowsSome(s) && !mayNotExtend(s)) {
                List<String> allowedBy = policy.deniedBy(s, "<init>", "()V", false);
                Violation v = new Violation(name.replace('/', '.'), "<clinit>()", -1, "extends " + s.replace('/', '.'),
                        allowedBy == null ? List.of() : allowedBy);
                violations.add(v);
                refusedSupertypes.put(s, v);
            }
        }
    }

    /** Whether {@code s} is a supertype of this class the app may not inherit from (see noteRefusedSupertypes). */
    static boolean refusesSupertype(io.vaas.policy.Policy policy, String s) {
        return policy != null && isJdkOwner(s) && !policy.allowsSome(s) && !mayNotExtend(s);
    }

    /** Hides the statics this class would inherit from refused supertypes (see noteRefusedSupertypes). */
    private void hideRefusedStatics() {
        for (Map.Entry<String, Violation> e : refusedSupertypes.entrySet()) {
            Class<?> type;
            try {
                type = Class.forName(e.getKey().replace('/', '.'), false, ClassLoader.getPlatformClassLoader());
            } catch (ClassNotFoundException | LinkageError missing) {
                continue;
            }
            String message = e.getValue().className() + " extends " + e.getValue().api().substring("extends ".length())
                    + ", which the app's permissions do not allow: its statics cannot be reached through it; "
                    + e.getValue().remedy();
            for (Class<?> c = type; c != null && refusesSupertype(policy, Type.getInternalName(c)); c = c.getSuperclass()) {
                if (!c.isInterface()) {
                    for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
                        int mod = m.getModifiers();
                        if (java.lang.reflect.Modifier.isStatic(mod) && !java.lang.reflect.Modifier.isPrivate(mod)
                                && !m.isSynthetic()) {
                            hideMethod(m.getName(), Type.getMethodDescriptor(m), message);
                        }
                    }
                }
                hideFields(c, message);
            }
        }
    }

    private void hideFields(Class<?> c, String message) {
        try {
            for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                int mod = f.getModifiers();
                if (java.lang.reflect.Modifier.isStatic(mod) && !java.lang.reflect.Modifier.isPrivate(mod)
                        && declared.add(f.getName() + ":" + Type.getDescriptor(f.getType()))) {
                    // Static fields cannot throw: the app's own copy holds nothing.
                    super.visitField(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC
                            | (isInterface ? Opcodes.ACC_FINAL : 0), f.getName(), Type.getDescriptor(f.getType()), null,
                            null).visitEnd();
                }
            }
            for (Class<?> i : c.getInterfaces()) {
                if (refusesSupertype(policy, Type.getInternalName(i))) {
                    hideFields(i, message);
                }
            }
        } catch (LinkageError missing) {
            // A type whose members do not link lends nothing.
        }
    }

    private void hideMethod(String name, String desc, String message) {
        if (!declared.add(name + desc) || (isInterface && major < Opcodes.V1_8)) {
            return;
        }
        changed = true;
        MethodVisitor mv = super.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC, name, desc,
                null, null);
        mv.visitCode();
        mv.visitLdcInsn(message);
        mv.visitLdcInsn(Type.getObjectType(className));
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, DENY_OWNER, "deny", DENY_DESC, false);
        mv.visitInsn(Opcodes.ACONST_NULL);
        mv.visitInsn(Opcodes.ATHROW);
        mv.visitMaxs(2, Type.getArgumentsAndReturnSizes(desc) >> 2);
        mv.visitEnd();
    }

    @Override
    public net.bytebuddy.jar.asm.FieldVisitor visitField(int access, String name, String descriptor, String signature,
                                                         Object value) {
        declared.add(name + ":" + descriptor);
        return super.visitField(access, name, descriptor, signature, value);
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
        if (isFinalizer(access, name, descriptor)) {
            // The JVM's single Finalizer thread calls finalize() of every object whose class overrides it: a guest
            // one that blocks would stop the finalization of every host object. Renamed, the JVM sees no finalizer
            // and never registers the app's objects; the method stays for the app's own explicit calls.
            name = FINALIZE_RENAMED;
            changed = true;
        }
        declared.add(name + descriptor);
        methodName = name + descriptor;
        line = -1;
        MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
        boolean hasCode = (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) == 0;
        if (deniedSuper != null && name.equals("<clinit>")) {
            sawClinit = true;
            next = new MethodVisitor(Opcodes.ASM9, next) {
                @Override
                public void visitCode() {
                    super.visitCode();
                    emitDenyExtend(getDelegate());
                }
            };
        }
        return new SiteRewriter(next, guards && hasCode);
    }

    /** Whether this is a declaration of {@code finalize()}, which the JVM's Finalizer would call. */
    static boolean isFinalizer(int access, String name, String descriptor) {
        return (access & Opcodes.ACC_STATIC) == 0 && name.equals("finalize") && descriptor.equals("()V");
    }

    /**
     * Whether a call is to a guest {@code finalize()}: named on an app class, so it may land on a renamed one. A call
     * named on a JDK class ({@code super.finalize()} of a class extending {@code Object}) is left as it is.
     */
    static boolean callsGuestFinalizer(int opcode, String owner, String name, String descriptor) {
        return (opcode == Opcodes.INVOKEVIRTUAL || opcode == Opcodes.INVOKESPECIAL) && name.equals("finalize")
                && descriptor.equals("()V") && !isJdkOwner(owner) && !owner.startsWith("[");
    }

    /**
     * {@code x.finalize()} becomes {@code VirtualFinalizers.finalize(x, caller)}, which calls the renamed method the
     * object's class has (or its JDK superclass's); {@code super.finalize()} becomes
     * {@code finalizeSuper(this, Owner.class, caller)}, which calls the one {@code Owner} has or inherits.
     */
    private void emitFinalizerCall(MethodVisitor mv, int opcode, String owner) {
        changed = true;
        if (opcode == Opcodes.INVOKESPECIAL) {
            mv.visitLdcInsn(Type.getObjectType(owner));
            mv.visitLdcInsn(Type.getObjectType(className));
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, FINALIZERS, "finalizeSuper",
                    "(Ljava/lang/Object;Ljava/lang/Class;Ljava/lang/Class;)V", false);
        } else {
            mv.visitLdcInsn(Type.getObjectType(className));
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, FINALIZERS, "finalize", "(Ljava/lang/Object;Ljava/lang/Class;)V",
                    false);
        }
    }

    /** Whether an array size pushed as this constant ({@code -1}: not a constant) needs no check. */
    static boolean smallConstant(int constant) {
        return constant >= 0 && constant <= SMALL_ARRAY;
    }

    /** Emits one guard: the app's kill switch, checked. */
    private void emitGuard(MethodVisitor mv) {
        changed = true;
        if (major >= Opcodes.V1_7) {
            mv.visitInvokeDynamicInsn("vaas$guard", "()V", GUARD_BOOTSTRAP);
        } else {
            mv.visitLdcInsn(Type.getObjectType(className));
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD_OWNER, "poll", "(Ljava/lang/Class;)V", false);
        }
    }

    /**
     * Emits the guard of an exception handler's entry: it lets a stopped thread through a few handlers first
     * ({@code KillSwitch.checkHandler}), so the catch and finally blocks it unwinds still run.
     */
    private void emitHandlerGuardCall(MethodVisitor mv) {
        changed = true;
        if (major >= Opcodes.V1_7) {
            mv.visitInvokeDynamicInsn("vaas$handlerGuard", "()V", HANDLER_GUARD_BOOTSTRAP);
        } else {
            mv.visitLdcInsn(Type.getObjectType(className));
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD_OWNER, "pollHandler", "(Ljava/lang/Class;)V", false);
        }
    }

    /**
     * The index of the bootstrap argument that is a lambda's code ({@code LambdaMetafactory}'s implementation
     * handle), or -1. Serializable lambdas keep theirs: deserializing one compares it with what was serialized.
     */
    private static int lambdaCodeIndex(Handle bsm, Object[] args) {
        if (!bsm.getOwner().equals(LAMBDA_METAFACTORY) || args.length < 3 || !(args[1] instanceof Handle)) {
            return -1;
        }
        if (bsm.getName().equals("metafactory")) {
            return 1;
        }
        boolean serializable = bsm.getName().equals("altMetafactory") && args.length > 3
                && args[3] instanceof Integer flags && (flags & 1) != 0;
        return bsm.getName().equals("altMetafactory") && !serializable ? 1 : -1;
    }

    /** log2 of the size of an array element of this descriptor (references counted as 4 bytes: compressed). */
    private static int elementShift(char descriptor) {
        return switch (descriptor) {
            case 'Z', 'B' -> 0;
            case 'C', 'S' -> 1;
            case 'J', 'D' -> 3;
            default -> 2;
        };
    }

    /**
     * The class initializer of a class extending one of {@link #NOT_SUBCLASSED} throws first: no instance of it
     * or of its subclasses is ever made, not even by deserialization, which skips the app's constructors.
     */
    private void emitDenyExtend(MethodVisitor mv) {
        String api = deniedSuper.replace('/', '.');
        if (recording) {
            violations.add(new Violation(className.replace('/', '.'), "<clinit>()", -1, "extends " + api, List.of()));
        }
        mv.visitLdcInsn("class " + className.replace('/', '.') + " extends " + api + ", which apps may not extend: "
                + "the container routes the operations of " + api + " itself to the app's own files, network and streams, "
                + "not those of a subclass; no permission allows it: use " + api + " as it is, or wrap an instance");
        mv.visitLdcInsn(Type.getObjectType(className));
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, DENY_OWNER, "deny", DENY_DESC, false);
    }

    @Override
    public void visitEnd() {
        if (deniedSuper != null && !sawClinit) {
            MethodVisitor mv = super.visitMethod(Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC, "<clinit>", "()V", null, null);
            mv.visitCode();
            emitDenyExtend(mv);
            mv.visitInsn(Opcodes.RETURN);
            mv.visitMaxs(2, 0);
            mv.visitEnd();
        }
        hideRefusedStatics();
        recording = false;
        for (Bridge b : bridges.values()) {
            emitBridge(b);
        }
        if (invokeBridge != null) {
            emitInvokeBridge(invokeBridge);
        }
        for (CheckedBridge b : checkedBridges.values()) {
            emitCheckedBridge(b);
        }
        for (DefineBridgeSite b : defineBridges.values()) {
            emitDefineBridge(b);
        }
        super.visitEnd();
    }

    private Rule ruleFor(int opcode, String owner, String name, String desc) {
        Rule r = rules.find(owner, name, desc);
        if (r == null && !name.equals("<init>")) {
            String declaring = resolveOwner(owner, name, desc, false);
            if (!declaring.equals(owner)) {
                r = rules.find(declaring, name, desc);
            }
        }
        if (r == null && (opcode == Opcodes.INVOKEVIRTUAL || opcode == Opcodes.INVOKEINTERFACE
                || opcode == Opcodes.INVOKESPECIAL)) {
            r = rules.find("*", name, desc);
            if (r != null && opcode == Opcodes.INVOKESPECIAL && !(r.action() instanceof Rule.DefineBridge)) {
                r = null;
            }
        }
        return r;
    }

    /** Emits a call (or its replacement) to {@code mv}; true when it was replaced. */
    private boolean emitCall(MethodVisitor mv, int opcode, String owner, String name, String desc, boolean itf) {
        Rule r = ruleFor(opcode, owner, name, desc);
        boolean constructor = "<init>".equals(name);
        if (r == null || (constructor != (r.kind() == Rule.Kind.CONSTRUCTOR)) || r.kind() == Rule.Kind.STATIC_FIELD) {
            boolean denied = checkPolicy(mv, owner, name, desc, false);
            mv.visitMethodInsn(opcode, owner, name, desc, itf);
            return denied;
        }
        switch (r.action()) {
            case Redirect red -> {
                if (opcode == Opcodes.INVOKESPECIAL) {
                    return emitSuperCall(mv, red, owner, name, desc, itf);
                }
                if (Rules.isPoliced(red.targetOwner()) && checkPolicy(mv, owner, name, desc, false)) {
                    mv.visitMethodInsn(opcode, owner, name, desc, itf);
                    return true;
                }
                mv.visitLdcInsn(Type.getObjectType(className));
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, red.targetOwner(), red.targetName(), red.targetDesc(), false);
            }
            case Extend ext -> {
                if (opcode == Opcodes.INVOKESPECIAL && !constructor) {
                    mv.visitMethodInsn(opcode, owner, name, desc, itf);
                    return false;
                }
                for (Push p : ext.pushes()) {
                    emitPush(mv, p);
                }
                mv.visitMethodInsn(opcode, owner, name, ext.newDesc(), itf);
            }
            case Rule.Factory f -> {
                // Reached only with javac's NEW, DUP beneath the arguments (see SiteRewriter and emitBridge).
                if (checkPolicy(mv, owner, name, desc, false)) {
                    mv.visitMethodInsn(opcode, owner, name, desc, itf);
                    return true;
                }
                mv.visitLdcInsn(Type.getObjectType(className));
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, f.targetOwner(), f.targetName(), f.targetDesc(), false);
                // The factory made the object: drop the two uninitialized references NEW, DUP left beneath it.
                mv.visitInsn(Opcodes.DUP_X2);
                mv.visitInsn(Opcodes.POP);
                mv.visitInsn(Opcodes.POP);
                mv.visitInsn(Opcodes.POP);
            }
            case Rule.Substitute sub -> {
                if (opcode == Opcodes.INVOKESPECIAL) {
                    mv.visitMethodInsn(opcode, owner, name, desc, itf);
                    return false;
                }
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, sub.targetOwner(), sub.targetName(), sub.targetDesc(), false);
            }
            case Rule.DefineBridge db -> {
                if (isInterface) {
                    mv.visitMethodInsn(opcode, owner, name, desc, itf);
                    return false;
                }
                // super.defineClass names ClassLoader; the bridge calls it on this class, as protected access needs.
                String receiver = opcode == Opcodes.INVOKESPECIAL ? className : owner;
                String bridgeDesc = "(L" + receiver + ";" + desc.substring(1);
                DefineBridgeSite b = defineBridges.computeIfAbsent(receiver + desc, k -> new DefineBridgeSite(
                        "vaas$define$" + defineBridges.size(), bridgeDesc, receiver, desc, db.targetOwner()));
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, className, b.name(), b.desc(), false);
            }
            case Rule.Checked ch -> {
                if (opcode != Opcodes.INVOKEVIRTUAL || (isInterface && major < Opcodes.V1_8)) {
                    mv.visitMethodInsn(opcode, owner, name, desc, itf);
                    return false;
                }
                String bridgeDesc = "(L" + owner + ";" + desc.substring(1);
                CheckedBridge b = checkedBridges.computeIfAbsent(owner + "." + name + desc, k -> new CheckedBridge(
                        "vaas$checked$" + checkedBridges.size(), bridgeDesc, owner, name, desc, ch));
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, className, b.name(), b.desc(), isInterface);
            }
            case Rule.ReflectiveInvoke ri -> {
                if (opcode != Opcodes.INVOKEVIRTUAL || (isInterface && major < Opcodes.V1_8)) {
                    // An interface older than Java 8 cannot hold a static bridge; leave the call as it is.
                    mv.visitMethodInsn(opcode, owner, name, desc, itf);
                    return false;
                }
                invokeBridge = ri;
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, className, INVOKE_BRIDGE, INVOKE_DESC, isInterface);
            }
            case Observe obs -> {
                mv.visitInsn(Opcodes.DUP);
                mv.visitLdcInsn(Type.getObjectType(className));
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, obs.targetOwner(), obs.targetName(), OBSERVE_DESC, false);
                mv.visitMethodInsn(opcode, owner, name, desc, itf);
            }
        }
        return true;
    }

    /**
     * {@code super.x()} of a redirected member: only possible for overridable JDK methods, and mostly left alone
     * (the redirect would dispatch to the app's own override again). An exception's own stack trace is the one
     * exception: {@code super.printStackTrace(…)} prints through the app's view, and {@code super.getStackTrace()}
     * answers the frames the app may read.
     */
    private boolean emitSuperCall(MethodVisitor mv, Redirect red, String owner, String name, String desc, boolean itf) {
        if (red.targetOwner().equals(STACK_TRACES) && name.equals("printStackTrace")
                && red.targetDesc().startsWith("(Ljava/lang/Throwable;")) {
            mv.visitLdcInsn(Type.getObjectType(className));
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, red.targetOwner(), red.targetName(), red.targetDesc(), false);
            return true;
        }
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, owner, name, desc, itf);
        if (red.targetOwner().equals(STACK_TRACES) && name.equals("getStackTrace")) {
            mv.visitLdcInsn(Type.getObjectType(className));
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, STACK_TRACES, "visible",
                    "([Ljava/lang/StackTraceElement;Ljava/lang/Class;)[Ljava/lang/StackTraceElement;", false);
            return true;
        }
        return false;
    }

    private void emitPush(MethodVisitor mv, Push p) {
        switch (p) {
            case PushHelper h -> {
                mv.visitLdcInsn(Type.getObjectType(className));
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, h.targetOwner(), h.targetName(), h.targetDesc(), false);
            }
            case Swap s -> mv.visitInsn(Opcodes.SWAP);
            case PushNull n -> mv.visitInsn(Opcodes.ACONST_NULL);
            case PushZero z -> mv.visitInsn(Opcodes.ICONST_0);
        }
    }

    /**
     * Before a reference the policy denies, records a violation and emits the call that throws; true when it did.
     * The reference itself stays, unreachable, so the stack and the verifier see the code as it was.
     */
    private boolean checkPolicy(MethodVisitor mv, String owner, String name, String desc, boolean field) {
        if (policy == null) {
            return false;
        }
        String checked = resolveOwner(owner, name, desc, field);
        List<String> allowedBy = denial(owner, checked, name, desc, field);
        if (allowedBy == null) {
            return false;
        }
        Violation v = new Violation(className.replace('/', '.'), methodName, line, Members.describe(checked, name, desc, field),
                allowedBy);
        if (recording) {
            violations.add(v);
        }
        mv.visitLdcInsn(v.describe());
        mv.visitLdcInsn(Type.getObjectType(className));
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, DENY_OWNER, "deny", DENY_DESC, false);
        return true;
    }

    /** A {@code new} seen in a method whose constructor call has not come yet. */
    private static final class PendingNew {
        final String type;
        boolean dup;

        PendingNew(String type) {
            this.type = type;
        }
    }

    /**
     * Before a constructor call that cannot be routed to the app's own version (a subclass's {@code super(…)}, or
     * code not shaped as javac's {@code new X(…)}): records it and emits the call that throws.
     */
    private void denySubclass(MethodVisitor mv, String owner, String desc) {
        String api = Members.describe(owner, "<init>", desc, false);
        if (recording) {
            violations.add(new Violation(className.replace('/', '.'), methodName, line, api + " as super(…)", List.of()));
        }
        mv.visitLdcInsn(className.replace('/', '.') + "." + methodName.substring(0, methodName.indexOf('('))
                + (line > 0 ? " (line " + line + ")" : "") + " calls " + api + " from a subclass (or not as new "
                + owner.substring(owner.lastIndexOf('/') + 1) + "(…)), which cannot be routed to the app's own files"
                + " and network; no permission allows it: use the class itself, or wrap an instance of it");
        mv.visitLdcInsn(Type.getObjectType(className));
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, DENY_OWNER, "deny", DENY_DESC, false);
    }

    /** Emits a field access (or its replacement); true when changed. */
    private boolean emitField(MethodVisitor mv, int opcode, String owner, String name, String desc) {
        Rule r = opcode == Opcodes.GETSTATIC ? staticFieldRule(owner, name, desc) : null;
        if (r == null || r.kind() != Rule.Kind.STATIC_FIELD || !(r.action() instanceof Redirect red)) {
            boolean denied = checkPolicy(mv, owner, name, desc, true);
            mv.visitFieldInsn(opcode, owner, name, desc);
            return denied;
        }
        mv.visitLdcInsn(Type.getObjectType(className));
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, red.targetOwner(), red.targetName(), red.targetDesc(), false);
        return true;
    }

    /** The rule for a static field read, found at the class that declares the field. */
    private Rule staticFieldRule(String owner, String name, String desc) {
        Rule r = rules.find(owner, name, desc);
        if (r == null) {
            String declaring = resolveOwner(owner, name, desc, true);
            if (!declaring.equals(owner)) {
                r = rules.find(declaring, name, desc);
            }
        }
        return r;
    }

    /** A handle to a ruled member becomes a handle to a bridge; any other handle stays. */
    private Object mapConstant(Object value) {
        if (value instanceof Handle h) {
            return mapHandle(h);
        }
        if (value instanceof ConstantDynamic cd) {
            Object[] args = new Object[cd.getBootstrapMethodArgumentCount()];
            boolean any = false;
            for (int i = 0; i < args.length; i++) {
                Object original = cd.getBootstrapMethodArgument(i);
                args[i] = mapConstant(original);
                any |= args[i] != original;
            }
            Handle bsm = mapHandle(cd.getBootstrapMethod());
            return any || bsm != cd.getBootstrapMethod()
                    ? new ConstantDynamic(cd.getName(), cd.getDescriptor(), bsm, args) : cd;
        }
        return value;
    }

    private Handle mapHandle(Handle h) {
        return mapHandle(h, false);
    }

    /**
     * @param guardTarget whether the handle becomes the code of a lambda the JDK may call in a loop of its own
     *                    ({@code Stream.generate(Object::new)}): unless the target is a method of this class (which
     *                    has an entry guard), it is reached through a bridge, which has one
     */
    private Handle mapHandle(Handle h, boolean guardTarget) {
        String bridgeDesc;
        boolean bridge = guardTarget && !(isInterface && major < Opcodes.V1_8)
                && !guardsItself(h.getOwner(), h.getTag() == Opcodes.H_NEWINVOKESPECIAL ? "<init>" : h.getName(), h.getDesc());
        switch (h.getTag()) {
            case Opcodes.H_INVOKESTATIC -> {
                if (ruleFor(Opcodes.INVOKESTATIC, h.getOwner(), h.getName(), h.getDesc()) == null
                        && !deniedHandle(h, false) && !bridge) {
                    return h;
                }
                bridgeDesc = h.getDesc();
            }
            case Opcodes.H_INVOKEVIRTUAL, Opcodes.H_INVOKEINTERFACE -> {
                int op = h.getTag() == Opcodes.H_INVOKEVIRTUAL ? Opcodes.INVOKEVIRTUAL : Opcodes.INVOKEINTERFACE;
                if (ruleFor(op, h.getOwner(), h.getName(), h.getDesc()) == null && !deniedHandle(h, false) && !bridge) {
                    return h;
                }
                bridgeDesc = "(L" + h.getOwner() + ";" + h.getDesc().substring(1);
            }
            case Opcodes.H_NEWINVOKESPECIAL -> {
                Rule r = rules.find(h.getOwner(), "<init>", h.getDesc());
                if (r == null && !deniedHandle(h, false) && !bridge) {
                    return h;
                }
                bridgeDesc = h.getDesc().substring(0, h.getDesc().indexOf(')') + 1) + "L" + h.getOwner() + ";";
            }
            case Opcodes.H_GETSTATIC -> {
                if (staticFieldRule(h.getOwner(), h.getName(), h.getDesc()) == null && !deniedHandle(h, true)) {
                    return h;
                }
                bridgeDesc = "()" + h.getDesc();
            }
            case Opcodes.H_GETFIELD, Opcodes.H_PUTFIELD, Opcodes.H_PUTSTATIC, Opcodes.H_INVOKESPECIAL -> {
                // No bridge can perform these for the class (a field's owner, a super call); a denied one throws.
                boolean field = h.getTag() != Opcodes.H_INVOKESPECIAL;
                Violation v = handleViolation(h, field);
                if (v == null) {
                    return h;
                }
                changed = true;
                String key = "deny " + h.getTag() + " " + h.getOwner() + "." + h.getName() + h.getDesc();
                Bridge b = bridges.computeIfAbsent(key, k -> new Bridge("vaas$bridge$" + bridges.size(),
                        deniedHandleDesc(h), h, v.describe()));
                return new Handle(Opcodes.H_INVOKESTATIC, className, b.name(), b.desc(), isInterface);
            }
            default -> {
                return h;
            }
        }
        changed = true;
        String key = h.getTag() + " " + h.getOwner() + "." + h.getName() + h.getDesc();
        Bridge b = bridges.computeIfAbsent(key, k -> new Bridge("vaas$bridge$" + bridges.size(), bridgeDesc, h, null));
        return new Handle(Opcodes.H_INVOKESTATIC, className, b.name(), b.desc(), isInterface);
    }

    /** Whether the policy denies a handle's member; records the violation where the handle appears. */
    private boolean deniedHandle(Handle h, boolean field) {
        return handleViolation(h, field) != null;
    }

    /** The violation of a handle's member, recorded where the handle appears; null when the policy allows it. */
    private Violation handleViolation(Handle h, boolean field) {
        if (policy == null) {
            return null;
        }
        String declaring = resolveOwner(h.getOwner(), h.getName(), h.getDesc(), field);
        List<String> allowedBy = denial(h.getOwner(), declaring, h.getName(), h.getDesc(), field);
        if (allowedBy == null) {
            return null;
        }
        Violation v = new Violation(className.replace('/', '.'), methodName, line,
                Members.describe(declaring, h.getName(), h.getDesc(), field), allowedBy);
        if (recording) {
            violations.add(v);
        }
        return v;
    }

    /** The type of a handle of kind getfield, putfield, putstatic or invokespecial, as a static method's. */
    private static String deniedHandleDesc(Handle h) {
        String owner = "L" + h.getOwner() + ";";
        return switch (h.getTag()) {
            case Opcodes.H_GETFIELD -> "(" + owner + ")" + h.getDesc();
            case Opcodes.H_PUTFIELD -> "(" + owner + h.getDesc() + ")V";
            case Opcodes.H_PUTSTATIC -> "(" + h.getDesc() + ")V";
            default -> "(" + owner + h.getDesc().substring(1);
        };
    }

    private void emitBridge(Bridge b) {
        MethodVisitor mv = super.visitMethod(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC,
                b.name(), b.desc(), null, null);
        mv.visitCode();
        if (guards && b.denial() == null) {
            // A bridge can be a lambda's code, which the JDK may call in a loop of its own.
            emitGuard(mv);
        }
        if (b.denial() != null) {
            mv.visitLdcInsn(b.denial());
            mv.visitLdcInsn(Type.getObjectType(className));
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, DENY_OWNER, "deny", DENY_DESC, false);
            mv.visitInsn(Opcodes.ACONST_NULL);
            mv.visitInsn(Opcodes.ATHROW);
            int slots = Type.getArgumentsAndReturnSizes(b.desc()) >> 2;
            mv.visitMaxs(2, slots);
            mv.visitEnd();
            return;
        }
        Handle h = b.original();
        if (h.getTag() == Opcodes.H_NEWINVOKESPECIAL) {
            mv.visitTypeInsn(Opcodes.NEW, h.getOwner());
            mv.visitInsn(Opcodes.DUP);
        }
        int slot = 0;
        for (Type arg : Type.getArgumentTypes(b.desc())) {
            mv.visitVarInsn(arg.getOpcode(Opcodes.ILOAD), slot);
            slot += arg.getSize();
        }
        switch (h.getTag()) {
            case Opcodes.H_INVOKESTATIC -> emitCall(mv, Opcodes.INVOKESTATIC, h.getOwner(), h.getName(), h.getDesc(), h.isInterface());
            case Opcodes.H_INVOKEVIRTUAL -> emitCall(mv, Opcodes.INVOKEVIRTUAL, h.getOwner(), h.getName(), h.getDesc(), false);
            case Opcodes.H_INVOKEINTERFACE -> emitCall(mv, Opcodes.INVOKEINTERFACE, h.getOwner(), h.getName(), h.getDesc(), true);
            case Opcodes.H_NEWINVOKESPECIAL -> emitCall(mv, Opcodes.INVOKESPECIAL, h.getOwner(), "<init>", h.getDesc(), false);
            case Opcodes.H_GETSTATIC -> emitField(mv, Opcodes.GETSTATIC, h.getOwner(), h.getName(), h.getDesc());
            default -> throw new IllegalStateException("no bridge for handle kind " + h.getTag());
        }
        mv.visitInsn(Type.getReturnType(b.desc()).getOpcode(Opcodes.IRETURN));
        int slots = Type.getArgumentsAndReturnSizes(b.desc()) >> 2;
        mv.visitMaxs(slots + 2 + EXTRA_STACK, slots);
        mv.visitEnd();
    }

    /** {@code vaas$invoke(method, receiver, args)}: plan, then {@code Method.invoke} from this class. */
    private void emitInvokeBridge(Rule.ReflectiveInvoke ri) {
        MethodVisitor mv = super.visitMethod(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC,
                INVOKE_BRIDGE, INVOKE_DESC, null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitVarInsn(Opcodes.ALOAD, 1);
        mv.visitVarInsn(Opcodes.ALOAD, 2);
        mv.visitLdcInsn(Type.getObjectType(className));
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, ri.targetOwner(), ri.targetName(), PLAN_DESC, false);
        mv.visitVarInsn(Opcodes.ASTORE, 3);
        mv.visitVarInsn(Opcodes.ALOAD, 3);
        mv.visitInsn(Opcodes.ICONST_0);
        mv.visitInsn(Opcodes.AALOAD);
        mv.visitTypeInsn(Opcodes.CHECKCAST, "java/lang/reflect/Method");
        mv.visitVarInsn(Opcodes.ALOAD, 3);
        mv.visitInsn(Opcodes.ICONST_1);
        mv.visitInsn(Opcodes.AALOAD);
        mv.visitVarInsn(Opcodes.ALOAD, 3);
        mv.visitInsn(Opcodes.ICONST_2);
        mv.visitInsn(Opcodes.AALOAD);
        mv.visitTypeInsn(Opcodes.CHECKCAST, "[Ljava/lang/Object;");
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/reflect/Method", "invoke",
                "(Ljava/lang/Object;[Ljava/lang/Object;)Ljava/lang/Object;", false);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitMaxs(4, 4);
        mv.visitEnd();
    }

    /** {@code vaas$checked$N(member, args…)}: the check, then the reflective call from this class. */
    private void emitCheckedBridge(CheckedBridge b) {
        MethodVisitor mv = super.visitMethod(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC,
                b.name(), b.desc(), null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitLdcInsn(Type.getObjectType(className));
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, b.check().targetOwner(), b.check().targetName(),
                "(Ljava/lang/Object;Ljava/lang/Class;)V", false);
        int slot = 0;
        for (Type arg : Type.getArgumentTypes(b.desc())) {
            mv.visitVarInsn(arg.getOpcode(Opcodes.ILOAD), slot);
            slot += arg.getSize();
        }
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, b.owner(), b.member(), b.memberDesc(), false);
        mv.visitInsn(Type.getReturnType(b.desc()).getOpcode(Opcodes.IRETURN));
        int slots = Type.getArgumentsAndReturnSizes(b.desc()) >> 2;
        mv.visitMaxs(slots + 2, slots);
        mv.visitEnd();
    }

    /** {@code vaas$define$N(loader, name, bytes…)}: rewrite the bytes, then define them in {@code loader}. */
    private void emitDefineBridge(DefineBridgeSite b) {
        MethodVisitor mv = super.visitMethod(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC,
                b.name(), b.desc(), null, null);
        mv.visitCode();
        String withDomain = "(Ljava/lang/String;[BIILjava/security/ProtectionDomain;)Ljava/lang/Class;";
        boolean buffer = b.memberDesc().contains("ByteBuffer");
        boolean domain = b.memberDesc().contains("ProtectionDomain");
        int bytesLocal = buffer ? 4 : domain ? 6 : 5;
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitVarInsn(Opcodes.ALOAD, 1);
        mv.visitVarInsn(Opcodes.ALOAD, 2);
        if (buffer) {
            mv.visitLdcInsn(Type.getObjectType(className));
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, b.target(), "rewrite",
                    "(Ljava/lang/ClassLoader;Ljava/lang/String;Ljava/nio/ByteBuffer;Ljava/lang/Class;)[B", false);
        } else {
            mv.visitVarInsn(Opcodes.ILOAD, 3);
            mv.visitVarInsn(Opcodes.ILOAD, 4);
            mv.visitLdcInsn(Type.getObjectType(className));
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, b.target(), "rewrite",
                    "(Ljava/lang/ClassLoader;Ljava/lang/String;[BIILjava/lang/Class;)[B", false);
        }
        mv.visitVarInsn(Opcodes.ASTORE, bytesLocal);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitVarInsn(Opcodes.ALOAD, 1);
        mv.visitVarInsn(Opcodes.ALOAD, bytesLocal);
        mv.visitInsn(Opcodes.ICONST_0);
        mv.visitVarInsn(Opcodes.ALOAD, bytesLocal);
        mv.visitInsn(Opcodes.ARRAYLENGTH);
        if (buffer || domain) {
            mv.visitVarInsn(Opcodes.ALOAD, buffer ? 3 : 5);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, b.receiver(), "defineClass", withDomain, false);
        } else {
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, b.receiver(), "defineClass", "(Ljava/lang/String;[BII)Ljava/lang/Class;", false);
        }
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitMaxs(8, bytesLocal + 1);
        mv.visitEnd();
    }

    /** Rewrites the instructions of one method. */
    private final class SiteRewriter extends MethodVisitor {

        /** Each {@code new} whose constructor call has not come yet (innermost last). */
        private final java.util.ArrayDeque<PendingNew> pendingNews = new java.util.ArrayDeque<>();
        /** The {@code new} just visited, until the next instruction: whether javac's DUP follows it. */
        private PendingNew justNewed;

        private final boolean guarded;
        /** Labels already visited: a jump to one of them is a back-edge. */
        private final java.util.Set<net.bytebuddy.jar.asm.Label> seen = new java.util.HashSet<>();
        /** The entries of the method's exception handlers: each gets a guard. */
        private final java.util.Set<net.bytebuddy.jar.asm.Label> handlers = new java.util.HashSet<>();
        /** Handlers whose own range starts at them: javac's handlers that release a synchronized block's monitor. */
        private final java.util.Set<net.bytebuddy.jar.asm.Label> selfCovered = new java.util.HashSet<>();
        private boolean entryPending;
        /**
         * At a handler's entry, before its guard: 0 none; for a self-covering handler 1 at entry, 2 after ASTORE, 3
         * after its ALOAD of a lock's stand-in, 4 after the MONITOREXIT; 5 at the entry of any other handler.
         */
        private int handlerState;
        /** The method's try-catch blocks, held back until its end: see visitMaxs. */
        private final List<Object[]> tryCatchBlocks = new ArrayList<>();
        /** The handler guards emitted: the labels just before and after each. */
        private final List<net.bytebuddy.jar.asm.Label[]> handlerGuards = new ArrayList<>();
        /** For each label visited, its rank and the number of instructions emitted before it. */
        private final Map<net.bytebuddy.jar.asm.Label, int[]> positions = new java.util.HashMap<>();
        private int emitted;
        /** The value of the constant pushed by the previous instruction, or -1. */
        private int lastConstant = -1;
        /** The previous instruction's opcode and local (-1: another kind of instruction, or a label between). */
        private int op1 = -1;
        private int var1 = -1;
        /** The opcode of the instruction before that. */
        private int op2 = -1;
        /** Locals that hold a monitor's stand-in (see visitInsn): their MONITOREXIT needs no second mapping. */
        private final java.util.Set<Integer> monitorSlots = new java.util.HashSet<>();

        SiteRewriter(MethodVisitor next, boolean guarded) {
            super(Opcodes.ASM9, next);
            this.guarded = guarded;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            entryPending = guarded;
        }

        @Override
        public void visitTryCatchBlock(net.bytebuddy.jar.asm.Label start, net.bytebuddy.jar.asm.Label end,
                                       net.bytebuddy.jar.asm.Label handler, String type) {
            if (!guarded) {
                super.visitTryCatchBlock(start, end, handler, type);
                return;
            }
            // A handler can be entered again and again with no backward jump (one placed before its try block, or
            // one whose range covers itself): it is guarded like a loop. The blocks are written at the end, once the
            // guards' places are known (see visitMaxs).
            handlers.add(handler);
            if (start == handler) {
                selfCovered.add(handler);
            }
            tryCatchBlocks.add(new Object[] {start, end, handler, type});
        }

        /**
         * Before the first instruction (the try-catch blocks come first): every method gets a guard at its entry,
         * so recursion, and JDK code that calls the app's lambdas or overrides in a loop of its own
         * ({@code Stream.generate}, a comparator inside {@code sort}), stop at the app's kill switch. The guard is a
         * no-op call site the JIT compiles to nothing while the switch is not tripped.
         */
        private void enter() {
            if (entryPending) {
                entryPending = false;
                emitGuard(getDelegate());
            }
            lastConstant = -1;
        }

        /** Before each instruction: the entry guard, and the guard of a handler whose label (and frame) came last. */
        private void insn() {
            insn(-1, -1);
        }

        /**
         * As {@link #insn()}, knowing the instruction ({@code opcode}, and its local for loads and stores). javac's
         * handler that releases a synchronized block's monitor ({@code ASTORE e; ALOAD lock; MONITOREXIT}) gets its
         * guard after the MONITOREXIT, so that a cancelled call still releases the monitor; any other handler gets it
         * before its first instruction (or after an ASTORE of the exception, which cannot throw).
         */
        private void insn(int opcode, int var) {
            enter();
            if (handlerState == 1 && opcode == Opcodes.ASTORE) {
                handlerState = 2;
            } else if (handlerState == 2 && opcode == Opcodes.ALOAD && monitorSlots.contains(var)) {
                handlerState = 3;
            } else if (handlerState == 3 && opcode == Opcodes.MONITOREXIT) {
                handlerState = 4;
            } else if (handlerState != 0) {
                handlerState = 0;
                emitHandlerGuard();
            }
            emitted++;
            op2 = op1;
            op1 = -1;
            var1 = -1;
        }

        /** A handler's guard, between two labels of its own: see visitMaxs. */
        private void emitHandlerGuard() {
            net.bytebuddy.jar.asm.Label before = new net.bytebuddy.jar.asm.Label();
            net.bytebuddy.jar.asm.Label after = new net.bytebuddy.jar.asm.Label();
            place(before);
            getDelegate().visitLabel(before);
            emitHandlerGuardCall(getDelegate());
            emitted++;
            place(after);
            getDelegate().visitLabel(after);
            handlerGuards.add(new net.bytebuddy.jar.asm.Label[] {before, after});
        }

        private void place(net.bytebuddy.jar.asm.Label label) {
            positions.put(label, new int[] {positions.size(), emitted});
        }

        private void guardIfBackward(net.bytebuddy.jar.asm.Label... targets) {
            if (guarded) {
                for (net.bytebuddy.jar.asm.Label l : targets) {
                    if (seen.contains(l)) {
                        emitGuard(getDelegate());
                        return;
                    }
                }
            }
        }

        @Override
        public void visitLabel(net.bytebuddy.jar.asm.Label label) {
            enter();
            justNewed = null;
            seen.add(label);
            op1 = -1;
            op2 = -1;
            if (handlerState == 4) {
                // javac's monitor-releasing handler ended at its MONITOREXIT: the guard goes here.
                handlerState = 0;
                emitHandlerGuard();
            }
            place(label);
            super.visitLabel(label);
            if (handlers.contains(label)) {
                // After the label and its frame, before the handler's first instruction: see insn(). Only a handler
                // that covers itself may be javac's monitor release, whose guard waits for its MONITOREXIT (a guard
                // there in any other handler could sit after a block's own release, inside its range).
                handlerState = selfCovered.contains(label) ? 1 : 5;
            }
        }

        @Override
        public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
            enter();
            super.visitFrame(type, numLocal, local, numStack, stack);
        }

        @Override
        public void visitJumpInsn(int opcode, net.bytebuddy.jar.asm.Label label) {
            insn();
            justNewed = null;
            guardIfBackward(label);
            super.visitJumpInsn(opcode, label);
        }

        @Override
        public void visitTableSwitchInsn(int min, int max, net.bytebuddy.jar.asm.Label dflt,
                                         net.bytebuddy.jar.asm.Label... labels) {
            insn();
            guardIfBackward(dflt);
            guardIfBackward(labels);
            super.visitTableSwitchInsn(min, max, dflt, labels);
        }

        @Override
        public void visitLookupSwitchInsn(net.bytebuddy.jar.asm.Label dflt, int[] keys,
                                          net.bytebuddy.jar.asm.Label[] labels) {
            insn();
            guardIfBackward(dflt);
            guardIfBackward(labels);
            super.visitLookupSwitchInsn(dflt, keys, labels);
        }

        @Override
        public void visitIincInsn(int varIndex, int increment) {
            insn();
            super.visitIincInsn(varIndex, increment);
        }

        @Override
        public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
            insn();
            if (guarded) {
                if (numDimensions >= 2) {
                    getDelegate().visitInsn(Opcodes.DUP2);
                } else {
                    getDelegate().visitInsn(Opcodes.DUP);
                }
                char element = descriptor.charAt(descriptor.lastIndexOf('[') + 1);
                getDelegate().visitLdcInsn(numDimensions >= 2 && descriptor.lastIndexOf('[') > numDimensions - 1 ? 2
                        : elementShift(element));
                getDelegate().visitLdcInsn(Type.getObjectType(className));
                getDelegate().visitMethodInsn(Opcodes.INVOKESTATIC, GUARD_OWNER, numDimensions >= 2 ? "newArray2" : "newArray",
                        numDimensions >= 2 ? "(IIILjava/lang/Class;)V" : "(IILjava/lang/Class;)V", false);
                changed = true;
            }
            super.visitMultiANewArrayInsn(descriptor, numDimensions);
        }

        /** Before {@code new T[n]} whose {@code n} is not a small constant: the size check. */
        private void checkArray(int shift) {
            if (guarded && !smallConstant(lastConstant)) {
                getDelegate().visitInsn(Opcodes.DUP);
                getDelegate().visitLdcInsn(shift);
                getDelegate().visitLdcInsn(Type.getObjectType(className));
                getDelegate().visitMethodInsn(Opcodes.INVOKESTATIC, GUARD_OWNER, "newArray", "(IILjava/lang/Class;)V",
                        false);
                changed = true;
            }
        }

        @Override
        public void visitTypeInsn(int opcode, String type) {
            int constant = lastConstant;
            insn();
            justNewed = null;
            if (opcode == Opcodes.ANEWARRAY) {
                lastConstant = constant;
                checkArray(2);
                lastConstant = -1;
            }
            super.visitTypeInsn(opcode, type);
            if (opcode == Opcodes.NEW) {
                justNewed = new PendingNew(type);
                pendingNews.addLast(justNewed);
            }
        }

        @Override
        public void visitInsn(int opcode) {
            // javac (and ecj, kotlinc, scalac) lock as: the lock, DUP, ASTORE into a temporary typed Object, then
            // MONITORENTER; every MONITOREXIT loads that temporary.
            boolean javacLock = opcode == Opcodes.MONITORENTER && op1 == Opcodes.ASTORE && op2 == Opcodes.DUP;
            boolean standInExit = opcode == Opcodes.MONITOREXIT && op1 == Opcodes.ALOAD && monitorSlots.contains(var1);
            int slot = var1;
            insn(opcode, -1);
            if (opcode == Opcodes.DUP && justNewed != null) {
                justNewed.dup = true;
            }
            justNewed = null;
            if (guarded && opcode == Opcodes.MONITORENTER) {
                emitLockFor(javacLock ? slot : -1);
            } else if (guarded && opcode == Opcodes.MONITOREXIT && !standInExit) {
                emitLockFor(-1);
            }
            super.visitInsn(opcode);
            op1 = opcode;
            if (opcode >= Opcodes.ICONST_0 && opcode <= Opcodes.ICONST_5) {
                lastConstant = opcode - Opcodes.ICONST_0;
            }
        }

        /**
         * Before MONITORENTER or MONITOREXIT: the object to lock becomes the app's stand-in for it when it is one
         * the host or other apps share ({@code VirtualMonitors.lockFor}); the app's own objects stay themselves.
         * For javac's shape ({@code slot} is its temporary) the stand-in replaces the lock in the temporary too, so
         * every MONITOREXIT that loads it exits the stand-in, and the JIT still sees the pair as balanced (it compiles
         * only methods whose exits provably match their enters); other shapes map again at each exit.
         */
        private void emitLockFor(int slot) {
            MethodVisitor mv = getDelegate();
            if (slot >= 0) {
                mv.visitInsn(Opcodes.POP);
                mv.visitVarInsn(Opcodes.ALOAD, slot);
            }
            mv.visitLdcInsn(Type.getObjectType(className));
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, MONITORS, "lockFor", LOCK_FOR_DESC, false);
            if (slot >= 0) {
                mv.visitInsn(Opcodes.DUP);
                mv.visitVarInsn(Opcodes.ASTORE, slot);
                monitorSlots.add(slot);
            }
            changed = true;
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            insn();
            justNewed = null;
            if (callsGuestFinalizer(opcode, owner, name, descriptor)) {
                emitFinalizerCall(getDelegate(), opcode, owner);
                return;
            }
            if (opcode != Opcodes.INVOKESPECIAL || !name.equals("<init>")) {
                changed |= emitCall(getDelegate(), opcode, owner, name, descriptor, isInterface);
                return;
            }
            // javac's new X(…) is NEW, DUP, arguments, <init>; a super(…) or this(…) call follows no NEW of its own.
            PendingNew pending = pendingNews.peekLast();
            boolean isNew = pending != null && pending.type.equals(owner);
            if (isNew) {
                pendingNews.removeLast();
            }
            Rule r = rules.find(owner, name, descriptor);
            if (!isNew && owner.equals(className)) {
                changed |= emitCall(getDelegate(), opcode, owner, name, descriptor, isInterface);
            } else if (r != null && r.action() instanceof Rule.Factory && !(isNew && pending.dup)) {
                denySubclass(getDelegate(), owner, descriptor);
                getDelegate().visitMethodInsn(opcode, owner, name, descriptor, isInterface);
                changed = true;
            } else {
                changed |= emitCall(getDelegate(), opcode, owner, name, descriptor, isInterface);
                if (isNew && TRACKED.contains(owner)) {
                    // The new object is on the stack: remember it, to stop it at unload.
                    getDelegate().visitInsn(Opcodes.DUP);
                    getDelegate().visitLdcInsn(Type.getObjectType(className));
                    getDelegate().visitMethodInsn(Opcodes.INVOKESTATIC, Rules.SUPPORT_PACKAGE + "VirtualThreads", "track",
                            "(Ljava/lang/Object;Ljava/lang/Class;)V", false);
                    changed = true;
                }
                if (owner.equals(OBJECT_INPUT) && ((isNew && pending.dup) || (!isNew && methodName.startsWith("<init>(")))) {
                    // Every stream the app makes, its own subclasses' included, reads only classes the app may hold.
                    if (isNew) {
                        getDelegate().visitInsn(Opcodes.DUP);
                    } else {
                        getDelegate().visitVarInsn(Opcodes.ALOAD, 0);
                    }
                    getDelegate().visitLdcInsn(Type.getObjectType(className));
                    getDelegate().visitMethodInsn(Opcodes.INVOKESTATIC, Rules.SUPPORT_PACKAGE + "VirtualSerialization",
                            "adopt", "(Ljava/lang/Object;Ljava/lang/Class;)V", false);
                    changed = true;
                }
            }
        }

        @Override
        public void visitVarInsn(int opcode, int varIndex) {
            insn(opcode, varIndex);
            justNewed = null;
            if (opcode == Opcodes.RET && guarded) {
                // A subroutine's return jumps to code already run as often as not: guarded like a back-edge.
                emitGuard(getDelegate());
            }
            super.visitVarInsn(opcode, varIndex);
            op1 = opcode;
            var1 = varIndex;
        }

        @Override
        public void visitIntInsn(int opcode, int operand) {
            int constant = lastConstant;
            insn();
            justNewed = null;
            if (opcode == Opcodes.NEWARRAY) {
                lastConstant = constant;
                checkArray(switch (operand) {
                    case Opcodes.T_BOOLEAN, Opcodes.T_BYTE -> 0;
                    case Opcodes.T_CHAR, Opcodes.T_SHORT -> 1;
                    case Opcodes.T_LONG, Opcodes.T_DOUBLE -> 3;
                    default -> 2;
                });
                lastConstant = -1;
            }
            super.visitIntInsn(opcode, operand);
            if (opcode == Opcodes.BIPUSH || opcode == Opcodes.SIPUSH) {
                lastConstant = operand;
            }
        }

        @Override
        public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
            insn();
            justNewed = null;
            changed |= emitField(getDelegate(), opcode, owner, name, descriptor);
        }

        @Override
        public void visitLineNumber(int number, net.bytebuddy.jar.asm.Label start) {
            line = number;
            super.visitLineNumber(number, start);
        }

        @Override
        public void visitInvokeDynamicInsn(String name, String descriptor, Handle bsm, Object... args) {
            insn();
            justNewed = null;
            // The bootstrap runs when the instruction first executes: a denied one is stopped just before.
            changed |= checkPolicy(getDelegate(), bsm.getOwner(), bsm.getName(), bsm.getDesc(), false);
            Object[] mapped = new Object[args.length];
            int lambdaCode = guarded ? lambdaCodeIndex(bsm, args) : -1;
            for (int i = 0; i < args.length; i++) {
                mapped[i] = i == lambdaCode ? mapHandle((Handle) args[i], true) : mapConstant(args[i]);
            }
            super.visitInvokeDynamicInsn(name, descriptor, mapHandle(bsm), mapped);
        }

        @Override
        public void visitLdcInsn(Object value) {
            insn();
            justNewed = null;
            super.visitLdcInsn(mapConstant(value));
            if (value instanceof Integer i && i >= 0) {
                lastConstant = i;
            }
        }

        /**
         * Writes the try-catch blocks held back, so that a handler guard's throw is caught only by handlers placed
         * after the guard: never by the handler itself (javac's synchronized blocks cover their own handler, and a
         * crafted one can cover itself), nor by one before it, which could pass it back. Each range that covers a
         * guard against that rule is split around it; the order of the blocks, which decides, is kept.
         */
        private void writeTryCatchBlocks() {
            if (handlerState == 4) {
                handlerState = 0;
                emitHandlerGuard();
            }
            for (Object[] b : tryCatchBlocks) {
                net.bytebuddy.jar.asm.Label start = (net.bytebuddy.jar.asm.Label) b[0];
                net.bytebuddy.jar.asm.Label end = (net.bytebuddy.jar.asm.Label) b[1];
                net.bytebuddy.jar.asm.Label handler = (net.bytebuddy.jar.asm.Label) b[2];
                int[] h = positions.get(handler);
                net.bytebuddy.jar.asm.Label from = start;
                for (net.bytebuddy.jar.asm.Label[] g : handlerGuards) {
                    int[] f = positions.get(from);
                    int[] e = positions.get(end);
                    int[] gb = positions.get(g[0]);
                    int[] ga = positions.get(g[1]);
                    if (f == null || e == null || h == null) {
                        break;
                    }
                    boolean covers = f[0] <= gb[0] && ga[0] <= e[0];
                    if (covers && h[0] <= gb[0]) {
                        writeRange(from, g[0], handler, (String) b[3]);
                        from = g[1];
                    }
                }
                writeRange(from, end, handler, (String) b[3]);
            }
        }

        private void writeRange(net.bytebuddy.jar.asm.Label from, net.bytebuddy.jar.asm.Label to,
                                net.bytebuddy.jar.asm.Label handler, String type) {
            int[] f = positions.get(from);
            int[] t = positions.get(to);
            // Labels of one place leave nothing between them: such a range would be empty, which is not allowed.
            if (f == null || t == null || f[1] < t[1]) {
                getDelegate().visitTryCatchBlock(from, to, handler, type);
            }
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            writeTryCatchBlocks();
            // What the pass inserts needs at most EXTRA_STACK more slots at any point; saying so is cheaper than
            // having ASM recompute every method's maximum.
            super.visitMaxs(maxStack + EXTRA_STACK, maxLocals);
        }
    }
}
