package io.vaas.virtual;

import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Spliterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.function.BinaryOperator;
import java.util.function.DoubleBinaryOperator;
import java.util.function.IntBinaryOperator;
import java.util.function.IntFunction;
import java.util.function.IntToDoubleFunction;
import java.util.function.IntToLongFunction;
import java.util.function.IntUnaryOperator;
import java.util.function.LongBinaryOperator;
import java.util.function.Supplier;
import java.util.stream.BaseStream;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Where rewritten app code lands for parallel work the JDK would hand to the JVM's common pool: that pool is every
 * app's and the host's, so guest code never runs on it. Parallel streams, {@code Arrays.parallel*} and
 * {@code ConcurrentHashMap}'s bulk operations run sequentially on the calling thread (same results; the app that
 * wants parallelism has its own pool: {@code ForkJoinPool.commonPool()} is the app's); a {@code ForkJoinTask}
 * forked or invoked outside any pool runs in the app's own pool.
 *
 * <p>Every method takes the calling class last; it names the app. Not for direct use.
 */
@SuppressWarnings({"unchecked", "rawtypes"})
public final class VirtualParallel {

    private VirtualParallel() {
    }

    public static Stream parallelStream(Collection collection, Class<?> caller) {
        return collection.stream();
    }

    public static BaseStream parallel(BaseStream stream, Class<?> caller) {
        return stream.sequential();
    }

    public static IntStream parallel(IntStream stream, Class<?> caller) {
        return stream.sequential();
    }

    public static LongStream parallel(LongStream stream, Class<?> caller) {
        return stream.sequential();
    }

    public static DoubleStream parallel(DoubleStream stream, Class<?> caller) {
        return stream.sequential();
    }

    public static Stream stream(Spliterator spliterator, boolean parallel, Class<?> caller) {
        return StreamSupport.stream(spliterator, false);
    }

    public static Stream stream(Supplier supplier, int characteristics, boolean parallel, Class<?> caller) {
        return StreamSupport.stream(supplier, characteristics, false);
    }

    public static IntStream intStream(Spliterator.OfInt spliterator, boolean parallel, Class<?> caller) {
        return StreamSupport.intStream(spliterator, false);
    }

    public static IntStream intStream(Supplier supplier, int characteristics, boolean parallel, Class<?> caller) {
        return StreamSupport.intStream(supplier, characteristics, false);
    }

    public static LongStream longStream(Spliterator.OfLong spliterator, boolean parallel, Class<?> caller) {
        return StreamSupport.longStream(spliterator, false);
    }

    public static LongStream longStream(Supplier supplier, int characteristics, boolean parallel, Class<?> caller) {
        return StreamSupport.longStream(supplier, characteristics, false);
    }

    public static DoubleStream doubleStream(Spliterator.OfDouble spliterator, boolean parallel, Class<?> caller) {
        return StreamSupport.doubleStream(spliterator, false);
    }

    public static DoubleStream doubleStream(Supplier supplier, int characteristics, boolean parallel, Class<?> caller) {
        return StreamSupport.doubleStream(supplier, characteristics, false);
    }

    // Arrays.parallelSort: the same order as Arrays.sort (both stable for objects).

    public static void parallelSort(byte[] a, Class<?> caller) {
        Arrays.sort(a);
    }

    public static void parallelSort(byte[] a, int from, int to, Class<?> caller) {
        Arrays.sort(a, from, to);
    }

    public static void parallelSort(char[] a, Class<?> caller) {
        Arrays.sort(a);
    }

    public static void parallelSort(char[] a, int from, int to, Class<?> caller) {
        Arrays.sort(a, from, to);
    }

    public static void parallelSort(short[] a, Class<?> caller) {
        Arrays.sort(a);
    }

    public static void parallelSort(short[] a, int from, int to, Class<?> caller) {
        Arrays.sort(a, from, to);
    }

    public static void parallelSort(int[] a, Class<?> caller) {
        Arrays.sort(a);
    }

    public static void parallelSort(int[] a, int from, int to, Class<?> caller) {
        Arrays.sort(a, from, to);
    }

    public static void parallelSort(long[] a, Class<?> caller) {
        Arrays.sort(a);
    }

    public static void parallelSort(long[] a, int from, int to, Class<?> caller) {
        Arrays.sort(a, from, to);
    }

    public static void parallelSort(float[] a, Class<?> caller) {
        Arrays.sort(a);
    }

    public static void parallelSort(float[] a, int from, int to, Class<?> caller) {
        Arrays.sort(a, from, to);
    }

    public static void parallelSort(double[] a, Class<?> caller) {
        Arrays.sort(a);
    }

    public static void parallelSort(double[] a, int from, int to, Class<?> caller) {
        Arrays.sort(a, from, to);
    }

    public static void parallelSort(Comparable[] a, Class<?> caller) {
        Arrays.sort(a);
    }

    public static void parallelSort(Comparable[] a, int from, int to, Class<?> caller) {
        Arrays.sort(a, from, to);
    }

    public static void parallelSort(Object[] a, Comparator c, Class<?> caller) {
        Arrays.sort(a, c);
    }

    public static void parallelSort(Object[] a, int from, int to, Comparator c, Class<?> caller) {
        Arrays.sort(a, from, to, c);
    }

    // Arrays.parallelPrefix: the same cumulation, in order.

    public static void parallelPrefix(Object[] a, BinaryOperator op, Class<?> caller) {
        parallelPrefix(a, 0, a.length, op, caller);
    }

    public static void parallelPrefix(Object[] a, int from, int to, BinaryOperator op, Class<?> caller) {
        java.util.Objects.checkFromToIndex(from, to, a.length);
        for (int i = from + 1; i < to; i++) {
            a[i] = op.apply(a[i - 1], a[i]);
        }
    }

    public static void parallelPrefix(long[] a, LongBinaryOperator op, Class<?> caller) {
        parallelPrefix(a, 0, a.length, op, caller);
    }

    public static void parallelPrefix(long[] a, int from, int to, LongBinaryOperator op, Class<?> caller) {
        java.util.Objects.checkFromToIndex(from, to, a.length);
        for (int i = from + 1; i < to; i++) {
            a[i] = op.applyAsLong(a[i - 1], a[i]);
        }
    }

    public static void parallelPrefix(double[] a, DoubleBinaryOperator op, Class<?> caller) {
        parallelPrefix(a, 0, a.length, op, caller);
    }

    public static void parallelPrefix(double[] a, int from, int to, DoubleBinaryOperator op, Class<?> caller) {
        java.util.Objects.checkFromToIndex(from, to, a.length);
        for (int i = from + 1; i < to; i++) {
            a[i] = op.applyAsDouble(a[i - 1], a[i]);
        }
    }

    public static void parallelPrefix(int[] a, IntBinaryOperator op, Class<?> caller) {
        parallelPrefix(a, 0, a.length, op, caller);
    }

    public static void parallelPrefix(int[] a, int from, int to, IntBinaryOperator op, Class<?> caller) {
        java.util.Objects.checkFromToIndex(from, to, a.length);
        for (int i = from + 1; i < to; i++) {
            a[i] = op.applyAsInt(a[i - 1], a[i]);
        }
    }

    public static void parallelSetAll(Object[] a, IntFunction f, Class<?> caller) {
        Arrays.setAll(a, f);
    }

    public static void parallelSetAll(int[] a, IntUnaryOperator f, Class<?> caller) {
        Arrays.setAll(a, f);
    }

    public static void parallelSetAll(long[] a, IntToLongFunction f, Class<?> caller) {
        Arrays.setAll(a, f);
    }

    public static void parallelSetAll(double[] a, IntToDoubleFunction f, Class<?> caller) {
        Arrays.setAll(a, f);
    }

    // ForkJoinTask outside any pool: the JDK would run its forks in the JVM's common pool.

    public static ForkJoinTask fork(ForkJoinTask task, Class<?> caller) {
        if (inOwnPool()) {
            return task.fork();
        }
        VirtualThreads.commonPool(caller).execute(task);
        return task;
    }

    public static Object invoke(ForkJoinTask task, Class<?> caller) {
        return inOwnPool() ? task.invoke() : VirtualThreads.commonPool(caller).invoke(task);
    }

    public static void invokeAll(ForkJoinTask t1, ForkJoinTask t2, Class<?> caller) {
        inAppPool(() -> ForkJoinTask.invokeAll(t1, t2), caller);
    }

    public static void invokeAll(ForkJoinTask[] tasks, Class<?> caller) {
        inAppPool(() -> ForkJoinTask.invokeAll(tasks), caller);
    }

    public static Collection invokeAll(Collection tasks, Class<?> caller) {
        inAppPool(() -> ForkJoinTask.invokeAll(tasks), caller);
        return tasks;
    }

    /** Whether the current thread works for a pool that is not the JVM's common pool (the app's own, say). */
    private static boolean inOwnPool() {
        return Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() != ForkJoinPool.commonPool();
    }

    private static void inAppPool(Runnable work, Class<?> caller) {
        if (inOwnPool()) {
            work.run();
        } else {
            VirtualThreads.commonPool(caller).invoke(ForkJoinTask.adapt(work));
        }
    }

    // ConcurrentHashMap's bulk operations, with no parallelism: the threshold is the largest there is.

    public static void forEach(ConcurrentHashMap map, long parallelismThreshold, java.util.function.BiConsumer a1, Class<?> caller) {
        map.forEach(Long.MAX_VALUE, a1);
    }

    public static void forEach(ConcurrentHashMap map, long parallelismThreshold, java.util.function.BiFunction a1, java.util.function.Consumer a2, Class<?> caller) {
        map.forEach(Long.MAX_VALUE, a1, a2);
    }

    public static Object search(ConcurrentHashMap map, long parallelismThreshold, java.util.function.BiFunction a1, Class<?> caller) {
        return map.search(Long.MAX_VALUE, a1);
    }

    public static Object reduce(ConcurrentHashMap map, long parallelismThreshold, java.util.function.BiFunction a1, java.util.function.BiFunction a2, Class<?> caller) {
        return map.reduce(Long.MAX_VALUE, a1, a2);
    }

    public static double reduceToDouble(ConcurrentHashMap map, long parallelismThreshold, java.util.function.ToDoubleBiFunction a1, double a2, java.util.function.DoubleBinaryOperator a3, Class<?> caller) {
        return map.reduceToDouble(Long.MAX_VALUE, a1, a2, a3);
    }

    public static long reduceToLong(ConcurrentHashMap map, long parallelismThreshold, java.util.function.ToLongBiFunction a1, long a2, java.util.function.LongBinaryOperator a3, Class<?> caller) {
        return map.reduceToLong(Long.MAX_VALUE, a1, a2, a3);
    }

    public static int reduceToInt(ConcurrentHashMap map, long parallelismThreshold, java.util.function.ToIntBiFunction a1, int a2, java.util.function.IntBinaryOperator a3, Class<?> caller) {
        return map.reduceToInt(Long.MAX_VALUE, a1, a2, a3);
    }

    public static void forEachKey(ConcurrentHashMap map, long parallelismThreshold, java.util.function.Consumer a1, Class<?> caller) {
        map.forEachKey(Long.MAX_VALUE, a1);
    }

    public static void forEachKey(ConcurrentHashMap map, long parallelismThreshold, java.util.function.Function a1, java.util.function.Consumer a2, Class<?> caller) {
        map.forEachKey(Long.MAX_VALUE, a1, a2);
    }

    public static Object searchKeys(ConcurrentHashMap map, long parallelismThreshold, java.util.function.Function a1, Class<?> caller) {
        return map.searchKeys(Long.MAX_VALUE, a1);
    }

    public static Object reduceKeys(ConcurrentHashMap map, long parallelismThreshold, java.util.function.BiFunction a1, Class<?> caller) {
        return map.reduceKeys(Long.MAX_VALUE, a1);
    }

    public static Object reduceKeys(ConcurrentHashMap map, long parallelismThreshold, java.util.function.Function a1, java.util.function.BiFunction a2, Class<?> caller) {
        return map.reduceKeys(Long.MAX_VALUE, a1, a2);
    }

    public static double reduceKeysToDouble(ConcurrentHashMap map, long parallelismThreshold, java.util.function.ToDoubleFunction a1, double a2, java.util.function.DoubleBinaryOperator a3, Class<?> caller) {
        return map.reduceKeysToDouble(Long.MAX_VALUE, a1, a2, a3);
    }

    public static long reduceKeysToLong(ConcurrentHashMap map, long parallelismThreshold, java.util.function.ToLongFunction a1, long a2, java.util.function.LongBinaryOperator a3, Class<?> caller) {
        return map.reduceKeysToLong(Long.MAX_VALUE, a1, a2, a3);
    }

    public static int reduceKeysToInt(ConcurrentHashMap map, long parallelismThreshold, java.util.function.ToIntFunction a1, int a2, java.util.function.IntBinaryOperator a3, Class<?> caller) {
        return map.reduceKeysToInt(Long.MAX_VALUE, a1, a2, a3);
    }

    public static void forEachValue(ConcurrentHashMap map, long parallelismThreshold, java.util.function.Consumer a1, Class<?> caller) {
        map.forEachValue(Long.MAX_VALUE, a1);
    }

    public static void forEachValue(ConcurrentHashMap map, long parallelismThreshold, java.util.function.Function a1, java.util.function.Consumer a2, Class<?> caller) {
        map.forEachValue(Long.MAX_VALUE, a1, a2);
    }

    public static Object searchValues(ConcurrentHashMap map, long parallelismThreshold, java.util.function.Function a1, Class<?> caller) {
        return map.searchValues(Long.MAX_VALUE, a1);
    }

    public static Object reduceValues(ConcurrentHashMap map, long parallelismThreshold, java.util.function.BiFunction a1, Class<?> caller) {
        return map.reduceValues(Long.MAX_VALUE, a1);
    }

    public static Object reduceValues(ConcurrentHashMap map, long parallelismThreshold, java.util.function.Function a1, java.util.function.BiFunction a2, Class<?> caller) {
        return map.reduceValues(Long.MAX_VALUE, a1, a2);
    }

    public static double reduceValuesToDouble(ConcurrentHashMap map, long parallelismThreshold, java.util.function.ToDoubleFunction a1, double a2, java.util.function.DoubleBinaryOperator a3, Class<?> caller) {
        return map.reduceValuesToDouble(Long.MAX_VALUE, a1, a2, a3);
    }

    public static long reduceValuesToLong(ConcurrentHashMap map, long parallelismThreshold, java.util.function.ToLongFunction a1, long a2, java.util.function.LongBinaryOperator a3, Class<?> caller) {
        return map.reduceValuesToLong(Long.MAX_VALUE, a1, a2, a3);
    }

    public static int reduceValuesToInt(ConcurrentHashMap map, long parallelismThreshold, java.util.function.ToIntFunction a1, int a2, java.util.function.IntBinaryOperator a3, Class<?> caller) {
        return map.reduceValuesToInt(Long.MAX_VALUE, a1, a2, a3);
    }

    public static void forEachEntry(ConcurrentHashMap map, long parallelismThreshold, java.util.function.Consumer a1, Class<?> caller) {
        map.forEachEntry(Long.MAX_VALUE, a1);
    }

    public static void forEachEntry(ConcurrentHashMap map, long parallelismThreshold, java.util.function.Function a1, java.util.function.Consumer a2, Class<?> caller) {
        map.forEachEntry(Long.MAX_VALUE, a1, a2);
    }

    public static Object searchEntries(ConcurrentHashMap map, long parallelismThreshold, java.util.function.Function a1, Class<?> caller) {
        return map.searchEntries(Long.MAX_VALUE, a1);
    }

    public static java.util.Map.Entry reduceEntries(ConcurrentHashMap map, long parallelismThreshold, java.util.function.BiFunction a1, Class<?> caller) {
        return map.reduceEntries(Long.MAX_VALUE, a1);
    }

    public static Object reduceEntries(ConcurrentHashMap map, long parallelismThreshold, java.util.function.Function a1, java.util.function.BiFunction a2, Class<?> caller) {
        return map.reduceEntries(Long.MAX_VALUE, a1, a2);
    }

    public static double reduceEntriesToDouble(ConcurrentHashMap map, long parallelismThreshold, java.util.function.ToDoubleFunction a1, double a2, java.util.function.DoubleBinaryOperator a3, Class<?> caller) {
        return map.reduceEntriesToDouble(Long.MAX_VALUE, a1, a2, a3);
    }

    public static long reduceEntriesToLong(ConcurrentHashMap map, long parallelismThreshold, java.util.function.ToLongFunction a1, long a2, java.util.function.LongBinaryOperator a3, Class<?> caller) {
        return map.reduceEntriesToLong(Long.MAX_VALUE, a1, a2, a3);
    }

    public static int reduceEntriesToInt(ConcurrentHashMap map, long parallelismThreshold, java.util.function.ToIntFunction a1, int a2, java.util.function.IntBinaryOperator a3, Class<?> caller) {
        return map.reduceEntriesToInt(Long.MAX_VALUE, a1, a2, a3);
    }
}
