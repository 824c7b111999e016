package io.vaas.virtual;

/**
 * What a reference the app's permissions deny becomes: a call that throws {@link SecurityException} where the
 * denied member would have been used. The app's code loads and runs; only reaching the member fails.
 *
 * <p>Takes the calling class last, like every entry point here. Not for direct use.
 */
public final class Denied {

    private Denied() {
    }

    /** Always throws; {@code detail} says where, what, and which permission would allow it. */
    public static void deny(String detail, Class<?> caller) {
        AppContext context = AppContext.of(caller);
        // Thrown into the app: it holds the app's frames and the JDK's only, whatever way the app reads them.
        throw StackFrames.scrub(new io.vaas.api.PolicyDenial("app '" + context.app() + "': " + detail), context);
    }
}
