package io.vaas;

/**
 * Resource limits from an app's {@code vaas.json} {@code "limits"} object. A null value means "the host default".
 *
 * <p>Enforced by the runaway control ({@code io.vaas.guard}): CPU time and allocation by the watchdog, which
 * cancels the call; threads when the app starts one more; array sizes before each allocation whose size is not a
 * small constant. 0 means no limit.
 *
 * @param cpuMsPerCall   CPU time one call may use, in milliseconds
 * @param allocMbPerCall bytes one call may allocate, in MiB
 * @param maxThreads     threads the app may have alive at once
 * @param maxArrayMb     the largest single array the app may allocate, in MiB
 * @param maxWebSockets  WebSocket connections open to the app at once (one version); past that an upgrade is refused
 *                       with 503
 */
public record Limits(Long cpuMsPerCall, Long allocMbPerCall, Integer maxThreads, Long maxArrayMb,
                     Integer maxWebSockets) {

    /**
     * The container's defaults: no CPU or allocation budget per call, 256 threads per app, arrays up to 512 MiB,
     * 10,000 WebSocket connections per app.
     */
    public static final Limits DEFAULTS = new Limits(0L, 0L, 256, 512L, 10_000);

    /** No limits of the app's own: the host defaults apply. */
    public static final Limits HOST_DEFAULTS = new Limits(null, null, null, null, null);

    /** The first four limits, with the host's default for WebSocket connections. */
    public Limits(Long cpuMsPerCall, Long allocMbPerCall, Integer maxThreads, Long maxArrayMb) {
        this(cpuMsPerCall, allocMbPerCall, maxThreads, maxArrayMb, null);
    }

    /** Fields of {@code other} that are set replace these. */
    public Limits overlay(Limits other) {
        if (other == null) {
            return this;
        }
        return new Limits(
                other.cpuMsPerCall != null ? other.cpuMsPerCall : cpuMsPerCall,
                other.allocMbPerCall != null ? other.allocMbPerCall : allocMbPerCall,
                other.maxThreads != null ? other.maxThreads : maxThreads,
                other.maxArrayMb != null ? other.maxArrayMb : maxArrayMb,
                other.maxWebSockets != null ? other.maxWebSockets : maxWebSockets);
    }
}
