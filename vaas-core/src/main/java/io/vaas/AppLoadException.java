package io.vaas;

/**
 * An app could not be deployed: its folder or jar is missing or unreadable, its {@code vaas.json} is malformed or
 * has unknown keys, it has no routes or two routes that clash, or one of its classes fails to load. The message names
 * the app (when known), the file at fault and what to change. Nothing of the app was deployed; other apps are
 * untouched.
 */
public class AppLoadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String app;
    private final String location;
    private final String reason;

    /**
     * @param app      the app's name, or null when it is not known yet
     * @param location the file, folder or jar at fault
     * @param message  what is wrong and how to fix it
     * @param cause    the underlying error, or null
     */
    public AppLoadException(String app, String location, String message, Throwable cause) {
        super(compose(app, location, message), cause);
        this.app = app;
        this.location = location;
        this.reason = message;
    }

    /** Same as {@link #AppLoadException(String, String, String, Throwable)} without a cause. */
    public AppLoadException(String app, String location, String message) {
        this(app, location, message, null);
    }

    /** The app's name, or null when the failure came before its name was known. */
    public String app() {
        return app;
    }

    /** The file, folder or jar at fault. */
    public String location() {
        return location;
    }

    /** What is wrong, without the app and location the message starts with. */
    public String reason() {
        return reason;
    }

    private static String compose(String app, String location, String message) {
        StringBuilder sb = new StringBuilder("cannot deploy ");
        sb.append(app == null ? "app" : "app '" + app + "'");
        if (location != null) {
            sb.append(" from ").append(location);
        }
        return sb.append(": ").append(message).toString();
    }
}
