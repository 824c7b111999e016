package io.vaas.hostapi;

import java.util.Random;

/** Replacements a test host substitutes for JDK methods in its apps. */
public final class FixedTime {

    private FixedTime() {
    }

    /** Stands in for {@code System.currentTimeMillis()}. */
    public static long currentTimeMillis() {
        return 42L;
    }

    /** Stands in for {@code Random.nextInt()}: chosen by a fair dice roll. */
    public static int nextInt(Random random) {
        return 4;
    }
}
