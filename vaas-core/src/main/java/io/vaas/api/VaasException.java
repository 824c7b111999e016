package io.vaas.api;

/**
 * An error a guest route throws on purpose: it becomes an error response with this status and code rather than a
 * generic 500.
 *
 * <pre>{@code
 * throw new VaasException(404, "no_such_user", "no user " + id);
 * }</pre>
 */
public class VaasException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    /**
     * @param status  the HTTP status of the error response, 400–599
     * @param code    a short machine-readable error code, such as {@code "not_found"}
     * @param message what went wrong, for a human
     */
    public VaasException(int status, String code, String message) {
        this(status, code, message, null);
    }

    /** Same as {@link #VaasException(int, String, String)} with a cause. */
    public VaasException(int status, String code, String message, Throwable cause) {
        super(message, cause);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("VaasException status must be 400-599, got " + status);
        }
        this.status = status;
        this.code = code == null || code.isBlank() ? "error" : code;
    }

    /** An error with status 500 and code {@code "error"}. */
    public VaasException(String message) {
        this(500, "error", message);
    }

    /** The HTTP status of the error response. */
    public int status() {
        return status;
    }

    /** The machine-readable error code. */
    public String code() {
        return code;
    }
}
