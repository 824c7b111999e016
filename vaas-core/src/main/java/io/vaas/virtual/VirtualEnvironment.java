package io.vaas.virtual;

import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Where rewritten app code lands for environment variables and system properties: the app's own view. The
 * environment is what the host granted; the properties are the app's own copy, so its writes stay in it.
 *
 * <p>Every method takes the calling class last; it names the app. Not for direct use.
 */
public final class VirtualEnvironment {

    private VirtualEnvironment() {
    }

    public static Map<String, String> getenv(Class<?> caller) {
        return AppContext.of(caller).env();
    }

    public static String getenv(String name, Class<?> caller) {
        Objects.requireNonNull(name, "name");
        return AppContext.of(caller).env().get(name);
    }

    public static String getProperty(String key, Class<?> caller) {
        checkKey(key);
        return AppContext.of(caller).properties().getProperty(key);
    }

    public static String getProperty(String key, String def, Class<?> caller) {
        checkKey(key);
        return AppContext.of(caller).properties().getProperty(key, def);
    }

    public static Properties getProperties(Class<?> caller) {
        return AppContext.of(caller).properties();
    }

    public static void setProperties(Properties props, Class<?> caller) {
        AppContext.of(caller).properties(props);
    }

    public static String setProperty(String key, String value, Class<?> caller) {
        checkKey(key);
        Objects.requireNonNull(value, "value");
        return (String) AppContext.of(caller).properties().setProperty(key, value);
    }

    public static String clearProperty(String key, Class<?> caller) {
        checkKey(key);
        return (String) AppContext.of(caller).properties().remove(key);
    }

    public static Integer getInteger(String name, Class<?> caller) {
        return getInteger(name, (Integer) null, caller);
    }

    public static Integer getInteger(String name, int def, Class<?> caller) {
        Integer v = getInteger(name, (Integer) null, caller);
        return v == null ? Integer.valueOf(def) : v;
    }

    public static Integer getInteger(String name, Integer def, Class<?> caller) {
        String v = lookup(name, caller);
        if (v != null) {
            try {
                return Integer.decode(v);
            } catch (NumberFormatException e) {
                // As Integer.getInteger: an unparsable value reads as absent.
            }
        }
        return def;
    }

    public static Long getLong(String name, Class<?> caller) {
        return getLong(name, (Long) null, caller);
    }

    public static Long getLong(String name, long def, Class<?> caller) {
        Long v = getLong(name, (Long) null, caller);
        return v == null ? Long.valueOf(def) : v;
    }

    public static Long getLong(String name, Long def, Class<?> caller) {
        String v = lookup(name, caller);
        if (v != null) {
            try {
                return Long.decode(v);
            } catch (NumberFormatException e) {
                // As Long.getLong.
            }
        }
        return def;
    }

    public static boolean getBoolean(String name, Class<?> caller) {
        return Boolean.parseBoolean(lookup(name, caller));
    }

    private static String lookup(String name, Class<?> caller) {
        AppContext context = AppContext.of(caller);
        return name == null || name.isEmpty() ? null : context.properties().getProperty(name);
    }

    private static void checkKey(String key) {
        Objects.requireNonNull(key, "key can't be null");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("key can't be empty");
        }
    }
}
