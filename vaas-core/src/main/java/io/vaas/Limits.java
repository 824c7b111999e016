package io.vaas;

/**
 * Resource limits from an app's {@code vaas.json} {@code "limits"} object. A null value means "the host default".
 *
 * <p>Enforced by the runaway control ({@code io.vaas.guard}): CPU time and allocation by the watchdog, which
 * cancels the call; threads when the app starts one more, whatever factory made it; array sizes before each
 * allocation whose size is not a small constant, and before each JDK method that allocates by a size the app passes
 * ({@code String.repeat}, capacities, {@code Arrays.copyOf}, {@code ByteBuffer.allocate}…); direct buffers against
 * the app's off-heap budget; output lines against its rate. 0 means no limit.
 *
 * @param cpuMsPerCall         CPU time one call may use, in milliseconds
 * @param allocMbPerCall       bytes one call may allocate, in MiB
 * @param maxThreads           threads the app may have alive at once
 * @param maxArrayMb           the largest single array the app may allocate, itself or through a JDK method, in MiB
 * @param maxWebSockets        WebSocket connections open to the app at once (one version); past that an upgrade is
 *                             refused with 503
 * @param maxDirectMb          direct ({@code ByteBuffer.allocateDirect}) memory the app may hold at once, in MiB
 * @param maxOutputLinesPerSec lines of standard output, standard error and {@code java.util.logging} records the app
 *                             may write per second (bursts of up to a second's worth); the rest are dropped and
 *                             counted
 * @param maxOutputKbPerSec    KiB of such output per second, likewise
 */
public record Limits(Long cpuMsPerCall, Long allocMbPerCall, Integer maxThreads, Long maxArrayMb,
                     Integer maxWebSockets, Long maxDirectMb, Integer maxOutputLinesPerSec, Long maxOutputKbPerSec) {

    /**
     * The container's defaults: no CPU or allocation budget per call, 256 threads per app, arrays up to 512 MiB,
     * 10,000 WebSocket connections per app, 64 MiB of direct memory, 1,000 output lines and 1 MiB of output per
     * second.
     */
    public static final Limits DEFAULTS = new Limits(0L, 0L, 256, 512L, 10_000, 64L, 1_000, 1_024L);

    /** No limits of the app's own: the host defaults apply. */
    public static final Limits HOST_DEFAULTS = new Limits(null, null, null, null, null, null, null, null);

    /** The first four limits, with the host's defaults for the others. */
    public Limits(Long cpuMsPerCall, Long allocMbPerCall, Integer maxThreads, Long maxArrayMb) {
        this(cpuMsPerCall, allocMbPerCall, maxThreads, maxArrayMb, null);
    }

    /** The first five limits, with the host's defaults for the others. */
    public Limits(Long cpuMsPerCall, Long allocMbPerCall, Integer maxThreads, Long maxArrayMb, Integer maxWebSockets) {
        this(cpuMsPerCall, allocMbPerCall, maxThreads, maxArrayMb, maxWebSockets, null, null, null);
    }

    /** These limits with {@code maxDirectMb} set. */
    public Limits withMaxDirectMb(Long mb) {
        return new Limits(cpuMsPerCall, allocMbPerCall, maxThreads, maxArrayMb, maxWebSockets, mb,
                maxOutputLinesPerSec, maxOutputKbPerSec);
    }

    /** These limits with the output rates set. */
    public Limits withOutputRate(Integer linesPerSec, Long kbPerSec) {
        return new Limits(cpuMsPerCall, allocMbPerCall, maxThreads, maxArrayMb, maxWebSockets, maxDirectMb,
                linesPerSec, kbPerSec);
    }

    /** Fields of {@code other} that are set replace these. */
    public Limits overlay(Limits other) {
        if (other == null) {
            return this;
        }
        return new Limits(
                pick(other.cpuMsPerCall, cpuMsPerCall),
                pick(other.allocMbPerCall, allocMbPerCall),
                pick(other.maxThreads, maxThreads),
                pick(other.maxArrayMb, maxArrayMb),
                pick(other.maxWebSockets, maxWebSockets),
                pick(other.maxDirectMb, maxDirectMb),
                pick(other.maxOutputLinesPerSec, maxOutputLinesPerSec),
                pick(other.maxOutputKbPerSec, maxOutputKbPerSec));
    }

    private static <T> T pick(T preferred, T fallback) {
        return preferred != null ? preferred : fallback;
    }
}
