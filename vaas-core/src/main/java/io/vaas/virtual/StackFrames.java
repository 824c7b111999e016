package io.vaas.virtual;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which frames of a stack trace an app may read: its own (classes of its loader) and the JDK's (classes of the
 * JDK's modules). Every other frame is the host's (the container's {@code io.vaas.*} classes, the guest API's, the
 * gateway's Jetty, the host's own code, its test runner) or another app's, and is cut.
 *
 * <p>Frames are told apart by the loader and module names the JVM records in each {@link StackTraceElement}: the
 * app's loader is named {@code vaas-app:<app>}, and the JDK's classes are in named modules of the boot layer. Frames
 * of classes an app defines through class loaders of its own are cut too: their loaders' names say nothing the
 * container can trust.
 */
public final class StackFrames {

    private static final StackTraceElement[] NONE = new StackTraceElement[0];

    private StackFrames() {
    }

    /** The JDK's modules: those of the boot layer defined to the bootstrap or platform loader. */
    private static final class Jdk {
        static final Set<String> MODULES = ModuleLayer.boot().modules().stream()
                .filter(m -> m.getClassLoader() == null || m.getClassLoader() == ClassLoader.getPlatformClassLoader())
                .map(Module::getName)
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * The frames of {@code frames} app {@code loaderName} may read, in order.
     *
     * @param loaderName the name of the app's loader ({@code vaas-app:<app>})
     */
    public static StackTraceElement[] visibleTo(String loaderName, StackTraceElement[] frames) {
        if (frames == null || frames.length == 0) {
            return frames == null ? NONE : frames.clone();
        }
        List<StackTraceElement> kept = new ArrayList<>(frames.length);
        for (StackTraceElement f : frames) {
            if (f != null && (isJdk(f) || loaderName.equals(f.getClassLoaderName()))) {
                kept.add(f);
            }
        }
        return kept.toArray(NONE);
    }

    /** The frames of {@code frames} the app of {@code context} may read. */
    static StackTraceElement[] visibleTo(AppContext context, StackTraceElement[] frames) {
        return visibleTo(context.loader().getName(), frames);
    }

    /**
     * Cuts, in place, the frames app {@code context} may not read from an exception the container throws into it
     * (and from its causes): its serialized form and its subclasses' {@code super.getStackTrace()} then hold no
     * host frame either. Returns {@code t}.
     */
    static <T extends Throwable> T scrub(T t, AppContext context) {
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable x = t; x != null && seen.add(x); x = x.getCause()) {
            x.setStackTrace(visibleTo(context, x.getStackTrace()));
        }
        return t;
    }

    private static boolean isJdk(StackTraceElement f) {
        String module = f.getModuleName();
        String loader = f.getClassLoaderName();
        return module != null && (loader == null || loader.equals("platform")) && Jdk.MODULES.contains(module);
    }
}
