package io.vaas.load;

import io.vaas.policy.Policy;
import io.vaas.rewrite.RewriteException;
import io.vaas.rewrite.Rewriter;
import io.vaas.virtual.AppContext;
import io.vaas.virtual.ContextCarrier;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The class loader of one app instance. Parallel-capable; one lock per class name.
 *
 * <p>A class name resolves in this order, and nowhere else:
 * <ol>
 *   <li>a class this loader already loaded;</li>
 *   <li>a class of a JDK package: the JDK's (through the platform loader);</li>
 *   <li>a class of a package the host exports ({@code io.vaas.api}): the host's, so guest and host share one
 *       {@code VaasServer}, one {@code HttpRequest};</li>
 *   <li>a class of the app's own archive, then of its libraries: rewritten (see {@link Rewriter}) and defined here
 *       (child-first);</li>
 *   <li>otherwise {@link ClassNotFoundException}, naming the app and saying how to supply the class.</li>
 * </ol>
 * Resources follow the same rule: the app's own archives first, then the JDK for JDK packages; host resources
 * ({@code META-INF/services}, property files) are never visible.
 */
public final class AppClassLoader extends ClassLoader implements ContextCarrier {

    static {
        registerAsParallelCapable();
    }

    private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();

    private final String appName;
    private final AppClassPath classPath;
    private final HostExports exports;
    private final Rewriter rewriter;
    private final Policy policy;
    private final AppContext context;
    private final ConcurrentHashMap<String, AppClassPath.Entry> ready;
    private final AppTypes types;

    /**
     * @param appName   the app this loader serves; it names the loader ({@code vaas-app:<name>}) in stack traces
     * @param classPath the app's archives; the loader reads them but the caller owns and closes them
     * @param exports   what the host lets apps see
     * @param rewriter  the pass every class goes through before it is defined
     * @param policy    what the app's code may use of the JDK; denied references throw when reached
     * @param context   the app's own JDK globals, which its rewritten code reaches through this loader
     * @param ready     classes already read and rewritten (by the deploy's verification), by binary name; each is
     *                  taken once, when defined
     * @param types     the app's class hierarchy, for references that inherit JDK members through app classes
     */
    public AppClassLoader(String appName, AppClassPath classPath, HostExports exports, Rewriter rewriter,
                          Policy policy, AppContext context, Map<String, AppClassPath.Entry> ready,
                          AppTypes types) {
        super("vaas-app:" + appName, PLATFORM);
        this.appName = appName;
        this.classPath = classPath;
        this.exports = exports;
        this.rewriter = rewriter;
        this.policy = policy;
        this.context = context;
        this.ready = new ConcurrentHashMap<>(ready);
        this.types = types;
        context.bindLoader(this);
    }

    @Override
    public AppContext appContext() {
        return context;
    }

    /** The app this loader serves. */
    public String appName() {
        return appName;
    }

    /** The app's class path. */
    public AppClassPath classPath() {
        return classPath;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                c = locate(name);
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    private Class<?> locate(String name) throws ClassNotFoundException {
        String pkg = packageOf(name);
        if (exports.isJdkPackage(pkg)) {
            return PLATFORM.loadClass(name);
        }
        ClassLoader host = exports.loaderOf(pkg);
        if (host != null) {
            return Class.forName(name, false, host);
        }
        Class<?> own = findClass0(name);
        if (own != null) {
            return own;
        }
        throw new ClassNotFoundException(name + " (app '" + appName + "' has no such class in its classes or "
                + "lib/*.jar, and apps see only the JDK and " + HostExports.API_PACKAGE
                + " from the host; bundle the library in the app's lib/ folder)");
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        Class<?> c = findClass0(name);
        if (c == null) {
            throw new ClassNotFoundException(name + " (not in app '" + appName + "')");
        }
        return c;
    }

    private Class<?> findClass0(String name) {
        AppClassPath.Entry entry = ready.remove(name);
        byte[] bytes = entry == null ? null : entry.bytes();
        if (entry == null) {
            String file = name.replace('.', '/') + ".class";
            try {
                entry = classPath.find(file);
            } catch (IOException e) {
                throw new UncheckedIOException("app '" + appName + "': cannot read " + file + " from " + classPath, e);
            }
            if (entry == null) {
                return null;
            }
        }
        try {
            if (bytes == null) {
                bytes = rewriter.rewrite(name, entry.bytes(), policy, types).bytes();
            }
        } catch (RewriteException e) {
            // The app reads this message: it names the class, never the host's path of the archive.
            ClassFormatError refused = new ClassFormatError("app '" + appName + "': " + e.getMessage());
            refused.initCause(e);
            throw refused;
        }
        try {
            return defineClass(name, bytes, 0, bytes.length, entry.archive().protectionDomain());
        } catch (ClassFormatError e) {
            ClassFormatError named = new ClassFormatError("app '" + appName + "': class " + name
                    + " is not a valid class file: " + e.getMessage());
            named.initCause(e);
            throw named;
        }
    }

    @Override
    public URL getResource(String name) {
        URL url = classPath.findResource(name);
        if (url == null && isJdkResource(name)) {
            url = PLATFORM.getResource(name);
        }
        return url;
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        List<URL> urls = new ArrayList<>(classPath.findResources(name));
        if (isJdkResource(name)) {
            urls.addAll(Collections.list(PLATFORM.getResources(name)));
        }
        return Collections.enumeration(urls);
    }

    @Override
    protected URL findResource(String name) {
        return classPath.findResource(name);
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        return Collections.enumeration(classPath.findResources(name));
    }

    private boolean isJdkResource(String name) {
        int slash = name.lastIndexOf('/');
        return slash > 0 && exports.isJdkPackage(name.substring(0, slash).replace('/', '.'));
    }

    private static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }

    @Override
    public String toString() {
        return getName();
    }
}
