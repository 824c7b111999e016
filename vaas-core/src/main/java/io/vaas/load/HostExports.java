package io.vaas.load;

import io.vaas.policy.JdkPackages;

import java.util.Set;

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
    private final Set<String> exportedPackages;

    private HostExports(ClassLoader hostLoader, Set<String> exportedPackages) {
        this.hostLoader = hostLoader;
        this.exportedPackages = Set.copyOf(exportedPackages);
    }

    /**
     * The default: the JDK, {@code io.vaas.api} and the runtime support of rewritten code, loaded from the loader
     * that loaded the container.
     */
    public static HostExports defaults() {
        return new HostExports(HostExports.class.getClassLoader(), Set.of(API_PACKAGE, RUNTIME_PACKAGE));
    }

    /** The loader that exported host packages come from. */
    public ClassLoader hostLoader() {
        return hostLoader;
    }

    /** Whether {@code pkg} belongs to a JDK module that apps may resolve. */
    public boolean isJdkPackage(String pkg) {
        return JdkPackages.contains(pkg);
    }

    /** Whether {@code pkg} is a host package exported to apps. */
    public boolean isExported(String pkg) {
        return exportedPackages.contains(pkg);
    }

    /** The exported host packages. */
    public Set<String> exportedPackages() {
        return exportedPackages;
    }
}
