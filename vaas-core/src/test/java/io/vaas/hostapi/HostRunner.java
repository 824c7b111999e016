package io.vaas.hostapi;

import java.util.concurrent.Callable;

/**
 * A service that runs an app's callback on a thread of the host's own, as hosts with callbacks, listeners and
 * schedulers do: the thread's context class loader is the host's.
 */
public interface HostRunner {

    /** Runs {@code work} on a host thread and returns what it returned, or throws what it threw. */
    <T> T run(Callable<T> work) throws Exception;
}
