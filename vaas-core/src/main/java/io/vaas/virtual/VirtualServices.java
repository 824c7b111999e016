package io.vaas.virtual;

import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Finds the services the host gives an app, for {@link io.vaas.api.Services}. Serves the calling app only.
 */
public final class VirtualServices {

    private VirtualServices() {
    }

    /** The calling app's service of {@code type}, or null. */
    public static <T> T lookup(Class<T> type, Class<?> caller) {
        Objects.requireNonNull(type, "type");
        Object service = AppContext.of(caller).services().get(type);
        return type.cast(service);
    }

    /** Why {@link #lookup} found nothing, for the error. */
    public static String missing(Class<?> type, Class<?> caller) {
        AppContext context = AppContext.of(caller);
        Map<Class<?>, Object> services = context.services();
        TreeSet<String> offered = new TreeSet<>();
        services.keySet().forEach(c -> offered.add(c.getName()));
        return "app '" + context.app() + "' asked for service " + type.getName() + ", which the host does not provide"
                + (offered.isEmpty() ? " (it provides none)" : "; it provides " + offered);
    }
}
