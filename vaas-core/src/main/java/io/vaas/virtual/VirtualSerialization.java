package io.vaas.virtual;

import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.util.Set;

/**
 * Deserialization in an app: every {@code ObjectInputStream} the app makes (its own subclasses' included) reads
 * only classes the app may hold: its own, and JDK classes that are plain values (strings, boxes, numbers, dates and
 * times, collections, exceptions). Reading another JDK class is how the JDK is made to act for the app: a
 * {@code java.net.URL} key resolves its host name while a map is read (past the network allowlist), and nested
 * streams or handlers of other JDK classes run code the app could not call. The app's own filter
 * ({@code setObjectInputFilter}) applies on top, as does the JVM's ({@code jdk.serialFilter}).
 *
 * <p>Every method takes the calling class last; it names the app. Not for direct use.
 */
public final class VirtualSerialization {

    /** JDK packages whose serializable classes are plain values. */
    private static final Set<String> VALUE_PACKAGES = Set.of("java.lang", "java.math", "java.util",
            "java.util.concurrent", "java.util.concurrent.atomic", "java.util.concurrent.locks", "java.text", "java.time",
            "java.time.chrono", "java.time.format", "java.time.temporal", "java.time.zone");
    /** Classes of those packages that are not plain values: each reaches past the app's own world. */
    private static final Set<String> NOT_VALUES = Set.of("java.lang.Thread", "java.lang.ThreadGroup",
            "java.lang.ClassLoader", "java.lang.Module", "java.lang.ModuleLayer", "java.lang.ProcessBuilder",
            "java.lang.Runtime", "java.lang.System", "java.util.ServiceLoader", "java.util.Timer",
            "java.util.Scanner", "java.util.concurrent.ForkJoinPool", "java.util.concurrent.ThreadPoolExecutor",
            "java.util.concurrent.ScheduledThreadPoolExecutor");
    /** Value classes of other packages: a serializable lambda's form, a URI (a parsed string; a URL resolves). */
    private static final Set<String> ALSO_VALUES = Set.of("java.lang.invoke.SerializedLambda", "java.net.URI");

    private VirtualSerialization() {
    }

    /** A stream the app made: from now on it reads only what {@link AppFilter} lets through. */
    public static void adopt(Object stream, Class<?> caller) {
        if (stream instanceof ObjectInputStream in && !(in.getObjectInputFilter() instanceof AppFilter)) {
            AppContext context = AppContext.of(caller);
            in.setObjectInputFilter(new AppFilter(context.app(), context.loader(), in.getObjectInputFilter()));
        }
    }

    /**
     * {@code in.setObjectInputFilter(filter)}: the app's filter, applied after the container's. Set once, as the
     * JDK says.
     */
    public static void setObjectInputFilter(ObjectInputStream in, ObjectInputFilter filter, Class<?> caller) {
        if (in.getObjectInputFilter() instanceof AppFilter own) {
            own.setAppFilter(filter);
        } else {
            in.setObjectInputFilter(filter);
        }
    }

    /** {@code in.getObjectInputFilter()}: the filter the app set (or the JVM's), not the container's. */
    public static ObjectInputFilter getObjectInputFilter(ObjectInputStream in, Class<?> caller) {
        ObjectInputFilter f = in.getObjectInputFilter();
        return f instanceof AppFilter own ? own.appFilter() : f;
    }

    /** Whether a JDK class is a plain value an app may read from a stream. */
    static boolean isValueClass(Class<?> c) {
        String name = c.getName();
        if (ALSO_VALUES.contains(name)) {
            return true;
        }
        if (NOT_VALUES.contains(name) || !VALUE_PACKAGES.contains(c.getPackageName())) {
            return false;
        }
        for (Class<?> s = c; s != null; s = s.getSuperclass()) {
            if (NOT_VALUES.contains(s.getName())) {
                return false;
            }
        }
        return true;
    }

    /** The container's filter of one app's stream, with the app's own on top. */
    private static final class AppFilter implements ObjectInputFilter {
        private final String app;
        private final ClassLoader appLoader;
        private volatile ObjectInputFilter appFilter;
        private volatile boolean appFilterSet;

        AppFilter(String app, ClassLoader appLoader, ObjectInputFilter jvmFilter) {
            this.app = app;
            this.appLoader = appLoader;
            this.appFilter = jvmFilter;
        }

        ObjectInputFilter appFilter() {
            return appFilter;
        }

        synchronized void setAppFilter(ObjectInputFilter filter) {
            if (appFilterSet) {
                throw new IllegalStateException("filter can not be set more than once");
            }
            appFilterSet = true;
            appFilter = filter;
        }

        @Override
        public Status checkInput(FilterInfo info) {
            Class<?> c = info.serialClass();
            while (c != null && c.isArray()) {
                c = c.getComponentType();
            }
            if (c != null && !c.isPrimitive() && !mayRead(c)) {
                throw new io.vaas.api.PolicyDenial("app '" + app + "' read a " + c.getName() + " from an ObjectInputStream: "
                        + "apps deserialize their own classes and JDK value classes (strings, numbers, dates and "
                        + "times, collections, exceptions) only; no permission allows others");
            }
            ObjectInputFilter own = appFilter;
            return own == null ? Status.UNDECIDED : own.checkInput(info);
        }

        private boolean mayRead(Class<?> c) {
            ClassLoader l = c.getClassLoader();
            if (l == null || l == ClassLoader.getPlatformClassLoader()) {
                return isValueClass(c) || Throwable.class.isAssignableFrom(c) && c.getPackageName().startsWith("java.");
            }
            for (ClassLoader k = l; k != null; k = k.getParent()) {
                if (k == appLoader) {
                    return true;
                }
            }
            return false;
        }
    }
}
