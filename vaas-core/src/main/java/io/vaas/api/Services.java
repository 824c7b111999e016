package io.vaas.api;

import io.vaas.virtual.VirtualServices;

import java.util.Optional;

/**
 * Services the host hands to apps: objects implementing interfaces of packages the host exports.
 *
 * <pre>{@code
 * Greeter greeter = Services.get(Greeter.class);   // Greeter: an interface the host exports
 * }</pre>
 *
 * <p>Each app sees the services the host gives all apps plus those it gives that app alone.
 */
public final class Services {

    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private Services() {
    }

    /** The service of type {@code type}, if the host provides one to the calling app. */
    public static <T> Optional<T> find(Class<T> type) {
        return Optional.ofNullable(VirtualServices.lookup(type, WALKER.getCallerClass()));
    }

    /**
     * The service of type {@code type}.
     *
     * @throws IllegalStateException naming the app, the type and the services the host does provide
     */
    public static <T> T get(Class<T> type) {
        Class<?> caller = WALKER.getCallerClass();
        T service = VirtualServices.lookup(type, caller);
        if (service == null) {
            throw new IllegalStateException(VirtualServices.missing(type, caller));
        }
        return service;
    }
}
