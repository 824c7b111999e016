package io.vaas;

/**
 * Resource limits from an app's {@code vaas.json} {@code "limits"} object. A null value means "the host default".
 *
 * <p>These are recorded and validated now; the runaway-control layer enforces them.
 *
 * @param cpuMsPerCall   CPU time one call may use, in milliseconds
 * @param allocMbPerCall bytes one call may allocate, in MiB
 * @param maxThreads     threads the app may have alive at once
 * @param maxArrayMb     the largest single array the app may allocate, in MiB
 */
public record Limits(Long cpuMsPerCall, Long allocMbPerCall, Integer maxThreads, Long maxArrayMb) {

    /** No limits of the app's own: the host defaults apply. */
    public static final Limits HOST_DEFAULTS = new Limits(null, null, null, null);

    /** Fields of {@code other} that are set replace these. */
    public Limits overlay(Limits other) {
        if (other == null) {
            return this;
        }
        return new Limits(
                other.cpuMsPerCall != null ? other.cpuMsPerCall : cpuMsPerCall,
                other.allocMbPerCall != null ? other.allocMbPerCall : allocMbPerCall,
                other.maxThreads != null ? other.maxThreads : maxThreads,
                other.maxArrayMb != null ? other.maxArrayMb : maxArrayMb);
    }
}
