package io.vaas.virtual;

import java.io.InputStream;
import java.lang.invoke.MethodType;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.security.ProtectionDomain;
import java.util.Locale;
import java.util.ResourceBundle;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Where rewritten app code lands whenever it names a class loader, explicitly or by default: no loader but the
 * app's own (or one it made) ever answers it.
 *
 * <ul>
 *   <li>{@code Thread.getContextClassLoader()}: on the app's own threads, the loader the thread has when it is the
 *       app's or one the app made; on every other thread (the host's calling threads, the JDK's pools, a
 *       {@code Cleaner}'s thread), the app's loader, or the one the app set there itself.</li>
 *   <li>{@code Thread.setContextClassLoader}: on the app's own threads, set on the thread; on any other thread, kept
 *       in the app's own per-thread table (as its thread locals are), so the host's thread is left as it was and the
 *       setting goes with the app. Only the app's loader, one it made, or null may be set.</li>
 *   <li>{@code ServiceLoader.load(type)} and {@code load(type, null)} (which the JDK reads as the host's class path)
 *       search the app's loader; {@code load(type, loader)} with a loader not the app's, too.</li>
 *   <li>{@code ResourceBundle.getBundle} without a loader, or with a module or loader not the app's, searches the
 *       app's loader, in the app's default locale.</li>
 *   <li>{@code Class.forName(name, init, loader)} with a loader not the app's resolves through the app's
 *       ({@code null}, the JDK's bootstrap loader, stays as it is); {@code Class.forName(module, name)} answers only
 *       classes the app's loader sees.</li>
 *   <li>{@code Class.getProtectionDomain()} of a class not the app's nor the JDK's (the guest API, host exports)
 *       has no code source location; {@code getResource}/{@code getResourceAsStream} on such a class read the app's
 *       resources, never the host's.</li>
 * </ul>
 *
 * <p>Every method takes the calling class last; it names the app. Not for direct use.
 */
public final class VirtualLoaders {

    private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();
    /** The key of the context loader an app set on a thread not its own, in its per-thread table. */
    private static final ThreadLocal<Object> CONTEXT_LOADER = new ThreadLocal<>();

    private VirtualLoaders() {
    }

    /** A context loader the app set on a thread not its own. */
    private record Chosen(ClassLoader loader) {
    }

    // --- the thread's context class loader ---------------------------------------------------------------------

    public static ClassLoader getContextClassLoader(Thread thread, Class<?> caller) {
        return contextLoader(thread, AppContext.of(caller));
    }

    /** {@code x.getContextClassLoader()} where {@code x}'s static type is a subclass, or not a thread at all. */
    public static ClassLoader getContextClassLoader(Object receiver, Class<?> caller) throws Throwable {
        if (receiver instanceof Thread thread) {
            return getContextClassLoader(thread, caller);
        }
        return (ClassLoader) ReceiverCalls.call(receiver, "getContextClassLoader",
                MethodType.methodType(ClassLoader.class));
    }

    public static void setContextClassLoader(Thread thread, ClassLoader loader, Class<?> caller) {
        AppContext context = AppContext.of(caller);
        if (loader != null && !isApps(loader, context)) {
            throw new io.vaas.api.PolicyDenial("app '" + context.app() + "' may not make " + loader + " the context class "
                    + "loader of thread '" + thread.getName() + "': only the app's own loader, one it made, or null "
                    + "(the JDK's) can be");
        }
        if (context.threads().owns(thread)) {
            thread.setContextClassLoader(loader);
            return;
        }
        if (thread != Thread.currentThread()) {
            throw new io.vaas.api.PolicyDenial("app '" + context.app() + "' may not set the context class loader of thread '"
                    + thread.getName() + "': it is not one of the app's threads (the app may set it on its own "
                    + "threads, or on the thread running its code)");
        }
        // The host's thread stays as it is: the app's choice lives in the app's table, and goes with it.
        context.threadLocals().set(CONTEXT_LOADER, new Chosen(loader));
    }

    /** {@code x.setContextClassLoader(l)} where {@code x}'s static type is a subclass, or not a thread at all. */
    public static void setContextClassLoader(Object receiver, ClassLoader loader, Class<?> caller) throws Throwable {
        if (receiver instanceof Thread thread) {
            setContextClassLoader(thread, loader, caller);
            return;
        }
        ReceiverCalls.call(receiver, "setContextClassLoader",
                MethodType.methodType(void.class, ClassLoader.class), loader);
    }

    /** The context loader of {@code thread} as the app sees it. */
    static ClassLoader contextLoader(Thread thread, AppContext context) {
        if (context.threads().owns(thread)) {
            ClassLoader own = thread.getContextClassLoader();
            return own == null || isApps(own, context) ? own : context.loader();
        }
        if (thread == Thread.currentThread()) {
            Object chosen = context.threadLocals().get(CONTEXT_LOADER);
            if (chosen instanceof Chosen(ClassLoader l)) {
                return l;
            }
        }
        return context.loader();
    }

    // --- ServiceLoader -----------------------------------------------------------------------------------------

    public static <S> ServiceLoader<S> load(Class<S> service, Class<?> caller) {
        AppContext context = AppContext.of(caller);
        ClassLoader loader = contextLoader(Thread.currentThread(), context);
        return serviceLoader(service, loader == null ? context.loader() : loader, context);
    }

    public static <S> ServiceLoader<S> load(Class<S> service, ClassLoader loader, Class<?> caller) {
        AppContext context = AppContext.of(caller);
        // null means the JVM's system loader, which is the host's class path: for an app, its own loader.
        return serviceLoader(service, loader == null ? context.loader() : apps(loader, context), context);
    }

    public static <S> ServiceLoader<S> loadInstalled(Class<S> service, Class<?> caller) {
        AppContext context = AppContext.of(caller);
        // The JDK's own providers only, as documented; the platform loader sees no host code.
        return serviceLoader(service, PLATFORM, context);
    }

    private static <S> ServiceLoader<S> serviceLoader(Class<S> service, ClassLoader loader, AppContext context) {
        java.util.Objects.requireNonNull(service, "service");
        if (!Modifier.isPublic(service.getModifiers())) {
            // The JDK checks the service type against its caller, which is this class: only public types pass.
            throw new ServiceConfigurationError(service.getName() + ": app '" + context.app() + "' uses "
                    + "ServiceLoader with a service type that is not public; make it public");
        }
        return ServiceLoader.load(service, loader);
    }

    // --- ResourceBundle ----------------------------------------------------------------------------------------

    public static ResourceBundle getBundle(String baseName, Class<?> caller) {
        AppContext context = AppContext.of(caller);
        return ResourceBundle.getBundle(baseName, context.locale(), context.loader());
    }

    public static ResourceBundle getBundle(String baseName, Locale locale, Class<?> caller) {
        return ResourceBundle.getBundle(baseName, locale, AppContext.of(caller).loader());
    }

    public static ResourceBundle getBundle(String baseName, ResourceBundle.Control control, Class<?> caller) {
        AppContext context = AppContext.of(caller);
        return ResourceBundle.getBundle(baseName, context.locale(), context.loader(), control);
    }

    public static ResourceBundle getBundle(String baseName, Locale locale, ResourceBundle.Control control,
                                           Class<?> caller) {
        return ResourceBundle.getBundle(baseName, locale, AppContext.of(caller).loader(), control);
    }

    public static ResourceBundle getBundle(String baseName, Locale locale, ClassLoader loader, Class<?> caller) {
        java.util.Objects.requireNonNull(loader, "loader");
        return ResourceBundle.getBundle(baseName, locale, apps(loader, AppContext.of(caller)));
    }

    public static ResourceBundle getBundle(String baseName, Locale locale, ClassLoader loader,
                                           ResourceBundle.Control control, Class<?> caller) {
        java.util.Objects.requireNonNull(loader, "loader");
        return ResourceBundle.getBundle(baseName, locale, apps(loader, AppContext.of(caller)), control);
    }

    public static ResourceBundle getBundle(String baseName, Module module, Class<?> caller) {
        AppContext context = AppContext.of(caller);
        return getBundle(baseName, context.locale(), module, caller);
    }

    public static ResourceBundle getBundle(String baseName, Locale locale, Module module, Class<?> caller) {
        AppContext context = AppContext.of(caller);
        java.util.Objects.requireNonNull(module, "module");
        if (isJdk(module)) {
            return ResourceBundle.getBundle(baseName, locale, module);
        }
        return ResourceBundle.getBundle(baseName, locale, apps(module.getClassLoader(), context));
    }

    public static void clearCache(Class<?> caller) {
        ResourceBundle.clearCache(AppContext.of(caller).loader());
    }

    public static void clearCache(ClassLoader loader, Class<?> caller) {
        java.util.Objects.requireNonNull(loader, "loader");
        ResourceBundle.clearCache(apps(loader, AppContext.of(caller)));
    }

    // --- Class.forName -----------------------------------------------------------------------------------------

    public static Class<?> forName(String name, boolean initialize, ClassLoader loader, Class<?> caller)
            throws ClassNotFoundException {
        // null is the JDK's bootstrap loader: JDK classes only, as asked.
        ClassLoader l = loader == null ? null : apps(loader, AppContext.of(caller));
        return Class.forName(name, initialize, l);
    }

    public static Class<?> forName(Module module, String name, Class<?> caller) {
        AppContext context = AppContext.of(caller);
        java.util.Objects.requireNonNull(module, "module");
        java.util.Objects.requireNonNull(name, "name");
        if (isJdk(module) || isApps(module.getClassLoader(), context)) {
            return Class.forName(module, name);
        }
        // Another loader's module (the host's, another app's): only what the app's own loader sees of it.
        try {
            Class<?> seen = Class.forName(name, false, context.loader());
            return seen.getModule() == module ? seen : null;
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    // --- where classes come from -------------------------------------------------------------------------------

    public static ProtectionDomain getProtectionDomain(Class<?> c, Class<?> caller) {
        AppContext context = AppContext.of(caller);
        return locatable(c, context) ? c.getProtectionDomain() : context.unlocatedDomain();
    }

    public static URL getResource(Class<?> c, String name, Class<?> caller) {
        AppContext context = AppContext.of(caller);
        return locatable(c, context) ? c.getResource(name) : context.loader().getResource(resolve(c, name));
    }

    public static InputStream getResourceAsStream(Class<?> c, String name, Class<?> caller) {
        AppContext context = AppContext.of(caller);
        return locatable(c, context) ? c.getResourceAsStream(name)
                : context.loader().getResourceAsStream(resolve(c, name));
    }

    /** A resource name relative to {@code c}'s package, as {@code Class.getResource} resolves it. */
    private static String resolve(Class<?> c, String name) {
        if (name.startsWith("/")) {
            return name.substring(1);
        }
        Class<?> outer = c;
        while (outer.isArray()) {
            outer = outer.getComponentType();
        }
        String pkg = outer.getPackageName();
        return pkg.isEmpty() ? name : pkg.replace('.', '/') + "/" + name;
    }

    /** Whether the app may learn where {@code c} comes from: a JDK class, or the app's own. */
    private static boolean locatable(Class<?> c, AppContext context) {
        ClassLoader l = c.getClassLoader();
        return l == null || l == PLATFORM || isApps(l, context);
    }

    // --- loaders -----------------------------------------------------------------------------------------------

    /** {@code loader} when it is the app's own or one the app made; otherwise the app's own. */
    private static ClassLoader apps(ClassLoader loader, AppContext context) {
        return loader == PLATFORM || isApps(loader, context) ? loader : context.loader();
    }

    /** Whether {@code loader} is the app's own loader or one whose ancestors include it (one the app made). */
    static boolean isApps(ClassLoader loader, AppContext context) {
        ClassLoader app = context.loader();
        for (ClassLoader l = loader; l != null; l = l.getParent()) {
            if (l == app) {
                return true;
            }
        }
        return false;
    }

    private static boolean isJdk(Module module) {
        if (!module.isNamed()) {
            return false;
        }
        ClassLoader l = module.getClassLoader();
        return (l == null || l == PLATFORM) && module.getLayer() == ModuleLayer.boot();
    }
}
