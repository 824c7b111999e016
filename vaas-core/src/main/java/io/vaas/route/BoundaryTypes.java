package io.vaas.route;

import java.io.File;
import java.io.Serializable;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.Calendar;
import java.util.Collection;
import java.util.Currency;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TimeZone;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Which JDK types may cross between the host and an app inside JSON-like values.
 *
 * <p>Into the app ({@link #mayEnter}): only values. Jackson builds any class with a public constructor or a
 * single-string creator, and building a JDK object is not neutral: {@code new FileInputStream(name)} opens the host's
 * file, {@code new Timer()} starts a thread the app does not own, {@code InetAddress.getByName} asks the host's name
 * server, {@code new Thread()} makes a thread outside the app. So a JDK type enters only if it is a value (numbers,
 * text, dates and times, collections, enums, {@code UUID}, {@code Locale}, {@code URI}…); {@code Class}, {@code Path},
 * {@code File} and {@code URL} enter in the app's world (its loader, its file root, the protocols it may open).
 *
 * <p>Out of the app ({@link #mayLeave}): no live object whose getters describe the host (a thread's stack and
 * loader, a class loader, a module, a protection domain, reflection objects, processes, open streams, channels and
 * files), and no host class the app should not hold (the container's own objects behind its file system).
 */
final class BoundaryTypes {

    private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();

    /** JDK value types Jackson binds from text or JSON without reaching anything outside the value. */
    private static final Set<Class<?>> VALUES = Set.of(Object.class, String.class, CharSequence.class,
            Boolean.class, Character.class, Void.class, Number.class, Serializable.class, Comparable.class,
            StringBuilder.class, StringBuffer.class, UUID.class, Locale.class, Currency.class, TimeZone.class,
            Date.class, Calendar.class, java.util.GregorianCalendar.class, java.sql.Date.class, java.sql.Time.class,
            java.sql.Timestamp.class, Pattern.class, URI.class, Optional.class, OptionalInt.class,
            OptionalLong.class, OptionalDouble.class, ByteBuffer.class, Charset.class, StackTraceElement.class,
            java.util.concurrent.atomic.AtomicBoolean.class, java.util.concurrent.atomic.AtomicReference.class);

    /** JDK types entering in the app's world rather than the host's; see {@link AppBoundary}. */
    private static final Set<Class<?>> APP_WORLD = Set.of(Class.class, Path.class, File.class, URL.class);

    /** Live JDK objects: their getters describe the host, or they hold what the app opened. */
    private static final List<Class<?>> LIVE = List.of(Thread.class, ThreadGroup.class, ClassLoader.class,
            Module.class, ModuleLayer.class, ProtectionDomain.class, CodeSource.class, AccessibleObject.class,
            Parameter.class, RecordComponent.class, MethodHandle.class, MethodHandles.Lookup.class, Process.class,
            ProcessHandle.class, ProcessBuilder.class, Runtime.class, StackWalker.class, AutoCloseable.class,
            java.util.concurrent.Executor.class, java.util.Timer.class, java.lang.ref.Reference.class,
            Package.class, java.util.logging.Logger.class, java.util.logging.Handler.class);

    private BoundaryTypes() {
    }

    /** Whether {@code c} is one of the JDK's classes. */
    static boolean isJdk(Class<?> c) {
        ClassLoader l = c.getClassLoader();
        return l == null || l == PLATFORM;
    }

    /** Whether a value of {@code c} in the app's JSON may be built (an app or guest API class, or a JDK value). */
    static boolean mayEnter(Class<?> c) {
        if (!isJdk(c) || c.isPrimitive() || c.isEnum() || c.isArray() || APP_WORLD.contains(c)
                || VALUES.contains(c)) {
            return true;
        }
        if (Collection.class.isAssignableFrom(c) || Map.class.isAssignableFrom(c) || Map.Entry.class.isAssignableFrom(c)) {
            return true;
        }
        String pkg = c.getPackageName();
        if (pkg.equals("java.time") || pkg.startsWith("java.time.") || pkg.equals("java.math")) {
            return true;
        }
        return Number.class.isAssignableFrom(c)
                && (pkg.equals("java.lang") || pkg.equals("java.util.concurrent.atomic"));
    }

    /** Whether a value of {@code c} an app hands out may be written as JSON. */
    static boolean mayLeave(Class<?> c, ClassLoader appLoader) {
        if (isJdk(c)) {
            for (Class<?> live : LIVE) {
                if (live.isAssignableFrom(c)) {
                    return false;
                }
            }
            return true;
        }
        for (ClassLoader l = c.getClassLoader(); l != null; l = l.getParent()) {
            if (l == appLoader) {
                return true;
            }
        }
        // A host class: only what the app's loader itself resolves to (the guest API, the host's exports).
        try {
            return Class.forName(c.getName(), false, appLoader) == c;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** What kind of thing {@code c} is, for a refusal. */
    static String describe(Class<?> c) {
        for (Class<?> live : LIVE) {
            if (live.isAssignableFrom(c) && live != AutoCloseable.class) {
                return c.getName() + " (a " + live.getSimpleName() + ")";
            }
        }
        return c.getName();
    }
}
