package io.vaas.hostapi.internal;

/** A host class in a package the test host does not export. */
public final class Internal {
}
