package io.vaas.policy;

import java.util.HashSet;
import java.util.Set;

/** The packages of the JDK's boot and platform modules: the JDK an app may see, and the JDK a policy governs. */
public final class JdkPackages {

    private static final Set<String> PACKAGES = compute();

    private JdkPackages() {
    }

    /** Whether {@code pkg} (dotted) is one of them. */
    public static boolean contains(String pkg) {
        return PACKAGES.contains(pkg);
    }

    /** Whether the class {@code internalName} ({@code java/lang/System}) is in one of them; arrays are not. */
    public static boolean containsClass(String internalName) {
        int slash = internalName.lastIndexOf('/');
        // Asked for every member reference the rewriter checks: one substring, no translation of separators.
        return slash > 0 && internalName.charAt(0) != '[' && INTERNAL.contains(internalName.substring(0, slash));
    }

    /** The same packages in internal form ({@code java/lang}). */
    private static final Set<String> INTERNAL = internal();

    private static Set<String> internal() {
        Set<String> out = new HashSet<>(PACKAGES.size() * 2);
        for (String p : PACKAGES) {
            out.add(p.replace('.', '/'));
        }
        return Set.copyOf(out);
    }

    private static Set<String> compute() {
        ClassLoader platform = ClassLoader.getPlatformClassLoader();
        Set<String> packages = new HashSet<>(4096);
        for (Module m : ModuleLayer.boot().modules()) {
            ClassLoader l = m.getClassLoader();
            // Modules on the application loader (jdk.compiler, jdk.jshell, …) are tools the host chose to carry,
            // not part of what every app may see.
            if (l == null || l == platform) {
                packages.addAll(m.getPackages());
            }
        }
        return Set.copyOf(packages);
    }
}
