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
        return slash > 0 && !internalName.startsWith("[")
                && PACKAGES.contains(internalName.substring(0, slash).replace('/', '.'));
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
