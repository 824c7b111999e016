package io.vaas.hostapi.internal;

import java.util.function.Supplier;

/** A provider on the host's class path (META-INF/services): apps must never get an instance of it. */
public final class HostSupplier implements Supplier<String> {

    @Override
    public String get() {
        return "the host's provider";
    }
}
