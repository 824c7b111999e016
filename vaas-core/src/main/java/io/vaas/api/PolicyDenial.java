package io.vaas.api;

import java.io.Serial;

/**
 * Thrown where an app's permissions refuse what its code does: a JDK member its {@code vaas.json} permissions do not
 * allow, a host it may not connect to, a file outside its root, a class loader it may not make. The message names
 * the app, what was refused and the permission or setting that would allow it.
 *
 * <p>A route that lets one escape fails with 500 {@code permission_denied}: the refusal is the app's, never the
 * caller's. Catch it (or {@link SecurityException}) to fall back on something the app may do.
 */
public final class PolicyDenial extends SecurityException {

    @Serial
    private static final long serialVersionUID = 1L;

    /** @param message the app, what was refused, and what would allow it */
    public PolicyDenial(String message) {
        super(message);
    }
}
