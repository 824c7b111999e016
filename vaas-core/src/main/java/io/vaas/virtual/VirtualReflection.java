package io.vaas.virtual;

import io.vaas.rewrite.Rule;
import io.vaas.rewrite.Rules;
import io.vaas.policy.Violation;
import net.bytebuddy.jar.asm.Type;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
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
            throw new SecurityException(denial);
        }
        if (decision == ALLOWED) {
            return new Object[] {m, target, args};
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

    /** The redirect target of a JDK method, {@link #ALLOWED}, or the message of its denial. */
    private static Object decide(Method m, AppContext context) {
        String desc = Type.getMethodDescriptor(m);
        Rule rule = redirectRule(m.getDeclaringClass(), m.getName(), desc);
        String denial = rule != null && !Rules.isPoliced(((Rule.Redirect) rule.action()).targetOwner()) ? null
                : denial(context, m.getDeclaringClass(), m.getName(), desc, false);
        if (denial != null) {
            return denial;
        }
        return rule != null ? TARGET_METHODS.computeIfAbsent(rule, VirtualReflection::resolveMethod) : ALLOWED;
    }

    private static boolean isJdk(Class<?> c) {
        ClassLoader l = c.getClassLoader();
        return l == null || l == PLATFORM;
    }

    public static Object get(Field f, Object target, Class<?> caller) throws IllegalAccessException {
        MethodHandle redirect = redirect(f, f.getName(), Type.getDescriptor(f.getType()), caller);
        if (redirect == null) {
            checkMember(f, caller);
            return f.get(target);
        }
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
        MethodHandle redirect = redirect(refc, name, type.toMethodDescriptorString(), caller);
        if (redirect != null) {
            return redirect;
        }
        checkPolicy(AppContext.of(caller), refc, name, type.toMethodDescriptorString(), false, caller);
        return lookup.findStatic(refc, name, type);
    }

    public static MethodHandle findVirtual(MethodHandles.Lookup lookup, Class<?> refc, String name, MethodType type,
                                           Class<?> caller) throws NoSuchMethodException, IllegalAccessException {
        MethodHandle redirect = redirect(refc, name, type.toMethodDescriptorString(), caller);
        if (redirect != null) {
            return redirect;
        }
        checkPolicy(AppContext.of(caller), refc, name, type.toMethodDescriptorString(), false, caller);
        return lookup.findVirtual(refc, name, type);
    }

    public static MethodHandle findStaticGetter(MethodHandles.Lookup lookup, Class<?> refc, String name, Class<?> type,
                                                Class<?> caller) throws NoSuchFieldException, IllegalAccessException {
        MethodHandle redirect = redirect(refc, name, Type.getDescriptor(type), caller);
        if (redirect != null) {
            return redirect;
        }
        checkPolicy(AppContext.of(caller), refc, name, Type.getDescriptor(type), true, caller);
        return lookup.findStaticGetter(refc, name, type);
    }

    public static MethodHandle unreflect(MethodHandles.Lookup lookup, Method m, Class<?> caller)
            throws IllegalAccessException {
        MethodHandle redirect = redirect(m, m.getName(), Type.getMethodDescriptor(m), caller);
        if (redirect != null) {
            return redirect;
        }
        checkMember(m, caller);
        return lookup.unreflect(m);
    }

    public static MethodHandle unreflectGetter(MethodHandles.Lookup lookup, Field f, Class<?> caller)
            throws IllegalAccessException {
        MethodHandle redirect = redirect(f, f.getName(), Type.getDescriptor(f.getType()), caller);
        if (redirect != null) {
            return redirect;
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
        checkPolicy(AppContext.of(caller), refc, name, type.toMethodDescriptorString(), false, caller);
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
        checkMember(m, caller);
        return lookup.unreflectSpecial(m, specialCaller);
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
        throw new SecurityException("app '" + context.app() + "': " + caller.getName() + " called setAccessible on "
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

    private static void checkPolicy(AppContext context, Class<?> owner, String name, String desc, boolean field,
                                    Class<?> caller) {
        String denial = denial(context, owner, name, desc, field);
        if (denial != null) {
            throw new SecurityException(denial);
        }
        if (!field && isJdk(owner) && RULES.find(Type.getInternalName(owner), name, desc) instanceof Rule r
                && r.action() instanceof Rule.Factory) {
            // A reflective constructor call makes the JDK's object, which would open the host's file or socket.
            throw new SecurityException("app '" + context.app() + "' reached " + io.vaas.rewrite.Members.describe(
                    Type.getInternalName(owner), name, desc, false) + " by reflection, which cannot be routed to the "
                    + "app's own files and network; call the constructor directly");
        }
    }

    /** Why the app may not reach a member by reflection, or null when it may. */
    private static String denial(AppContext context, Class<?> owner, String name, String desc, boolean field) {
        if (context.policy() == null || !isJdk(owner)) {
            return null;
        }
        List<String> allowedBy = context.policy().deniedBy(Type.getInternalName(owner), name, desc, field);
        if (allowedBy == null) {
            return null;
        }
        Violation v = new Violation(owner.getName(), "(reflection)", -1,
                io.vaas.rewrite.Members.describe(Type.getInternalName(owner), name, desc, field), allowedBy);
        return "app '" + context.app() + "' reached " + v.api() + " by reflection, which the app's permissions do "
                + "not allow; " + v.remedy();
    }

    private static MethodHandle redirect(Member member, String name, String desc, Class<?> caller) {
        return redirect(member.getDeclaringClass(), name, desc, caller);
    }

    /** The redirect rule of a JDK member, or null. */
    private static Rule redirectRule(Class<?> owner, String name, String desc) {
        ClassLoader l = owner.getClassLoader();
        if (l != null && l != PLATFORM) {
            return null;
        }
        Rule rule = RULES.find(Type.getInternalName(owner), name, desc);
        return rule != null && rule.action() instanceof Rule.Redirect ? rule : null;
    }

    /** The app's virtual version of {@code owner.name desc}, bound to the caller; null when the member is not redirected. */
    private static MethodHandle redirect(Class<?> owner, String name, String desc, Class<?> caller) {
        Rule rule = redirectRule(owner, name, desc);
        if (rule == null) {
            return null;
        }
        AppContext context = AppContext.of(caller);
        if (Rules.isPoliced(((Rule.Redirect) rule.action()).targetOwner())) {
            checkPolicy(context, owner, name, desc, false, caller);
        }
        MethodHandle target = TARGETS.computeIfAbsent(rule, VirtualReflection::resolve);
        return MethodHandles.insertArguments(target, target.type().parameterCount() - 1, caller);
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
