package io.vaas.guard;

/**
 * Why a call or an app was stopped: which limit, its value, what was used.
 *
 * @param code  a short machine-readable name: {@code timeout}, {@code cpu_limit}, {@code alloc_limit},
 *              {@code app_stopped}
 * @param limit the setting that sets the limit, as a host or app writes it ({@code timeoutMs},
 *              {@code limits.cpuMsPerCall}); null when none does
 * @param value the limit's value, with its unit
 * @param used  what the call used, with its unit
 */
public record Trip(String code, String limit, String value, String used) {

    /** The whole sentence, for messages: {@code "its timeoutMs of 100 ms passed (ran 103 ms)"}. */
    public String describe() {
        if (limit == null) {
            return value;
        }
        return "its " + limit + " of " + value + " was reached (" + used + ")";
    }

    /** The trip of an app that is being unloaded. */
    static Trip stopped(String why) {
        return new Trip("app_stopped", null, why, "");
    }
}
