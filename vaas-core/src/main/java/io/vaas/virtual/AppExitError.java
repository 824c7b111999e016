package io.vaas.virtual;

/**
 * Thrown where an app calls {@code System.exit}, {@code Runtime.exit} or {@code Runtime.halt}: it ends the app's
 * current call (the JVM goes on), and the app is restarted on its next call.
 */
public final class AppExitError extends Error {

    private static final long serialVersionUID = 1L;

    private final String app;
    private final int status;

    AppExitError(String app, int status, String how) {
        super("app '" + app + "' called " + how + "(" + status + "): its call ends here and the app restarts on its "
                + "next call; the JVM is not stopped");
        this.app = app;
        this.status = status;
    }

    /** The app that exited. */
    public String app() {
        return app;
    }

    /** The status it passed. */
    public int status() {
        return status;
    }
}
