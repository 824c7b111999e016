package io.vaas.rewrite;

import io.vaas.policy.JdkPackages;
import net.bytebuddy.jar.asm.Type;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which class declares the member a reference lands on, found as the JVM resolves it (JVMS 5.4.3.2-5.4.3.4): the
 * named class, then its superclasses, then its superinterfaces (for fields, superinterfaces before superclasses;
 * for interface methods, {@code Object}'s public methods before superinterfaces).
 *
 * <p>Rules and the policy are about the class that declares a member, so they hold whichever class a reference
 * names: {@code ForkJoinWorkerThread.getAllStackTraces()} is {@code Thread.getAllStackTraces()},
 * {@code SimpleTimeZone.setDefault(z)} is {@code TimeZone.setDefault(z)}. Constructors are never inherited and
 * resolve to the class named.
 */
public final class MemberResolution {

    private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();
    /** Resolutions of references to JDK classes, by {@code owner.name desc}: the same for every app. */
    private static final ConcurrentHashMap<String, String> JDK = new ConcurrentHashMap<>();
    /** The members a class declares itself: {@code name desc} for methods, {@code name:desc} for fields. */
    private static final ClassValue<Set<String>> DECLARED = new ClassValue<>() {
        @Override
        protected Set<String> computeValue(Class<?> type) {
            Set<String> out = new HashSet<>();
            try {
                for (Method m : type.getDeclaredMethods()) {
                    out.add(m.getName() + Type.getMethodDescriptor(m));
                }
                for (Field f : type.getDeclaredFields()) {
                    out.add(f.getName() + ":" + Type.getDescriptor(f.getType()));
                }
            } catch (LinkageError e) {
                // A class whose member types do not link declares nothing a reference could land on.
            }
            return Set.copyOf(out);
        }
    };

    private MemberResolution() {
    }

    /**
     * The internal name of the JDK class that declares the member a reference {@code owner.name desc} resolves to;
     * {@code owner} itself for constructors, for classes outside the JDK, and when nothing declares it (the JVM
     * will then fail the reference itself).
     */
    public static String declaringJdkClass(String owner, String name, String desc, boolean field) {
        if (name.equals("<init>") || name.equals("<clinit>") || !JdkPackages.containsClass(owner)) {
            return owner;
        }
        String key = owner + (field ? ":" : ".") + name + desc;
        String known = JDK.get(key);
        if (known != null) {
            return known;
        }
        String resolved;
        try {
            Class<?> c = Class.forName(owner.replace('/', '.'), false, PLATFORM);
            Class<?> d = declaring(c, name, desc, field);
            resolved = d == null ? owner : Type.getInternalName(d);
        } catch (ClassNotFoundException | LinkageError e) {
            resolved = owner;
        }
        JDK.putIfAbsent(key, resolved);
        return resolved;
    }

    /**
     * The class that declares the member a reference {@code refc.name desc} resolves to, or null when none does.
     * Works for any class, the app's own included (for run-time reflection, where the classes are loaded).
     */
    public static Class<?> declaring(Class<?> refc, String name, String desc, boolean field) {
        if (name.equals("<init>")) {
            return refc;
        }
        String member = field ? name + ":" + desc : name + desc;
        if (field) {
            return declaringField(refc, member);
        }
        for (Class<?> c = refc; c != null; c = c.getSuperclass()) {
            if (DECLARED.get(c).contains(member)) {
                return c;
            }
        }
        if (refc.isInterface() && DECLARED.get(Object.class).contains(member)) {
            return Object.class;
        }
        // Superinterfaces, nearest first: a default or abstract method (any of them is the member the policy sees).
        ArrayDeque<Class<?>> queue = new ArrayDeque<>();
        Set<Class<?>> seen = new HashSet<>();
        for (Class<?> c = refc; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                queue.add(i);
            }
        }
        while (!queue.isEmpty()) {
            Class<?> i = queue.poll();
            if (!seen.add(i)) {
                continue;
            }
            if (DECLARED.get(i).contains(member)) {
                return i;
            }
            for (Class<?> s : i.getInterfaces()) {
                queue.add(s);
            }
        }
        return null;
    }

    private static Class<?> declaringField(Class<?> c, String member) {
        if (c == null) {
            return null;
        }
        if (DECLARED.get(c).contains(member)) {
            return c;
        }
        for (Class<?> i : c.getInterfaces()) {
            Class<?> found = declaringField(i, member);
            if (found != null) {
                return found;
            }
        }
        return declaringField(c.getSuperclass(), member);
    }
}
