package io.vaas.virtual;

import io.vaas.rewrite.Rule;
import io.vaas.rewrite.Rules;
import io.vaas.policy.Violation;
import net.bytebuddy.jar.asm.Type;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where rewritten app code lands for reflection on members the rewriter redirects: {@code Method.invoke} (through a
 * bridge in the calling class, see {@link #plan}),
 * {@code Field.get}, {@code Lookup.findStatic/findVirtual/findStaticGetter/unreflect/unreflectGetter} reach the
 * app's virtual version, as a direct call would. Reflection on any other member behaves as usual.
 *
 * <p>Every method takes the calling class last; it names the app. Not for direct use.
 */
public final class VirtualReflection {

    private static final Rules RULES = Rules.standard();
    private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();
    private static final Map<Rule, MethodHandle> TARGETS = new ConcurrentHashMap<>();
    private static final Map<Rule, Method> TARGET_METHODS = new ConcurrentHashMap<>();

    private VirtualReflection() {
    }

    /**
     * What a rewritten {@code m.invoke(target, args)} performs, as {@code {method, receiver, arguments}}: the call as
     * given, or for a redirected member its virtual version with the receiver first and the caller last. The
     * caller's own bridge performs the {@code Method.invoke}, so caller-sensitive methods see the app's class.
     */
    public static Object[] plan(Method m, Object target, Object[] args, Class<?> caller) {
        AppContext context = AppContext.of(caller);
        if (m == null || !isJdk(m.getDeclaringClass())) {
            return new Object[] {m, target, args};
        }
        // Decided once per JDK method and app: the descriptor building and lookups cost more than the call.
        Object decision = context.reflectionDecisions().computeIfAbsent(m, k -> decide((Method) k, context));
        if (decision instanceof String denial) {
            throw new io.vaas.api.PolicyDenial(denial);
        }
        if (decision == ALLOWED) {
            return new Object[] {m, target, args};
        }
        if (decision == PERFORMED) {
            return prepared(m, target, args, caller);
        }
        Method redirect = (Method) decision;
        Object[] given = args == null ? new Object[0] : args;
        boolean isStatic = Modifier.isStatic(m.getModifiers());
        Object[] full = new Object[given.length + (isStatic ? 1 : 2)];
        int at = 0;
        if (!isStatic) {
            full[at++] = target;
        }
        System.arraycopy(given, 0, full, at, given.length);
        full[full.length - 1] = caller;
        return new Object[] {redirect, null, full};
    }

    private static final Object ALLOWED = new Object();
    /** The decision for members whose rule checks, observes or plans before the call: {@link #prepared}. */
    private static final Object PERFORMED = new Object();
    private static final MethodHandle PERFORM_HANDLE;

    static {
        try {
            PERFORM_HANDLE = MethodHandles.lookup().findStatic(VirtualReflection.class, "perform",
                    MethodType.methodType(Object.class, MethodHandle.class, Method.class, Object.class, Object[].class,
                            Class.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The redirect target of a JDK method, {@link #ALLOWED}, {@link #PERFORMED}, or the message of its denial: one
     * decision for a member however it is reached, from the same rules a call site gets.
     */
    private static Object decide(Method m, AppContext context) {
        String desc = Type.getMethodDescriptor(m);
        Rule rule = ruleOf(m.getDeclaringClass(), m.getName(), desc);
        boolean policed = rule == null || (rule.action() instanceof Rule.Redirect r && Rules.isPoliced(r.targetOwner()));
        String denial = policed ? denial(context, m.getDeclaringClass(), m.getDeclaringClass(), m.getName(), desc, false)
                : null;
        if (denial != null) {
            return denial;
        }
        if (rule == null) {
            return ALLOWED;
        }
        return switch (rule.action()) {
            case Rule.Redirect r -> TARGET_METHODS.computeIfAbsent(rule, VirtualReflection::resolveMethod);
            case Rule.ReflectiveInvoke ri -> PERFORMED;
            case Rule.Checked ch -> PERFORMED;
            case Rule.Observe ob -> PERFORMED;
            case Rule.Substitute sub -> PERFORMED;
            default -> notReflectively(context, m.getDeclaringClass(), m.getName(), desc);
        };
    }

    /**
     * The call {@code op(receiver, args)} becomes once its rule has had its say, as {@code {method, receiver,
     * arguments}}: after the check or observation the rule adds; for {@code Method.invoke}, the call of the method
     * it invokes, decided in turn (so reflection on the reflective API itself, to any depth, meets the decision of
     * the innermost member, and one {@code InvocationTargetException} wraps what it throws); for a substitution,
     * the host's method.
     */
    private static Object[] prepared(Method op, Object receiver, Object[] args, Class<?> caller) {
        Rule rule = ruleOf(op.getDeclaringClass(), op.getName(), Type.getMethodDescriptor(op));
        Object[] given = args == null ? new Object[0] : args;
        try {
            switch (rule.action()) {
                case Rule.ReflectiveInvoke ri -> {
                    if (!(receiver instanceof Method inner) || given.length != 2 || !(given[1] == null
                            || given[1] instanceof Object[])) {
                        return new Object[] {op, receiver, args};   // the JDK's own error for the bad call
                    }
                    return plan(inner, given[0], (Object[]) given[1], caller);
                }
                case Rule.Checked ch -> support(ch.targetOwner(), ch.targetName()).invoke(receiver, caller);
                case Rule.Observe ob -> support(ob.targetOwner(), ob.targetName()).invoke(receiver, caller);
                case Rule.Substitute sub -> {
                    return new Object[] {substitute(rule), null, withReceiver(op, receiver, given)};
                }
                default -> throw new io.vaas.api.PolicyDenial(notReflectively(AppContext.of(caller), op.getDeclaringClass(),
                        op.getName(), Type.getMethodDescriptor(op)));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        return new Object[] {op, receiver, args};
    }

    /**
     * Runs a ruled JDK method through a handle: {@code opHandle} is the member itself, found by the app's own lookup
     * (so it runs as the app's class), called once {@link #prepared} has decided. Not for direct use.
     */
    public static Object perform(MethodHandle opHandle, Method op, Object receiver, Object[] args, Class<?> caller)
            throws Throwable {
        Object[] call = prepared(op, receiver, args, caller);
        Method target = (Method) call[0];
        if (target == op) {
            Object[] callArgs = call[2] == null ? new Object[0] : (Object[]) call[2];
            return opHandle.invokeWithArguments(withReceiver(op, call[1], callArgs));
        }
        if (op.getDeclaringClass() == Method.class) {
            // Method.invoke: its inner call was decided; the app's own Method.invoke performs it.
            return opHandle.invoke(target, call[1], (Object[]) call[2]);
        }
        return target.invoke(call[1], (Object[]) call[2]);
    }

    private static Object[] withReceiver(Method op, Object receiver, Object[] args) {
        if (Modifier.isStatic(op.getModifiers())) {
            return args;
        }
        Object[] all = new Object[args.length + 1];
        all[0] = receiver;
        System.arraycopy(args, 0, all, 1, args.length);
        return all;
    }

    private static final Map<String, MethodHandle> SUPPORT_METHODS = new ConcurrentHashMap<>();

    /** A {@code (Object, Class)V} check or observer of the runtime support. */
    private static MethodHandle support(String owner, String name) {
        return SUPPORT_METHODS.computeIfAbsent(owner + "." + name, k -> {
            try {
                Class<?> c = Class.forName(owner.replace('/', '.'), true, VirtualReflection.class.getClassLoader());
                return MethodHandles.publicLookup().findStatic(c, name,
                        MethodType.methodType(void.class, Object.class, Class.class));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("the runtime support lacks " + k + "(Object, Class)", e);
            }
        });
    }

    private static final Map<Rule, Method> SUBSTITUTES = new ConcurrentHashMap<>();

    /** The host's static method a substitution names. */
    private static Method substitute(Rule rule) {
        Rule.Substitute sub = (Rule.Substitute) rule.action();
        return SUBSTITUTES.computeIfAbsent(rule, k -> {
            try {
                ClassLoader l = VirtualReflection.class.getClassLoader();
                Class<?> c = Class.forName(sub.targetOwner().replace('/', '.'), true, l);
                return c.getMethod(sub.targetName(), MethodType.fromMethodDescriptorString(sub.targetDesc(), l)
                        .parameterArray());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("the substitution " + sub.targetOwner() + "." + sub.targetName()
                        + sub.targetDesc() + " cannot be found", e);
            }
        });
    }

    /** Why a member whose rule needs the caller's own call site cannot be reached by reflection. */
    private static String notReflectively(AppContext context, Class<?> owner, String name, String desc) {
        String member = io.vaas.rewrite.Members.describe(Type.getInternalName(owner), name, desc, false);
        if (RULES.find(Type.getInternalName(owner), name, desc) instanceof Rule r && r.action() instanceof Rule.Factory) {
            return "app '" + context.app() + "' reached " + member + " by reflection, which cannot be routed to the "
                    + "app's own files and network; call the constructor directly";
        }
        return "app '" + context.app() + "' reached " + member + " by reflection or a method handle; the container "
                + "hands this member the app's own executor, thread factory or class rewriting only where the app "
                + "calls it directly: call it directly";
    }

    private static boolean isJdk(Class<?> c) {
        ClassLoader l = c.getClassLoader();
        return l == null || l == PLATFORM;
    }

    public static Object get(Field f, Object target, Class<?> caller) throws IllegalAccessException {
        MethodHandle redirect = ruledHandle(null, f.getDeclaringClass(), f.getName(), Type.getDescriptor(f.getType()),
                true, caller);
        if (redirect == null) {
            checkMember(f, caller);
            return f.get(target);
        }
        return invokeRedirect(redirect);
    }

    private static Object invokeRedirect(MethodHandle redirect) {
        try {
            return redirect.invoke();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public static MethodHandle findStatic(MethodHandles.Lookup lookup, Class<?> refc, String name, MethodType type,
                                          Class<?> caller) throws NoSuchMethodException, IllegalAccessException {
        String desc = type.toMethodDescriptorString();
        MethodHandle ruled = ruledHandle(lookup, refc, name, desc, false, caller);
        if (ruled != null) {
            return ruled;
        }
        checkPolicy(AppContext.of(caller), refc, name, desc, false, caller);
        return lookup.findStatic(refc, name, type);
    }

    public static MethodHandle findVirtual(MethodHandles.Lookup lookup, Class<?> refc, String name, MethodType type,
                                           Class<?> caller) throws NoSuchMethodException, IllegalAccessException {
        String desc = type.toMethodDescriptorString();
        MethodHandle ruled = ruledHandle(lookup, refc, name, desc, false, caller);
        if (ruled != null) {
            return ruled;
        }
        checkPolicy(AppContext.of(caller), refc, name, desc, false, caller);
        return lookup.findVirtual(refc, name, type);
    }

    /**
     * {@code lookup.bind(receiver, name, type)}: decided as {@code findVirtual} on the receiver's class, so binding
     * {@code Runtime.getRuntime()} to {@code "exec"} meets the same rule as calling it.
     */
    public static MethodHandle bind(MethodHandles.Lookup lookup, Object receiver, String name, MethodType type,
                                    Class<?> caller) throws NoSuchMethodException, IllegalAccessException {
        Class<?> refc = receiver.getClass();
        String desc = type.toMethodDescriptorString();
        MethodHandle ruled = ruledHandle(lookup, refc, name, desc, false, caller);
        if (ruled != null) {
            return ruled.bindTo(receiver);
        }
        checkPolicy(AppContext.of(caller), refc, name, desc, false, caller);
        return lookup.bind(receiver, name, type);
    }

    public static MethodHandle findStaticGetter(MethodHandles.Lookup lookup, Class<?> refc, String name, Class<?> type,
                                                Class<?> caller) throws NoSuchFieldException, IllegalAccessException {
        String desc = Type.getDescriptor(type);
        MethodHandle ruled = ruledHandle(lookup, refc, name, desc, true, caller);
        if (ruled != null) {
            return ruled;
        }
        checkPolicy(AppContext.of(caller), refc, name, desc, true, caller);
        return lookup.findStaticGetter(refc, name, type);
    }

    public static MethodHandle unreflect(MethodHandles.Lookup lookup, Method m, Class<?> caller)
            throws IllegalAccessException {
        MethodHandle ruled = ruledHandle(lookup, m.getDeclaringClass(), m.getName(), Type.getMethodDescriptor(m), false,
                caller);
        if (ruled != null) {
            return ruled;
        }
        checkMember(m, caller);
        return lookup.unreflect(m);
    }

    public static MethodHandle unreflectGetter(MethodHandles.Lookup lookup, Field f, Class<?> caller)
            throws IllegalAccessException {
        MethodHandle ruled = ruledHandle(lookup, f.getDeclaringClass(), f.getName(), Type.getDescriptor(f.getType()),
                true, caller);
        if (ruled != null) {
            return ruled;
        }
        checkMember(f, caller);
        return lookup.unreflectGetter(f);
    }

    public static MethodHandle findConstructor(MethodHandles.Lookup lookup, Class<?> refc, MethodType type,
                                               Class<?> caller) throws NoSuchMethodException, IllegalAccessException {
        checkPolicy(AppContext.of(caller), refc, "<init>", type.toMethodDescriptorString(), false, caller);
        return lookup.findConstructor(refc, type);
    }

    public static MethodHandle findSpecial(MethodHandles.Lookup lookup, Class<?> refc, String name, MethodType type,
                                           Class<?> specialCaller, Class<?> caller)
            throws NoSuchMethodException, IllegalAccessException {
        String desc = type.toMethodDescriptorString();
        refuseRuled(refc, name, desc, caller);
        checkPolicy(AppContext.of(caller), refc, name, desc, false, caller);
        return lookup.findSpecial(refc, name, type, specialCaller);
    }

    public static MethodHandle findGetter(MethodHandles.Lookup lookup, Class<?> refc, String name, Class<?> type,
                                          Class<?> caller) throws NoSuchFieldException, IllegalAccessException {
        checkPolicy(AppContext.of(caller), refc, name, Type.getDescriptor(type), true, caller);
        return lookup.findGetter(refc, name, type);
    }

    public static MethodHandle findSetter(MethodHandles.Lookup lookup, Class<?> refc, String name, Class<?> type,
                                          Class<?> caller) throws NoSuchFieldException, IllegalAccessException {
        checkPolicy(AppContext.of(caller), refc, name, Type.getDescriptor(type), true, caller);
        return lookup.findSetter(refc, name, type);
    }

    public static MethodHandle findStaticSetter(MethodHandles.Lookup lookup, Class<?> refc, String name, Class<?> type,
                                                Class<?> caller) throws NoSuchFieldException, IllegalAccessException {
        checkPolicy(AppContext.of(caller), refc, name, Type.getDescriptor(type), true, caller);
        return lookup.findStaticSetter(refc, name, type);
    }

    public static MethodHandle unreflectConstructor(MethodHandles.Lookup lookup, Constructor<?> c, Class<?> caller)
            throws IllegalAccessException {
        checkMember(c, caller);
        return lookup.unreflectConstructor(c);
    }

    public static MethodHandle unreflectSetter(MethodHandles.Lookup lookup, Field f, Class<?> caller)
            throws IllegalAccessException {
        checkMember(f, caller);
        return lookup.unreflectSetter(f);
    }

    public static MethodHandle unreflectSpecial(MethodHandles.Lookup lookup, Method m, Class<?> specialCaller,
                                                Class<?> caller) throws IllegalAccessException {
        refuseRuled(m.getDeclaringClass(), m.getName(), Type.getMethodDescriptor(m), caller);
        checkMember(m, caller);
        return lookup.unreflectSpecial(m, specialCaller);
    }

    /** {@code lookup.findVarHandle(refc, name, type)}, for a field the app may use. */
    public static VarHandle findVarHandle(MethodHandles.Lookup lookup, Class<?> refc, String name, Class<?> type,
                                          Class<?> caller) throws NoSuchFieldException, IllegalAccessException {
        checkVarHandle(refc, name, type, caller);
        return lookup.findVarHandle(refc, name, type);
    }

    /** {@code lookup.findStaticVarHandle(refc, name, type)}, for a field the app may use. */
    public static VarHandle findStaticVarHandle(MethodHandles.Lookup lookup, Class<?> refc, String name, Class<?> type,
                                                Class<?> caller) throws NoSuchFieldException, IllegalAccessException {
        checkVarHandle(refc, name, type, caller);
        return lookup.findStaticVarHandle(refc, name, type);
    }

    /** {@code lookup.unreflectVarHandle(f)}, for a field the app may use. */
    public static VarHandle unreflectVarHandle(MethodHandles.Lookup lookup, Field f, Class<?> caller)
            throws IllegalAccessException {
        checkVarHandle(f.getDeclaringClass(), f.getName(), f.getType(), caller);
        return lookup.unreflectVarHandle(f);
    }

    /** {@code ConstantBootstraps.getStaticFinal(lookup, name, type, declaringClass)}, decided as a field read. */
    public static Object getStaticFinal(MethodHandles.Lookup lookup, String name, Class<?> type, Class<?> declaringClass,
                                        Class<?> caller) {
        MethodHandle ruled;
        try {
            ruled = ruledHandle(lookup, declaringClass, name, Type.getDescriptor(type), true, caller);
        } catch (IllegalAccessException e) {
            throw new IllegalArgumentException(e);
        }
        if (ruled != null) {
            return invokeRedirect(ruled);
        }
        checkPolicy(AppContext.of(caller), declaringClass, name, Type.getDescriptor(type), true, caller);
        return java.lang.invoke.ConstantBootstraps.getStaticFinal(lookup, name, type, declaringClass);
    }

    /** {@code ConstantBootstraps.getStaticFinal(lookup, name, type)}: the field is declared by {@code type} (boxed). */
    public static Object getStaticFinal(MethodHandles.Lookup lookup, String name, Class<?> type, Class<?> caller) {
        Class<?> declaring = type.isPrimitive() ? MethodType.methodType(type).wrap().returnType() : type;
        return getStaticFinal(lookup, name, type, declaring, caller);
    }

    /** {@code ConstantBootstraps.staticFieldVarHandle(…)}, for a field the app may use. */
    public static VarHandle staticFieldVarHandle(MethodHandles.Lookup lookup, String name, Class<VarHandle> type,
                                                 Class<?> declaringClass, Class<?> fieldType, Class<?> caller) {
        checkVarHandle(declaringClass, name, fieldType, caller);
        return java.lang.invoke.ConstantBootstraps.staticFieldVarHandle(lookup, name, type, declaringClass, fieldType);
    }

    /** {@code ConstantBootstraps.fieldVarHandle(…)}, for a field the app may use. */
    public static VarHandle fieldVarHandle(MethodHandles.Lookup lookup, String name, Class<VarHandle> type,
                                           Class<?> declaringClass, Class<?> fieldType, Class<?> caller) {
        checkVarHandle(declaringClass, name, fieldType, caller);
        return java.lang.invoke.ConstantBootstraps.fieldVarHandle(lookup, name, type, declaringClass, fieldType);
    }

    /**
     * Before {@code c.newInstance()}: the constructor it runs is decided as {@code c.getConstructor().newInstance()}
     * is (the call itself then runs from the app's class, which it checks access against).
     */
    public static void checkNewInstance(Object c, Class<?> caller) {
        if (c instanceof Class<?> type) {
            checkPolicy(AppContext.of(caller), type, "<init>", "()V", false, caller);
        }
    }

    /** A var handle reads and writes the field itself, past any redirect: one on a ruled field is refused. */
    private static void checkVarHandle(Class<?> refc, String name, Class<?> type, Class<?> caller) {
        String desc = Type.getDescriptor(type);
        Class<?> owner = declaringOf(refc, name, desc, true);
        AppContext context = AppContext.of(caller);
        if (ruleOf(owner, name, desc) != null) {
            throw new io.vaas.api.PolicyDenial("app '" + context.app() + "' asked for a VarHandle on " + io.vaas.rewrite.Members
                    .describe(Type.getInternalName(owner), name, desc, true) + ", which the app reaches as its own "
                    + "version only by reading the field directly: read it directly");
        }
        checkPolicy(context, refc, name, desc, true, caller);
    }

    /** A super call ({@code findSpecial}) cannot go through a member's rule: refused for ruled members. */
    private static void refuseRuled(Class<?> refc, String name, String desc, Class<?> caller) {
        Class<?> owner = declaringOf(refc, name, desc, false);
        if (isJdk(owner) && ruleOf(owner, name, desc) != null) {
            throw new io.vaas.api.PolicyDenial(notReflectively(AppContext.of(caller), owner, name, desc));
        }
    }

    /**
     * {@code c.getClassLoader()} as an app may see it: the JDK's loaders and the app's own as they are; any other
     * loader (the host's, another app's) is answered with the app's own loader, through which the app sees what it
     * may see of the host.
     */
    public static ClassLoader getClassLoader(Class<?> c, Class<?> caller) {
        return visible(c.getClassLoader(), caller);
    }

    /** {@code domain.getClassLoader()} as an app may see it; see {@link #getClassLoader(Class, Class)}. */
    public static ClassLoader getClassLoader(java.security.ProtectionDomain domain, Class<?> caller) {
        return visible(domain.getClassLoader(), caller);
    }

    /** {@code lookup.findClass(name)}, refusing classes the app's own loader would not resolve to the same class. */
    public static Class<?> findClass(MethodHandles.Lookup lookup, String name, Class<?> caller)
            throws ClassNotFoundException, IllegalAccessException {
        Class<?> c = lookup.findClass(name);
        ClassLoader l = c.getClassLoader();
        if (l != null && l != PLATFORM && visible(l, caller) != l) {
            ClassLoader app = AppContext.of(caller).loader();
            Class<?> seen;
            try {
                seen = Class.forName(name, false, app);
            } catch (ClassNotFoundException e) {
                throw new ClassNotFoundException(name + " (not visible to app '" + AppContext.of(caller).app() + "')");
            }
            if (seen != c) {
                throw new ClassNotFoundException(name + " (not visible to app '" + AppContext.of(caller).app() + "')");
            }
        }
        return c;
    }

    private static ClassLoader visible(ClassLoader l, Class<?> caller) {
        if (l == null || l == PLATFORM) {
            return l;
        }
        ClassLoader app = AppContext.of(caller).loader();
        for (ClassLoader c = l; c != null; c = c.getParent()) {
            if (c == app) {
                return l;
            }
        }
        return app;
    }

    /**
     * Before a reflective use of {@code member} (a {@link Method}, {@link Field} or {@link Constructor}) performed by
     * the app's code: throws {@link SecurityException} if its policy does not allow that member.
     */
    public static void checkMember(Object member, Class<?> caller) {
        AppContext context = AppContext.of(caller);
        switch (member) {
            case Method m -> checkPolicy(context, m.getDeclaringClass(), m.getName(), Type.getMethodDescriptor(m), false, caller);
            case Constructor<?> c -> checkPolicy(context, c.getDeclaringClass(), "<init>", Type.getConstructorDescriptor(c),
                    false, caller);
            case Field f -> checkPolicy(context, f.getDeclaringClass(), f.getName(), Type.getDescriptor(f.getType()), true,
                    caller);
            case null, default -> {
                // Not a member (or null: the JDK call that follows throws its own NullPointerException).
            }
        }
    }

    /**
     * Before {@code setAccessible}/{@code trySetAccessible}: suppressing access checks is the app's business on its
     * own classes only; on anything else it needs the {@code reflection} permission.
     */
    public static void checkAccessible(Object member, Class<?> caller) {
        AppContext context = AppContext.of(caller);
        Class<?> owner = switch (member) {
            case Member m -> m.getDeclaringClass();
            case null, default -> null;
        };
        if (owner == null || ownedBy(owner, context.loader())) {
            return;
        }
        if (context.policy() != null && context.policy().granted().contains("reflection")) {
            return;
        }
        throw new io.vaas.api.PolicyDenial("app '" + context.app() + "': " + caller.getName() + " called setAccessible on "
                + describe(member) + ", which is not one of the app's own classes; permission 'reflection' allows "
                + "it (add it to \"permissions\" in vaas.json)");
    }

    private static boolean ownedBy(Class<?> c, ClassLoader appLoader) {
        for (ClassLoader l = c.getClassLoader(); l != null; l = l.getParent()) {
            if (l == appLoader) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Object member) {
        return switch (member) {
            case Method m -> io.vaas.rewrite.Members.describe(Type.getInternalName(m.getDeclaringClass()), m.getName(),
                    Type.getMethodDescriptor(m), false);
            case Constructor<?> c -> io.vaas.rewrite.Members.describe(Type.getInternalName(c.getDeclaringClass()), "<init>",
                    Type.getConstructorDescriptor(c), false);
            case Field f -> io.vaas.rewrite.Members.describe(Type.getInternalName(f.getDeclaringClass()), f.getName(),
                    Type.getDescriptor(f.getType()), true);
            default -> String.valueOf(member);
        };
    }

    /**
     * Throws {@link SecurityException} unless the app may use member {@code refc.name desc}: decided for the class
     * that declares it (as the JVM resolves it), or, if no allowlist mentions that class, for {@code refc}.
     */
    private static void checkPolicy(AppContext context, Class<?> refc, String name, String desc, boolean field,
                                    Class<?> caller) {
        Class<?> owner = declaringOf(refc, name, desc, field);
        String denial = denial(context, refc, owner, name, desc, field);
        if (denial != null) {
            throw new io.vaas.api.PolicyDenial(denial);
        }
        if (owner == java.io.ObjectInputStream.class && name.equals("<init>")) {
            // A stream made by reflection would not get the app's deserialization filter (VirtualSerialization).
            throw new io.vaas.api.PolicyDenial(notReflectively(context, owner, name, desc));
        }
        if (!field && isJdk(owner) && RULES.find(Type.getInternalName(owner), name, desc) instanceof Rule r
                && (r.action() instanceof Rule.Factory || r.action() instanceof Rule.Extend)) {
            // A reflective constructor call makes the JDK's object, which would open the host's file or socket,
            // or run the app's tasks on threads that are not its own.
            throw new io.vaas.api.PolicyDenial(notReflectively(context, owner, name, desc));
        }
    }

    /** The class declaring what {@code refc.name desc} resolves to; {@code refc} when nothing does. */
    private static Class<?> declaringOf(Class<?> refc, String name, String desc, boolean field) {
        Class<?> d = io.vaas.rewrite.MemberResolution.declaring(refc, name, desc, field);
        return d == null ? refc : d;
    }

    /** Why the app may not reach a member by reflection, or null when it may. */
    private static String denial(AppContext context, Class<?> named, Class<?> owner, String name, String desc,
                                 boolean field) {
        if (context.policy() == null || !isJdk(owner)) {
            return null;
        }
        String internal = Type.getInternalName(owner);
        if (owner != named && !context.policy().mentions(internal)) {
            if (!isJdk(named)) {
                return null;
            }
            internal = Type.getInternalName(named);
        }
        List<String> allowedBy = context.policy().deniedBy(internal, name, desc, field);
        if (allowedBy == null) {
            return null;
        }
        Violation v = new Violation(owner.getName(), "(reflection)", -1,
                io.vaas.rewrite.Members.describe(internal, name, desc, field), allowedBy);
        return "app '" + context.app() + "' reached " + v.api() + " by reflection, which the app's permissions do "
                + "not allow; " + v.remedy();
    }

    /** The rule of a JDK member, or of any member of its name ({@code "*"}); null for app members and unruled ones. */
    private static Rule ruleOf(Class<?> owner, String name, String desc) {
        if (!isJdk(owner)) {
            return null;
        }
        Rule rule = RULES.find(Type.getInternalName(owner), name, desc);
        if (rule == null && !name.equals("<init>")) {
            rule = RULES.find("*", name, desc);
            if (rule != null && !(rule.action() instanceof Rule.Observe || rule.action() instanceof Rule.Redirect)) {
                rule = null;
            }
        }
        return rule;
    }

    /**
     * The handle an app gets for a ruled member of {@code refc} (as resolved): its virtual version bound to the
     * caller for a redirect, or {@link #perform} for members whose rule checks or observes; null for unruled
     * members. Members whose rule needs the caller's own call site are refused.
     */
    private static MethodHandle ruledHandle(MethodHandles.Lookup lookup, Class<?> refc, String name, String desc,
                                            boolean field, Class<?> caller) throws IllegalAccessException {
        Class<?> owner = declaringOf(refc, name, desc, field);
        Rule rule = ruleOf(owner, name, desc);
        if (rule == null || (field && rule.kind() != Rule.Kind.STATIC_FIELD)) {
            return null;
        }
        AppContext context = AppContext.of(caller);
        switch (rule.action()) {
            case Rule.Redirect r -> {
                if (Rules.isPoliced(r.targetOwner())) {
                    checkPolicy(context, refc, name, desc, field, caller);
                }
                MethodHandle target = TARGETS.computeIfAbsent(rule, VirtualReflection::resolve);
                MethodHandle bound = MethodHandles.insertArguments(target, target.type().parameterCount() - 1, caller);
                // A rule for any owner takes its receiver as an Object: the handle has the member's own type.
                MethodType own = field ? MethodType.methodType(bound.type().returnType())
                        : MethodType.fromMethodDescriptorString(desc, owner.getClassLoader());
                if (!field && bound.type().parameterCount() == own.parameterCount() + 1) {
                    own = own.insertParameterTypes(0, refc);
                }
                return bound.type().parameterCount() == own.parameterCount() ? bound.asType(own) : bound;
            }
            case Rule.ReflectiveInvoke ri -> {
                return performHandle(lookup, owner, name, desc, caller);
            }
            case Rule.Checked ch -> {
                return performHandle(lookup, owner, name, desc, caller);
            }
            case Rule.Observe ob -> {
                return performHandle(lookup, owner, name, desc, caller);
            }
            case Rule.Substitute sub -> {
                return performHandle(lookup, owner, name, desc, caller);
            }
            default -> throw new io.vaas.api.PolicyDenial(notReflectively(context, owner, name, desc));
        }
    }

    /**
     * A handle of the member's own type that runs {@link #perform} for it: the member found through the app's own
     * {@code lookup} (so a caller-sensitive one sees the app's class, and a lookup without the access fails as the
     * JDK's would).
     */
    private static MethodHandle performHandle(MethodHandles.Lookup lookup, Class<?> owner, String name, String desc,
                                              Class<?> caller) throws IllegalAccessException {
        Method op;
        try {
            op = owner.getDeclaredMethod(name, MethodType.fromMethodDescriptorString(desc, owner.getClassLoader())
                    .parameterArray());
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("rule for a missing method " + owner.getName() + "." + name + desc, e);
        }
        MethodHandle opHandle = lookup.unreflect(op).asFixedArity();
        MethodHandle h = MethodHandles.insertArguments(PERFORM_HANDLE, 4, caller);
        h = MethodHandles.insertArguments(h, 0, opHandle, op);
        MethodType type = MethodType.methodType(op.getReturnType(), op.getParameterTypes());
        if (Modifier.isStatic(op.getModifiers())) {
            h = MethodHandles.insertArguments(h, 0, (Object) null);
        } else {
            type = type.insertParameterTypes(0, owner);
        }
        h = h.asCollector(Object[].class, op.getParameterCount()).asType(type);
        return op.isVarArgs() ? h.asVarargsCollector(op.getParameterTypes()[op.getParameterCount() - 1]) : h;
    }

    private static Method resolveMethod(Rule rule) {
        Rule.Redirect r = (Rule.Redirect) rule.action();
        try {
            Class<?> targetClass = Class.forName(r.targetOwner().replace('/', '.'), true,
                    VirtualReflection.class.getClassLoader());
            MethodType type = MethodType.fromMethodDescriptorString(r.targetDesc(), VirtualReflection.class.getClassLoader());
            return targetClass.getMethod(r.targetName(), type.parameterArray());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the rule for " + rule.owner() + "." + rule.name() + rule.desc()
                    + " points at a missing method " + r.targetOwner() + "." + r.targetName() + r.targetDesc(), e);
        }
    }

    private static MethodHandle resolve(Rule rule) {
        try {
            return MethodHandles.publicLookup().unreflect(TARGET_METHODS.computeIfAbsent(rule, VirtualReflection::resolveMethod));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("the target of the rule for " + rule.owner() + "." + rule.name()
                    + rule.desc() + " is not public", e);
        }
    }
}
