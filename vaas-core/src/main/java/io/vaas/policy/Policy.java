package io.vaas.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * The permissions one app holds: what its code may use of the JDK. Classes outside the JDK (the app's own, its
 * libraries, the guest API) are never restricted by it.
 */
public final class Policy {

    private final List<Permission> granted;
    private final List<Permission> others;
    private final String digest;
    /** Member names singled out in the granted lists, to the classes that single them out. */
    private final java.util.Map<String, List<String>> namedBy;
    /** 'class … only' rules of the granted lists: every member they do not list is denied. */
    private final List<ClassRule> onlyRules;
    private final java.util.concurrent.ConcurrentHashMap<String, Boolean> sensitive =
            new java.util.concurrent.ConcurrentHashMap<>();

    Policy(List<Permission> granted, List<Permission> others, String libraryDigest) {
        this.granted = List.copyOf(granted);
        this.others = List.copyOf(others);
        this.digest = libraryDigest + ":" + String.join(",", Permission.names(granted));
        java.util.Map<String, List<String>> names = new java.util.HashMap<>();
        List<ClassRule> only = new ArrayList<>();
        for (Permission p : this.granted) {
            for (ClassRule c : p.classes().values()) {
                if (c.only()) {
                    only.add(c);
                    continue;
                }
                for (MemberPattern m : c.members()) {
                    // Constructors are not inherited.
                    if (!m.name().equals("<init>")) {
                        names.computeIfAbsent(m.name(), k -> new ArrayList<>()).add(c.className());
                    }
                }
            }
        }
        this.namedBy = java.util.Map.copyOf(names);
        this.onlyRules = List.copyOf(only);
    }

    /**
     * Whether a member of this name is singled out anywhere in the granted allowlists: only such members can be
     * denied on a class the policy otherwise allows, so only they are worth following up an app's class hierarchy.
     */
    public boolean isSensitiveName(String name) {
        // A final class has no app subclass to inherit through. Decided per name on first use: the derived core
        // singles out members of hundreds of classes, and loading them all up front would cost every cold start.
        return sensitive.computeIfAbsent(name, n -> {
            for (String c : namedBy.getOrDefault(n, List.of())) {
                if (inheritable(c, n)) {
                    return true;
                }
            }
            for (ClassRule r : onlyRules) {
                if (leftOut(r).contains(n) && inheritable(r.className(), n)) {
                    return true;
                }
            }
            return false;
        });
    }

    /**
     * Whether an app class can inherit member {@code name} of {@code internalName}: a class that is not final, when
     * the member is static or a field (a subclass of the app's inherits those with no instance ever made: its
     * constructor need not run, and crafted bytecode may have none) or when the app may make instances (a
     * constructor the policy allows); or an interface declaring it as a default method or a field (its abstract and
     * static methods are not inherited code).
     */
    private boolean inheritable(String internalName, String name) {
        Class<?> c = load(internalName);
        if (c == null || java.lang.reflect.Modifier.isFinal(c.getModifiers())) {
            return false;
        }
        try {
            for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                if (f.getName().equals(name) && java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                    return true;
                }
            }
            if (c.isInterface()) {
                for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
                    if (m.isDefault() && m.getName().equals(name)) {
                        return true;
                    }
                }
                return false;
            }
            for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
                if (m.getName().equals(name) && java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
                    return true;
                }
            }
        } catch (LinkageError e) {
            return true;
        }
        for (java.lang.reflect.Constructor<?> k : c.getDeclaredConstructors()) {
            int mod = k.getModifiers();
            if ((java.lang.reflect.Modifier.isPublic(mod) || java.lang.reflect.Modifier.isProtected(mod))
                    && deniedBy(internalName, "<init>", net.bytebuddy.jar.asm.Type.getConstructorDescriptor(k), false) == null) {
                return true;
            }
        }
        return false;
    }

    private static Class<?> load(String internalName) {
        try {
            return Class.forName(internalName.replace('/', '.'), false, ClassLoader.getPlatformClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    private static final java.util.concurrent.ConcurrentHashMap<ClassRule, java.util.Set<String>> LEFT_OUT =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** The names of the public and protected methods of a 'class … only' rule's class that it does not allow. */
    private static java.util.Set<String> leftOut(ClassRule r) {
        return LEFT_OUT.computeIfAbsent(r, k -> {
            java.util.Set<String> out = new java.util.HashSet<>();
            try {
                Class<?> c = Class.forName(k.className().replace('/', '.'), false, ClassLoader.getPlatformClassLoader());
                List<java.lang.reflect.Method> methods = new ArrayList<>(List.of(c.getMethods()));
                for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
                    if (java.lang.reflect.Modifier.isProtected(m.getModifiers())) {
                        methods.add(m);
                    }
                }
                for (java.lang.reflect.Method m : methods) {
                    String desc = net.bytebuddy.jar.asm.Type.getMethodDescriptor(m);
                    if (!k.allows(m.getName(), desc, false)) {
                        out.add(m.getName());
                    }
                }
            } catch (ClassNotFoundException | LinkageError e) {
                // Not a class of this JDK: nothing to inherit.
            }
            return java.util.Set.copyOf(out);
        });
    }

    /** The granted permission names, sorted. */
    public List<String> granted() {
        return Permission.names(granted);
    }

    /** Identifies the allowlists and grants: part of every cached rewrite's key. */
    public String digest() {
        return digest;
    }

    /**
     * Whether a member may be used; when not, the permissions that would allow it.
     *
     * @param owner internal name of the member's class
     * @param name  the member's name ({@code <init>} for constructors)
     * @param desc  its descriptor
     * @param field whether it is a field
     * @return null when allowed; else the names of the permissions that would allow it (possibly none)
     */
    public List<String> deniedBy(String owner, String name, String desc, boolean field) {
        if (!isJdk(owner)) {
            return null;
        }
        for (Permission p : granted) {
            if (p.allows(owner, name, desc, field)) {
                return null;
            }
        }
        List<String> would = new ArrayList<>();
        for (Permission p : others) {
            if (p.allows(owner, name, desc, field)) {
                would.add(p.name());
            }
        }
        would.sort(null);
        return would;
    }

    /**
     * Whether a granted allowlist says anything about class {@code owner} (internal name): lists it, with or without
     * exclusions. A member inherited from a class no granted list names (an internal superclass of the JDK's, such as
     * {@code AbstractInterruptibleChannel}) is decided by the class a reference names; one a granted list decides
     * about ({@code Thread.getAllStackTraces()}, excluded from {@code core}) is decided where it is declared.
     */
    public boolean mentions(String owner) {
        for (Permission p : granted) {
            if (p.mentions(owner)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a granted allowlist allows at least one member of class {@code owner}: an app class may inherit only
     * from such JDK types (see the rewriter).
     */
    public boolean allowsSome(String owner) {
        if (!isJdk(owner)) {
            return true;
        }
        for (Permission p : granted) {
            if (p.allowsSome(owner)) {
                return true;
            }
        }
        return false;
    }

    /** Whether every member of {@code owner} is allowed: code that only uses such classes needs no checking. */
    public boolean allowsWhole(String owner) {
        if (!isJdk(owner)) {
            return true;
        }
        for (Permission p : granted) {
            if (p.allowsWhole(owner)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isJdk(String owner) {
        return JdkPackages.containsClass(owner);
    }

    @Override
    public String toString() {
        return "policy " + granted();
    }
}
