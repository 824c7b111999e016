package io.vaas;

/**
 * A copy of an exception thrown by guest code: its class name, message, stack and causes, made of strings only, so
 * holding it never keeps an app's classes alive.
 */
public final class GuestFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private static final int MAX_DEPTH = 16;

    private final String guestClass;

    private GuestFailure(String guestClass, String message, GuestFailure cause) {
        super(message, cause, true, true);
        this.guestClass = guestClass;
    }

    /** Copies {@code t} and its causes (up to 16 deep). */
    public static GuestFailure copyOf(Throwable t) {
        return copy(t, 0);
    }

    /**
     * Every method called here may be the guest's own override, run on the host's thread: whatever it throws (an
     * exit of the app included) or returns is taken as a fact about the failure, never passed on.
     */
    private static GuestFailure copy(Throwable t, int depth) {
        Throwable cause;
        try {
            cause = t.getCause();
        } catch (Throwable e) {
            cause = null;
        }
        GuestFailure copiedCause = cause != null && cause != t && depth < MAX_DEPTH ? copy(cause, depth + 1) : null;
        String message;
        try {
            message = t.getMessage();
        } catch (Throwable e) {
            message = "(getMessage() threw " + e.getClass().getName() + ")";
        }
        GuestFailure copy = new GuestFailure(t.getClass().getName(), message, copiedCause);
        try {
            StackTraceElement[] stack = t.getStackTrace();
            if (stack != null && java.util.Arrays.stream(stack).noneMatch(java.util.Objects::isNull)) {
                copy.setStackTrace(stack.clone());
            } else {
                copy.setStackTrace(new StackTraceElement[0]);
            }
        } catch (Throwable e) {
            copy.setStackTrace(new StackTraceElement[0]);
        }
        return copy;
    }

    /** The class name of the guest's exception. */
    public String guestClass() {
        return guestClass;
    }

    @Override
    public String toString() {
        String m = getMessage();
        return m == null ? guestClass : guestClass + ": " + m;
    }
}
