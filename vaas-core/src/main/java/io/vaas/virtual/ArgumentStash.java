package io.vaas.virtual;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Lets rewritten code reach a constructor argument under others: the arguments above it are set aside on the
 * thread, the one below is checked or replaced, and the others are pushed back in order, all just before the
 * constructor call. The stash is empty again after the last value is taken back; a check that fails is thrown only
 * then, so nothing of the app stays on the thread.
 *
 * <p>Every method takes the calling class last. Not for direct use.
 */
public final class ArgumentStash {

    private static final ThreadLocal<Stash> STASH = ThreadLocal.withInitial(Stash::new);

    private ArgumentStash() {
    }

    private static final class Stash {
        final ArrayDeque<Object> values = new ArrayDeque<>();
        Error pending;
    }

    private static ArrayDeque<Object> fresh() {
        Stash s = STASH.get();
        s.values.clear();
        s.pending = null;
        return s.values;
    }

    private static Object pop() {
        Stash s = STASH.get();
        Object v = s.values.poll();
        if (s.values.isEmpty() && s.pending != null) {
            Error e = s.pending;
            s.pending = null;
            throw e;
        }
        return v;
    }

    public static void stash(float f, boolean z, Class<?> caller) {
        ArrayDeque<Object> d = fresh();
        d.add(f);
        d.add(z);
    }

    public static void stash(float f, int i, Class<?> caller) {
        ArrayDeque<Object> d = fresh();
        d.add(f);
        d.add(i);
    }

    public static void stash(boolean z, Collection<?> c, Class<?> caller) {
        ArrayDeque<Object> d = fresh();
        d.add(z);
        d.add(c == null ? Null.VALUE : c);
    }

    public static void stash(Thread.UncaughtExceptionHandler h, boolean z, Class<?> caller) {
        ArrayDeque<Object> d = fresh();
        d.add(h == null ? Null.VALUE : h);
        d.add(z);
    }

    /** The arguments of {@code ForkJoinPool}'s full constructor after its thread factory. */
    public static void stash(Thread.UncaughtExceptionHandler h, boolean async, int core, int max, int minRunnable,
                             Predicate<?> saturate, long keepAlive, TimeUnit unit, Class<?> caller) {
        ArrayDeque<Object> d = fresh();
        d.add(h == null ? Null.VALUE : h);
        d.add(async);
        d.add(core);
        d.add(max);
        d.add(minRunnable);
        d.add(saturate == null ? Null.VALUE : saturate);
        d.add(keepAlive);
        d.add(unit == null ? Null.VALUE : unit);
    }

    /** A capacity under stashed arguments: checked now, its failure thrown when the stash is empty again. */
    public static int capacity(int elements, Class<?> caller) {
        try {
            return VirtualAllocations.capacity(elements, caller);
        } catch (OutOfMemoryError e) {
            STASH.get().pending = e;
            return elements;
        }
    }

    public static float popFloat(Class<?> caller) {
        return (Float) pop();
    }

    public static boolean popBoolean(Class<?> caller) {
        return (Boolean) pop();
    }

    public static int popInt(Class<?> caller) {
        return (Integer) pop();
    }

    public static long popLong(Class<?> caller) {
        return (Long) pop();
    }

    public static Collection<?> popCollection(Class<?> caller) {
        return (Collection<?>) Null.unwrap(pop());
    }

    public static Thread.UncaughtExceptionHandler popHandler(Class<?> caller) {
        return (Thread.UncaughtExceptionHandler) Null.unwrap(pop());
    }

    public static Predicate<?> popPredicate(Class<?> caller) {
        return (Predicate<?>) Null.unwrap(pop());
    }

    public static TimeUnit popTimeUnit(Class<?> caller) {
        return (TimeUnit) Null.unwrap(pop());
    }

    /** A null argument (a deque holds no nulls). */
    private enum Null {
        VALUE;

        static Object unwrap(Object v) {
            return v == VALUE ? null : v;
        }
    }
}
