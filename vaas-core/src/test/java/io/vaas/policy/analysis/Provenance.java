package io.vaas.policy.analysis;

import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Type;

/**
 * Where a value in a JDK method comes from: from the method's caller (a parameter, or reached from one through
 * fields, array elements and calls on it), or from the JDK itself (created here, read from a static field,
 * returned by a static call on nothing of the caller's). The analysis follows calls on the JDK's own objects to
 * every implementation that can exist, and calls on the caller's objects to the member they name only: what the
 * caller's object does is the caller's own call (see {@link CallGraph}).
 *
 * <p>A value is {@code own} (the JDK's whatever the context) and/or depends on the parameters in {@code params}
 * (bit 0 is the receiver or the first parameter); in a context where some parameters are the JDK's, values that
 * depend on them are too.
 */
final class Provenance {

    static final Provenance NEUTRAL_1 = new Provenance(1, false, 0);
    static final Provenance NEUTRAL_2 = new Provenance(2, false, 0);
    static final Provenance OWN_1 = new Provenance(1, true, 0);
    static final Provenance OWN_2 = new Provenance(2, true, 0);

    final int size;
    final boolean own;
    final long params;
    /** The value's exact class when the method made it itself ({@code NEW}); null when unknown. */
    final String type;

    private Provenance(int size, boolean own, long params) {
        this(size, own, params, null);
    }

    private Provenance(int size, boolean own, long params, String type) {
        this.size = size;
        this.own = own;
        this.params = params;
        this.type = type;
    }

    /** A new object of class {@code type}, made by the method itself. */
    static Provenance created(String type) {
        return new Provenance(1, true, 0, type);
    }

    static Provenance of(int size, boolean own, long params) {
        if (params == 0) {
            return size == 2 ? (own ? OWN_2 : NEUTRAL_2) : (own ? OWN_1 : NEUTRAL_1);
        }
        return new Provenance(size, own, params);
    }

    static Provenance neutral(Type t) {
        return t.getSize() == 2 ? NEUTRAL_2 : NEUTRAL_1;
    }

    static Provenance own(Type t) {
        return t.getSize() == 2 ? OWN_2 : OWN_1;
    }

    Provenance resized(int newSize) {
        return of(newSize, own, params);
    }

    /** Whether the value is the JDK's in a context where the parameters in {@code jdkParams} are the JDK's. */
    boolean isJdk(long jdkParams) {
        return own || (params & jdkParams) != 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Provenance p && p.size == size && p.own == own && p.params == params
                && java.util.Objects.equals(p.type, type);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(params) * 31 + (own ? 2 : 0) + size;
    }

    @Override
    public String toString() {
        return (own ? "own" : "") + (params != 0 ? "p" + Long.toBinaryString(params) : "") + "/" + size;
    }

    /** The bit of parameter {@code index} (receiver first); parameters past 62 share the last bit. */
    static long bit(int index) {
        return 1L << Math.min(index, 63);
    }

    /** The value that may come from either: what both may depend on. */
    static Provenance merge(Provenance a, Provenance b) {
        if (a == null) {
            return b;
        }
        if (b == null || a.equals(b)) {
            return a;
        }
        if (a.size != b.size) {
            return NEUTRAL_1;
        }
        String type = a.type != null && a.type.equals(b.type) ? a.type : null;
        return type == null ? of(a.size, a.own || b.own, a.params | b.params)
                : new Provenance(a.size, a.own || b.own, a.params | b.params, type);
    }

    /** Whether a bootstrap method is the lambda metafactory (its second static argument is the implementation). */
    static boolean isLambda(Handle bsm) {
        return bsm.getOwner().equals("java/lang/invoke/LambdaMetafactory");
    }
}
