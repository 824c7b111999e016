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
    private final java.util.Set<String> sensitiveNames;

    Policy(List<Permission> granted, List<Permission> others, String libraryDigest) {
        this.granted = List.copyOf(granted);
        this.others = List.copyOf(others);
        this.digest = libraryDigest + ":" + String.join(",", Permission.names(granted));
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Permission p : this.granted) {
            for (ClassRule c : p.classes().values()) {
                // Constructors are not inherited, and a final class has no app subclass to inherit through.
                if (!isFinal(c.className())) {
                    c.members().stream().map(MemberPattern::name).filter(n -> !n.equals("<init>")).forEach(names::add);
                    if (c.only()) {
                        // Every member left off an "only" list is denied: each of their names is singled out.
                        names.addAll(declaredNames(c.className()));
                    }
                }
            }
        }
        this.sensitiveNames = java.util.Set.copyOf(names);
    }

    private static final java.util.concurrent.ConcurrentHashMap<String, Boolean> FINAL =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static java.util.Set<String> declaredNames(String internalName) {
        java.util.Set<String> out = new java.util.HashSet<>();
        try {
            Class<?> c = Class.forName(internalName.replace('/', '.'), false, ClassLoader.getPlatformClassLoader());
            for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
                out.add(m.getName());
            }
            for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                out.add(f.getName());
            }
        } catch (ClassNotFoundException | LinkageError e) {
            // Not a class of this JDK: nothing of it can be inherited.
        }
        return out;
    }

    private static boolean isFinal(String internalName) {
        return FINAL.computeIfAbsent(internalName, n -> {
            try {
                Class<?> c = Class.forName(n.replace('/', '.'), false, ClassLoader.getPlatformClassLoader());
                return java.lang.reflect.Modifier.isFinal(c.getModifiers());
            } catch (ClassNotFoundException | LinkageError e) {
                return false;
            }
        });
    }

    /**
     * Whether a member of this name is singled out anywhere in the granted allowlists: only such members can be
     * denied on a class the policy otherwise allows, so only they are worth following up an app's class hierarchy.
     */
    public boolean isSensitiveName(String name) {
        return sensitiveNames.contains(name);
    }

    /**
     * Whether a granted allowlist says anything about class {@code owner} (internal name): lists it, its package, or
     * excludes it. A member inherited from a class no granted list mentions (an internal superclass of the JDK's,
     * such as {@code AbstractInterruptibleChannel}) is decided by the class a reference names; one a granted list
     * decides about ({@code Thread.getAllStackTraces()}, excluded from {@code core}) is decided where it is declared.
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
     * Whether a granted allowlist allows at least one member of class {@code owner}: an app class may extend or
     * implement only such JDK types.
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
