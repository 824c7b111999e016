package io.vaas.policy.analysis;

import io.vaas.policy.analysis.ClassInfo.FieldInfo;
import io.vaas.policy.analysis.ClassInfo.MethodInfo;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Member resolution and method selection as the JVM does them (JVMS 5.4.3.2-5.4.3.4, 5.4.6), over the JDK image;
 * and dispatch over the classes that can exist ({@link JdkImage#instantiated}).
 */
final class Resolver {

    private static final String OBJECT = "java/lang/Object";

    private final JdkImage image;
    private final Map<String, List<String>> instantiatedSubtypes = new ConcurrentHashMap<>();
    private final Map<String, List<MethodInfo>> dispatch = new ConcurrentHashMap<>();
    private final Map<String, Collection<MethodInfo>> virtuals = new ConcurrentHashMap<>();
    private final Map<String, List<String>> supertypes = new ConcurrentHashMap<>();

    Resolver(JdkImage image) {
        this.image = image;
    }

    JdkImage image() {
        return image;
    }

    /**
     * The method a reference resolves to: the class's own or inherited method, else the maximally-specific
     * superinterface method; null when the JDK has no such class or member.
     */
    MethodInfo resolve(String owner, String name, String desc, boolean interfaceRef) {
        ClassInfo c = image.get(owner);
        if (c == null) {
            return null;
        }
        String key = name + desc;
        if (!c.isInterface()) {
            for (ClassInfo k = c; k != null; k = image.get(k.superName)) {
                MethodInfo m = k.method(key);
                if (m == null) {
                    m = signaturePolymorphic(k, name);
                }
                if (m != null) {
                    return m;
                }
            }
        } else {
            MethodInfo m = c.method(key);
            if (m != null) {
                return m;
            }
            ClassInfo object = image.get(OBJECT);
            MethodInfo om = object.method(key);
            if (om != null && !om.isStatic() && (om.access & net.bytebuddy.jar.asm.Opcodes.ACC_PUBLIC) != 0) {
                return om;
            }
        }
        return maximallySpecific(c, key, true);
    }

    /** MethodHandle.invoke and friends accept any descriptor. */
    private static MethodInfo signaturePolymorphic(ClassInfo k, String name) {
        if (!k.name.equals("java/lang/invoke/MethodHandle") && !k.name.equals("java/lang/invoke/VarHandle")) {
            return null;
        }
        for (MethodInfo m : k.methods.values()) {
            if (m.name.equals(name) && m.isNative() && (m.access & net.bytebuddy.jar.asm.Opcodes.ACC_VARARGS) != 0) {
                return m;
            }
        }
        return null;
    }

    /** The field a reference resolves to (the class, its superinterfaces, its superclasses), or null. */
    FieldInfo resolveField(String owner, String name) {
        ClassInfo c = image.get(owner);
        if (c == null) {
            return null;
        }
        FieldInfo f = c.fields.get(name);
        if (f != null) {
            return f;
        }
        for (String i : c.interfaces) {
            FieldInfo fi = resolveField(i, name);
            if (fi != null) {
                return fi;
            }
        }
        return c.superName == null ? null : resolveField(c.superName, name);
    }

    /**
     * The method an object of class {@code cls} runs for a call resolved to {@code resolved}; null when it has
     * none (an abstract method).
     */
    MethodInfo select(String cls, MethodInfo resolved) {
        if (resolved.isPrivate() || resolved.isStatic()) {
            return resolved;
        }
        ClassInfo c = image.get(cls);
        if (c == null) {
            return null;
        }
        String key = resolved.key();
        for (ClassInfo k = c; k != null; k = image.get(k.superName)) {
            MethodInfo m = k.method(key);
            if (m != null && !m.isStatic() && !m.isPrivate()) {
                return m.isAbstract() ? null : m;
            }
        }
        MethodInfo m = maximallySpecific(c, key, false);
        return m == null || m.isAbstract() ? null : m;
    }

    /**
     * The methods a virtual or interface call may run when its receiver is any object the JDK can create: the
     * selection in every instantiable subtype of the reference's class, plus the resolved method's own code.
     */
    List<MethodInfo> dispatch(String staticOwner, MethodInfo resolved) {
        if (resolved.isPrivate() || resolved.isStatic() || resolved.isConstructor()) {
            return resolved.hasCode() || resolved.isNative() ? List.of(resolved) : List.of();
        }
        String cacheKey = staticOwner + "." + resolved.owner.name + "." + resolved.key();
        return dispatch.computeIfAbsent(cacheKey, k -> {
            Set<MethodInfo> out = new LinkedHashSet<>();
            if (!resolved.isAbstract()) {
                out.add(resolved);
            }
            for (String sub : instantiatedSubtypes(staticOwner)) {
                MethodInfo m = select(sub, resolved);
                if (m != null) {
                    out.add(m);
                }
            }
            return List.copyOf(out);
        });
    }

    /** Every concrete class the JDK can create that is {@code owner} or below it. */
    List<String> instantiatedSubtypes(String owner) {
        return instantiatedSubtypes.computeIfAbsent(owner, o -> {
            List<String> out = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            Deque<String> todo = new ArrayDeque<>(List.of(o));
            while (!todo.isEmpty()) {
                String n = todo.pop();
                if (!seen.add(n)) {
                    continue;
                }
                ClassInfo c = image.get(n);
                if (c != null && !c.isInterface() && !c.isAbstract() && image.instantiated.contains(n)) {
                    out.add(n);
                }
                todo.addAll(image.directSubtypes(n));
            }
            out.sort(null);
            return List.copyOf(out);
        });
    }

    /**
     * The methods an app holding an object of {@code cls} can call on it: for every instance method signature of
     * the class and its supertypes, the one its objects run.
     */
    Collection<MethodInfo> virtualMethods(String cls) {
        return virtuals.computeIfAbsent(cls, k -> {
            Map<String, MethodInfo> bySig = new LinkedHashMap<>();
            for (String t : supertypes(k)) {
                ClassInfo c = image.get(t);
                if (c == null) {
                    continue;
                }
                for (MethodInfo m : c.methods.values()) {
                    if (m.isStatic() || m.isPrivate() || m.name.startsWith("<") || bySig.containsKey(m.key())) {
                        continue;
                    }
                    MethodInfo chosen = select(k, m);
                    bySig.put(m.key(), chosen);
                }
            }
            List<MethodInfo> out = new ArrayList<>();
            for (MethodInfo m : bySig.values()) {
                if (m != null) {
                    out.add(m);
                }
            }
            return List.copyOf(out);
        });
    }

    /** Whether a proper supertype of {@code m}'s class declares an instance method {@code m} overrides. */
    boolean overridesSupertype(MethodInfo m) {
        for (String t : supertypes(m.owner.name)) {
            if (t.equals(m.owner.name)) {
                continue;
            }
            ClassInfo c = image.get(t);
            MethodInfo s = c == null ? null : c.method(m.key());
            if (s != null && !s.isStatic() && !s.isPrivate()) {
                return true;
            }
        }
        return false;
    }

    /** The class, its superclasses, then all its superinterfaces, each once. */
    List<String> supertypes(String cls) {
        List<String> known = supertypes.get(cls);
        if (known != null) {
            return known;
        }
        List<String> out = new ArrayList<>();
        for (ClassInfo k = image.get(cls); k != null; k = image.get(k.superName)) {
            out.add(k.name);
        }
        Set<String> seen = new LinkedHashSet<>();
        for (String c : List.copyOf(out)) {
            collectInterfaces(c, seen);
        }
        out.addAll(seen);
        List<String> made = List.copyOf(out);
        supertypes.put(cls, made);
        return made;
    }

    private void collectInterfaces(String cls, Set<String> seen) {
        ClassInfo c = image.get(cls);
        if (c == null) {
            return;
        }
        for (String i : c.interfaces) {
            if (seen.add(i)) {
                collectInterfaces(i, seen);
            }
        }
    }

    boolean isSubtype(String sub, String sup) {
        return sub.equals(sup) || supertypes(sub).contains(sup);
    }

    /**
     * JVMS 5.4.3.3 step 3: among the superinterfaces' non-private, non-static methods of this name and descriptor,
     * those no other candidate's interface overrides; the single non-abstract one if there is exactly one, else (when
     * resolving) any of them.
     */
    private MethodInfo maximallySpecific(ClassInfo c, String key, boolean resolving) {
        Set<String> interfaces = new LinkedHashSet<>();
        for (ClassInfo k = c; k != null; k = image.get(k.superName)) {
            collectInterfaces(k.name, interfaces);
        }
        if (c.isInterface()) {
            interfaces.remove(c.name);
        }
        List<MethodInfo> candidates = new ArrayList<>();
        for (String i : interfaces) {
            ClassInfo ic = image.get(i);
            MethodInfo m = ic == null ? null : ic.method(key);
            if (m != null && !m.isPrivate() && !m.isStatic()) {
                candidates.add(m);
            }
        }
        List<MethodInfo> maximal = new ArrayList<>();
        for (MethodInfo m : candidates) {
            boolean overridden = false;
            for (MethodInfo o : candidates) {
                if (o != m && !o.owner.name.equals(m.owner.name) && isSubtype(o.owner.name, m.owner.name)) {
                    overridden = true;
                    break;
                }
            }
            if (!overridden) {
                maximal.add(m);
            }
        }
        List<MethodInfo> concrete = maximal.stream().filter(m -> !m.isAbstract()).toList();
        if (concrete.size() == 1) {
            return concrete.getFirst();
        }
        return resolving && !candidates.isEmpty() ? candidates.getFirst() : null;
    }
}
