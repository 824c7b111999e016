package io.vaas;

/**
 * A call into an app failed: the app or route does not exist, the argument does not bind, or the guest method threw.
 * Carries the status and code an HTTP response would have.
 *
 * <p>The guest's own exception is not kept (it would keep the app's classes alive after unload); its class, message
 * and stack are copied into a {@link GuestFailure} cause.
 */
public class VaasCallException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String app;
    private final String route;
    private final int status;
    private final String code;

    /**
     * @param app     the app called
     * @param route   the route called, or null when the call did not reach one
     * @param status  the HTTP status equivalent, 400–599
     * @param code    a machine-readable code such as {@code "no_such_route"}
     * @param message what went wrong, naming app and route
     * @param cause   a {@link GuestFailure} or a host-side cause; may be null
     */
    public VaasCallException(String app, String route, int status, String code, String message, Throwable cause) {
        super(message, cause);
        this.app = app;
        this.route = route;
        this.status = status;
        this.code = code;
    }

    /** The app called. */
    public String app() {
        return app;
    }

    /** The route called, or null when the call did not reach one. */
    public String route() {
        return route;
    }

    /** The HTTP status equivalent. */
    public int status() {
        return status;
    }

    /** The machine-readable error code. */
    public String code() {
        return code;
    }
}
