package io.vaas.load;

import io.vaas.policy.JdkPackages;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the host lets every app see besides the app's own classes: the packages of the JDK's boot and platform
 * modules, and the host packages it exports (by default only {@code io.vaas.api}). Everything else the host has on
 * its class path (its Jackson, its SLF4J, the container itself) stays invisible to apps.
 *
 * <p>JDK packages are resolved by the JDK first, even when an app bundles classes of the same package: a bundled
 * {@code org.w3c.dom} or {@code javax.xml} copy would otherwise clash with the JDK's own use of those types.
 */
public final class HostExports {

    /** The guest API package, always exported. */
    public static final String API_PACKAGE = "io.vaas.api";
    /** The runtime support that rewritten code calls, always exported (guest code itself cannot name it). */
    public static final String RUNTIME_PACKAGE = "io.vaas.virtual";

    private final ClassLoader hostLoader;
    private final Map<String, ClassLoader> exported;

    private HostExports(ClassLoader hostLoader, Map<String, ClassLoader> exported) {
        this.hostLoader = hostLoader;
        this.exported = Map.copyOf(exported);
    }

    /**
     * The default: the JDK, {@code io.vaas.api} and the runtime support of rewritten code, loaded from the loader
     * that loaded the container.
     */
    public static HostExports defaults() {
        ClassLoader own = HostExports.class.getClassLoader();
        return new HostExports(own, Map.of(API_PACKAGE, own, RUNTIME_PACKAGE, own));
    }

    /**
     * These exports plus host packages of the host's own, such as the interfaces of the services it hands to apps:
     * apps resolve their classes from {@code loader}, so host and apps share the types.
     *
     * @throws IllegalArgumentException if a package is a JDK package or already exported from another loader
     */
    public HostExports with(ClassLoader loader, Collection<String> packages) {
        Map<String, ClassLoader> more = new HashMap<>(exported);
        for (String p : packages) {
            if (JdkPackages.contains(p)) {
                throw new IllegalArgumentException("package " + p + " is the JDK's; apps see it already");
            }
            ClassLoader before = more.putIfAbsent(p, loader);
            if (before != null && before != loader) {
                throw new IllegalArgumentException("package " + p + " is already exported from another class loader");
            }
        }
        return new HostExports(hostLoader, more);
    }

    /** The loader that the container's own exported packages come from. */
    public ClassLoader hostLoader() {
        return hostLoader;
    }

    /** The loader an exported package comes from, or null when it is not exported. */
    public ClassLoader loaderOf(String pkg) {
        return exported.get(pkg);
    }

    /** Whether {@code pkg} belongs to a JDK module that apps may resolve. */
    public boolean isJdkPackage(String pkg) {
        return JdkPackages.contains(pkg);
    }

    /** Whether {@code pkg} is a host package exported to apps. */
    public boolean isExported(String pkg) {
        return exported.containsKey(pkg);
    }

    /** The exported host packages. */
    public Set<String> exportedPackages() {
        return new TreeSet<>(exported.keySet());
    }
}
