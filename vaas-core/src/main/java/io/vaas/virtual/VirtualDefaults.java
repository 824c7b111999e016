package io.vaas.virtual;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Objects;
import java.util.TimeZone;

/**
 * Where rewritten app code lands for the JVM-wide defaults: locale, time zone, default uncaught-exception handler,
 * and the system class loader (which, for an app, is its own loader).
 *
 * <p>The JDK's own code keeps using the JVM's defaults (a {@code String.format} without a locale, say): only what
 * the app's code asks for itself is virtual.
 *
 * <p>Every method takes the calling class last; it names the app. Not for direct use.
 */
public final class VirtualDefaults {

    private VirtualDefaults() {
    }

    public static Locale getDefault(Class<?> caller) {
        return AppContext.of(caller).locale();
    }

    public static Locale getDefault(Locale.Category category, Class<?> caller) {
        Objects.requireNonNull(category, "category");
        return AppContext.of(caller).locale(category);
    }

    public static void setDefault(Locale locale, Class<?> caller) {
        Objects.requireNonNull(locale, "Can't set default locale to NULL");
        AppContext.of(caller).locale(locale);
    }

    public static void setDefault(Locale.Category category, Locale locale, Class<?> caller) {
        Objects.requireNonNull(category, "Category cannot be NULL");
        Objects.requireNonNull(locale, "Can't set default locale to NULL");
        AppContext.of(caller).locale(category, locale);
    }

    public static TimeZone getDefaultTimeZone(Class<?> caller) {
        return (TimeZone) AppContext.of(caller).timeZone().clone();
    }

    public static void setDefault(TimeZone zone, Class<?> caller) {
        AppContext.of(caller).timeZone(zone == null ? TimeZone.getDefault() : (TimeZone) zone.clone());
    }

    public static Thread.UncaughtExceptionHandler getDefaultUncaughtExceptionHandler(Class<?> caller) {
        return AppContext.of(caller).uncaughtHandler();
    }

    public static void setDefaultUncaughtExceptionHandler(Thread.UncaughtExceptionHandler handler, Class<?> caller) {
        AppContext.of(caller).uncaughtHandler(handler);
    }

    public static ClassLoader getSystemClassLoader(Class<?> caller) {
        return AppContext.of(caller).loader();
    }

    public static URL getSystemResource(String name, Class<?> caller) {
        return AppContext.of(caller).loader().getResource(name);
    }

    public static Enumeration<URL> getSystemResources(String name, Class<?> caller) throws IOException {
        return AppContext.of(caller).loader().getResources(name);
    }

    public static InputStream getSystemResourceAsStream(String name, Class<?> caller) {
        return AppContext.of(caller).loader().getResourceAsStream(name);
    }
}
