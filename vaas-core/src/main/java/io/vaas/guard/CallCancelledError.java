package io.vaas.guard;

/**
 * What guest code running for a cancelled call (or an app being stopped) gets at its next method entry or loop
 * back-edge. An {@link Error}, so ordinary {@code catch (Exception)} blocks let it pass; and sticky: a guest that
 * catches it anyway gets it again at the next check, so no {@code catch (Throwable)} loop outlives its call.
 */
public final class CallCancelledError extends Error {

    private static final long serialVersionUID = 1L;

    private final transient Trip trip;

    /**
     * @param app   the app's name
     * @param route the route of the cancelled call, or null when the whole app is stopping
     * @param trip  why
     */
    public CallCancelledError(String app, String route, Trip trip) {
        super("app '" + app + "'" + (route == null ? "" : " route '" + route + "'") + " was stopped: "
                + trip.describe(), null, false, false);
        this.trip = trip;
    }

    /** Why the call or app was stopped. */
    public Trip trip() {
        return trip;
    }
}
