package io.vaas.virtual;

import io.vaas.guard.RunningCall;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.IntFunction;

/**
 * JDK methods that allocate by a size the app passes, checked like {@code new byte[n]} against the app's
 * {@code limits.maxArrayMb} before the JDK allocates: {@code String.repeat}, string builders' capacities and growth,
 * {@code Arrays.copyOf*}, buffers, collection capacities, conversions of collections whose size the app controls
 * ({@code toArray}, {@code addAll}, copy constructors), {@code Collections.nCopies}, format widths, and big numbers
 * whose size follows an exponent or scale. Direct buffers count against the app's off-heap budget
 * ({@link DirectMemory}).
 *
 * <p>Sizes are what the JDK would allocate as one array: references count 4 bytes (compressed pointers), string
 * builders one byte a character (their Latin-1 form; one holding other characters takes twice that), hash tables
 * one reference per slot. Anything up to 1 MiB passes without looking the app up.
 *
 * <p>Every method takes the calling class last; it names the app. Not for direct use.
 */
public final class VirtualAllocations {

    /** Allocations up to this many bytes are never checked: limits are whole MiB. */
    private static final long SMALL = 1L << 20;

    private VirtualAllocations() {
    }

    /** Throws when {@code bytes} (for {@code elements} elements, as {@code api} would allocate them) is over the limit. */
    static void check(long bytes, long elements, String api, Class<?> caller) {
        if (bytes > SMALL) {
            checkLimit(bytes, elements, api, caller);
        }
    }

    private static void checkLimit(long bytes, long elements, String api, Class<?> caller) {
        AppContext context = AppContext.of(caller);
        long limit = context.maxArrayBytes();
        if (limit > 0 && bytes > limit) {
            RunningCall call = RunningCall.current();
            throw new OutOfMemoryError("app '" + context.app() + "'"
                    + (call != null && call.killSwitch() == context.killSwitch() ? " route '" + call.route() + "'" : "")
                    + ": " + api + " would allocate an array of " + elements + " elements (" + bytes / (1024 * 1024)
                    + " MiB), over its limits.maxArrayMb of " + limit / (1024 * 1024) + " MiB");
        }
    }

    /**
     * Before a builder of {@code length} characters and {@code capacity} grows by {@code added}: the array the JDK
     * would make (at least twice the old one, as its growth policy does).
     */
    private static void grow(CharSequence builder, int length, int capacity, long added, String api, Class<?> caller) {
        long needed = length + Math.max(0, added);
        if (needed <= capacity || needed <= SMALL) {
            return;
        }
        long next = Math.max(needed, 2L * capacity + 2);
        checkLimit(next, next, api, caller);
    }

    // ---- Capacities handed to JDK constructors (pushed before the constructor call, so super(…) calls count too) ---

    /** A collection's or hash table's capacity: one reference a slot. */
    public static int capacity(int elements, Class<?> caller) {
        check((long) elements << 2, elements, "a collection capacity", caller);
        return elements;
    }

    /** A byte buffer's size (streams' buffers, {@code ByteArrayOutputStream}). */
    public static int bufferBytes(int bytes, Class<?> caller) {
        check(bytes, bytes, "a buffer size", caller);
        return bytes;
    }

    /** A character buffer's size (readers', writers'). */
    public static int bufferChars(int chars, Class<?> caller) {
        check((long) chars << 1, chars, "a character buffer size", caller);
        return chars;
    }

    /** A string builder's capacity: its Latin-1 array. */
    public static int builderCapacity(int chars, Class<?> caller) {
        check(chars, chars, "a string builder capacity", caller);
        return chars;
    }

    /** A {@code BitSet}'s size in bits. */
    public static int bits(int bits, Class<?> caller) {
        check(bits >>> 3, bits >>> 6, "a BitSet size", caller);
        return bits;
    }

    /** A collection handed to a JDK constructor that copies it into one array of its size. */
    public static Collection<?> sized(Collection<?> source, Class<?> caller) {
        if (source != null) {
            int n = source.size();
            check((long) n << 2, n, "copying a collection of " + n + " elements", caller);
        }
        return source;
    }

    /** A map handed to a JDK constructor that sizes its table by it. */
    public static Map<?, ?> sizedMap(Map<?, ?> source, Class<?> caller) {
        if (source != null) {
            int n = source.size();
            check((long) n << 2, n, "copying a map of " + n + " entries", caller);
        }
        return source;
    }

    // ---- Strings ------------------------------------------------------------------------------------------------

    public static String repeat(String self, int count, Class<?> caller) {
        long chars = (long) self.length() * Math.max(0, count);
        if (chars > SMALL) {
            checkLimit(latin1(self) ? chars : chars << 1, chars, "String.repeat", caller);
        }
        return self.repeat(count);
    }

    public static String indent(String self, int n, Class<?> caller) {
        if (n > 0 && (long) n * 2 > SMALL / 2) {
            long lines = self.isEmpty() ? 0 : self.lines().count();
            long chars = self.length() + lines * (long) n;
            checkLimit(chars, chars, "String.indent", caller);
        }
        return self.indent(n);
    }

    private static boolean latin1(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xFF) {
                return false;
            }
        }
        return true;
    }

    /** The largest width or precision a format string asks for: the JDK pads (or expands) to it in one array. */
    private static void checkFormat(String format, String api, Class<?> caller) {
        if (format == null) {
            return;
        }
        long widest = 0;
        for (int i = format.indexOf('%'); i >= 0 && i < format.length(); i = format.indexOf('%', i + 1)) {
            long run = 0;
            for (int j = i + 1; j < format.length(); j++) {
                char c = format.charAt(j);
                if (c >= '0' && c <= '9') {
                    run = Math.min(Long.MAX_VALUE / 10, run * 10 + (c - '0'));
                    widest = Math.max(widest, run);
                } else if (c == '.' || c == '$' || c == '-' || c == '#' || c == '+' || c == ' ' || c == ',' || c == '(') {
                    run = 0;
                } else {
                    break;
                }
            }
        }
        if (widest > SMALL / 2) {
            checkLimit(widest * 2, widest, api + " (a width or precision of " + widest + ")", caller);
        }
    }

    public static String format(String format, Object[] args, Class<?> caller) {
        checkFormat(format, "String.format", caller);
        return String.format(format, args);
    }

    public static String format(Locale locale, String format, Object[] args, Class<?> caller) {
        checkFormat(format, "String.format", caller);
        return String.format(locale, format, args);
    }

    public static String formatted(String self, Object[] args, Class<?> caller) {
        checkFormat(self, "String.formatted", caller);
        return self.formatted(args);
    }

    public static java.io.PrintStream printf(java.io.PrintStream self, String format, Object[] args, Class<?> caller) {
        checkFormat(format, "PrintStream.printf", caller);
        return self.printf(format, args);
    }

    public static java.io.PrintStream printf(java.io.PrintStream self, Locale l, String format, Object[] args,
                                             Class<?> caller) {
        checkFormat(format, "PrintStream.printf", caller);
        return self.printf(l, format, args);
    }

    public static java.io.PrintStream format(java.io.PrintStream self, String format, Object[] args, Class<?> caller) {
        checkFormat(format, "PrintStream.format", caller);
        return self.format(format, args);
    }

    public static java.io.PrintStream format(java.io.PrintStream self, Locale l, String format, Object[] args,
                                             Class<?> caller) {
        checkFormat(format, "PrintStream.format", caller);
        return self.format(l, format, args);
    }

    public static java.io.PrintWriter printf(java.io.PrintWriter self, String format, Object[] args, Class<?> caller) {
        checkFormat(format, "PrintWriter.printf", caller);
        return self.printf(format, args);
    }

    public static java.io.PrintWriter printf(java.io.PrintWriter self, Locale l, String format, Object[] args,
                                             Class<?> caller) {
        checkFormat(format, "PrintWriter.printf", caller);
        return self.printf(l, format, args);
    }

    public static java.io.PrintWriter format(java.io.PrintWriter self, String format, Object[] args, Class<?> caller) {
        checkFormat(format, "PrintWriter.format", caller);
        return self.format(format, args);
    }

    public static java.io.PrintWriter format(java.io.PrintWriter self, Locale l, String format, Object[] args,
                                             Class<?> caller) {
        checkFormat(format, "PrintWriter.format", caller);
        return self.format(l, format, args);
    }

    public static java.util.Formatter format(java.util.Formatter self, String format, Object[] args, Class<?> caller) {
        checkFormat(format, "Formatter.format", caller);
        return self.format(format, args);
    }

    public static java.util.Formatter format(java.util.Formatter self, Locale l, String format, Object[] args,
                                             Class<?> caller) {
        checkFormat(format, "Formatter.format", caller);
        return self.format(l, format, args);
    }

    // ---- Arrays of references ----------------------------------------------------------------------------------

    public static Object[] copyOf(Object[] original, int newLength, Class<?> caller) {
        check((long) newLength << 2, newLength, "Arrays.copyOf", caller);
        return Arrays.copyOf(original, newLength);
    }

    public static Object[] copyOf(Object[] original, int newLength, Class<?> newType, Class<?> caller) {
        check((long) newLength << 2, newLength, "Arrays.copyOf", caller);
        return Arrays.copyOf(original, newLength, castArrayType(newType));
    }

    public static Object[] copyOfRange(Object[] original, int from, int to, Class<?> caller) {
        check(((long) to - from) << 2, (long) to - from, "Arrays.copyOfRange", caller);
        return Arrays.copyOfRange(original, from, to);
    }

    public static Object[] copyOfRange(Object[] original, int from, int to, Class<?> newType, Class<?> caller) {
        check(((long) to - from) << 2, (long) to - from, "Arrays.copyOfRange", caller);
        return Arrays.copyOfRange(original, from, to, castArrayType(newType));
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends Object[]> castArrayType(Class<?> type) {
        return (Class<? extends Object[]>) type;
    }

    // ---- Buffers --------------------------------------------------------------------------------------------------

    public static ByteBuffer allocate(int capacity, Class<?> caller) {
        check(capacity, capacity, "ByteBuffer.allocate", caller);
        return ByteBuffer.allocate(capacity);
    }

    public static CharBuffer allocateChars(int capacity, Class<?> caller) {
        check((long) capacity << 1, capacity, "CharBuffer.allocate", caller);
        return CharBuffer.allocate(capacity);
    }

    public static ShortBuffer allocateShorts(int capacity, Class<?> caller) {
        check((long) capacity << 1, capacity, "ShortBuffer.allocate", caller);
        return ShortBuffer.allocate(capacity);
    }

    public static IntBuffer allocateInts(int capacity, Class<?> caller) {
        check((long) capacity << 2, capacity, "IntBuffer.allocate", caller);
        return IntBuffer.allocate(capacity);
    }

    public static FloatBuffer allocateFloats(int capacity, Class<?> caller) {
        check((long) capacity << 2, capacity, "FloatBuffer.allocate", caller);
        return FloatBuffer.allocate(capacity);
    }

    public static LongBuffer allocateLongs(int capacity, Class<?> caller) {
        check((long) capacity << 3, capacity, "LongBuffer.allocate", caller);
        return LongBuffer.allocate(capacity);
    }

    public static DoubleBuffer allocateDoubles(int capacity, Class<?> caller) {
        check((long) capacity << 3, capacity, "DoubleBuffer.allocate", caller);
        return DoubleBuffer.allocate(capacity);
    }

    /** Off the heap: against the app's {@code limits.maxDirectMb}, returned to it when the buffer is collected. */
    public static ByteBuffer allocateDirect(int capacity, Class<?> caller) {
        return AppContext.of(caller).directMemory().allocate(capacity);
    }

    // ---- Collections ------------------------------------------------------------------------------------------------

    public static <T> List<T> nCopies(int n, T value, Class<?> caller) {
        // A list of n elements that holds one: whatever the app does with it (toArray, a copy) makes the n.
        check((long) n << 2, n, "Collections.nCopies", caller);
        return Collections.nCopies(n, value);
    }

    public static <K, V> HashMap<K, V> newHashMap(int n, Class<?> caller) {
        return HashMap.newHashMap(capacity(n, caller));
    }

    public static <K, V> LinkedHashMap<K, V> newLinkedHashMap(int n, Class<?> caller) {
        return LinkedHashMap.newLinkedHashMap(capacity(n, caller));
    }

    public static <T> HashSet<T> newHashSet(int n, Class<?> caller) {
        return HashSet.newHashSet(capacity(n, caller));
    }

    public static <T> LinkedHashSet<T> newLinkedHashSet(int n, Class<?> caller) {
        return LinkedHashSet.newLinkedHashSet(capacity(n, caller));
    }

    public static <K, V> WeakHashMap<K, V> newWeakHashMap(int n, Class<?> caller) {
        return WeakHashMap.newWeakHashMap(capacity(n, caller));
    }

    public static void ensureCapacity(java.util.ArrayList<?> self, int n, Class<?> caller) {
        self.ensureCapacity(capacity(n, caller));
    }

    public static void ensureCapacity(java.util.Vector<?> self, int n, Class<?> caller) {
        self.ensureCapacity(capacity(n, caller));
    }

    public static void setSize(java.util.Vector<?> self, int n, Class<?> caller) {
        self.setSize(capacity(n, caller));
    }

    public static <E> List<E> copyOf(Collection<? extends E> source, Class<?> caller) {
        sized(source, caller);
        return List.copyOf(source);
    }

    public static <E> Set<E> copyOfSet(Collection<? extends E> source, Class<?> caller) {
        sized(source, caller);
        return Set.copyOf(source);
    }

    public static <K, V> Map<K, V> copyOfMap(Map<? extends K, ? extends V> source, Class<?> caller) {
        sizedMap(source, caller);
        return Map.copyOf(source);
    }

    /** {@code toArray()} of any JDK collection: one array of its size, whatever size the collection claims. */
    public static Object[] toArray(Collection<?> self, Class<?> caller) {
        sized(self, caller);
        return self.toArray();
    }

    public static Object[] toArray(Collection<?> self, Object[] into, Class<?> caller) {
        sized(self, caller);
        return self.toArray(into);
    }

    public static Object[] toArray(Collection<?> self, IntFunction<Object[]> generator, Class<?> caller) {
        sized(self, caller);
        return self.toArray(generator);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static boolean addAll(Collection self, Collection more, Class<?> caller) {
        sized(more, caller);
        return self.addAll(more);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static boolean addAll(List self, int index, Collection more, Class<?> caller) {
        sized(more, caller);
        return self.addAll(index, more);
    }

    // ---- Big numbers: their magnitude follows an exponent, a shift or a scale the app passes ----------------------

    public static BigInteger shiftLeft(BigInteger self, int n, Class<?> caller) {
        if (n > 0) {
            long bits = self.bitLength() + (long) n;
            check(bits >>> 3, bits >>> 5, "BigInteger.shiftLeft", caller);
        }
        return self.shiftLeft(n);
    }

    public static BigInteger setBit(BigInteger self, int n, Class<?> caller) {
        check(n >>> 3, n >>> 5, "BigInteger.setBit", caller);
        return self.setBit(n);
    }

    public static BigInteger flipBit(BigInteger self, int n, Class<?> caller) {
        check(n >>> 3, n >>> 5, "BigInteger.flipBit", caller);
        return self.flipBit(n);
    }

    public static BigInteger pow(BigInteger self, int exponent, Class<?> caller) {
        if (exponent > 0) {
            long bits = (long) self.bitLength() * exponent;
            check(bits >>> 3, bits >>> 5, "BigInteger.pow", caller);
        }
        return self.pow(exponent);
    }

    /** Decimal digits to bytes of magnitude: log2(10) / 8. */
    private static long digitBytes(long digits) {
        return (long) (digits * 0.416);
    }

    private static void checkScale(BigDecimal self, long newScale, String api, Class<?> caller) {
        long grow = newScale - self.scale();
        if (grow > 0) {
            check(digitBytes(grow + self.precision()), grow + self.precision(), api, caller);
        }
    }

    public static BigDecimal setScale(BigDecimal self, int scale, Class<?> caller) {
        checkScale(self, scale, "BigDecimal.setScale", caller);
        return self.setScale(scale);
    }

    public static BigDecimal setScale(BigDecimal self, int scale, RoundingMode mode, Class<?> caller) {
        checkScale(self, scale, "BigDecimal.setScale", caller);
        return self.setScale(scale, mode);
    }

    @SuppressWarnings("deprecation")
    public static BigDecimal setScale(BigDecimal self, int scale, int mode, Class<?> caller) {
        checkScale(self, scale, "BigDecimal.setScale", caller);
        return self.setScale(scale, mode);
    }

    public static BigInteger toBigInteger(BigDecimal self, Class<?> caller) {
        checkScale(self, 0, "BigDecimal.toBigInteger", caller);
        return self.toBigInteger();
    }

    public static BigInteger toBigIntegerExact(BigDecimal self, Class<?> caller) {
        checkScale(self, 0, "BigDecimal.toBigIntegerExact", caller);
        return self.toBigIntegerExact();
    }

    public static String toPlainString(BigDecimal self, Class<?> caller) {
        long chars = (long) self.precision() + Math.abs((long) self.scale());
        check(chars, chars, "BigDecimal.toPlainString", caller);
        return self.toPlainString();
    }

    // ---- Growth of string builders: generated, one per JDK overload -------------------------------------------
    public static StringBuilder append(StringBuilder self, Object o, Class<?> caller) {
        grow(self, self.length(), self.capacity(), 0, "StringBuilder.append", caller);
        return self.append(o);
    }

    public static StringBuilder append(StringBuilder self, String s, Class<?> caller) {
        grow(self, self.length(), self.capacity(), s == null ? 4 : s.length(), "StringBuilder.append", caller);
        return self.append(s);
    }

    public static StringBuilder append(StringBuilder self, StringBuffer s, Class<?> caller) {
        grow(self, self.length(), self.capacity(), s == null ? 4 : s.length(), "StringBuilder.append", caller);
        return self.append(s);
    }

    public static StringBuilder append(StringBuilder self, CharSequence s, Class<?> caller) {
        grow(self, self.length(), self.capacity(), s == null ? 4 : s.length(), "StringBuilder.append", caller);
        return self.append(s);
    }

    public static StringBuilder append(StringBuilder self, CharSequence s, int start, int end, Class<?> caller) {
        grow(self, self.length(), self.capacity(), (long) end - start, "StringBuilder.append", caller);
        return self.append(s, start, end);
    }

    public static StringBuilder append(StringBuilder self, char[] s, Class<?> caller) {
        grow(self, self.length(), self.capacity(), s.length, "StringBuilder.append", caller);
        return self.append(s);
    }

    public static StringBuilder append(StringBuilder self, char[] s, int offset, int len, Class<?> caller) {
        grow(self, self.length(), self.capacity(), len, "StringBuilder.append", caller);
        return self.append(s, offset, len);
    }

    public static StringBuilder append(StringBuilder self, boolean v, Class<?> caller) {
        grow(self, self.length(), self.capacity(), 5, "StringBuilder.append", caller);
        return self.append(v);
    }

    public static StringBuilder append(StringBuilder self, char v, Class<?> caller) {
        grow(self, self.length(), self.capacity(), 1, "StringBuilder.append", caller);
        return self.append(v);
    }

    public static StringBuilder append(StringBuilder self, int v, Class<?> caller) {
        grow(self, self.length(), self.capacity(), 11, "StringBuilder.append", caller);
        return self.append(v);
    }

    public static StringBuilder append(StringBuilder self, long v, Class<?> caller) {
        grow(self, self.length(), self.capacity(), 20, "StringBuilder.append", caller);
        return self.append(v);
    }

    public static StringBuilder append(StringBuilder self, float v, Class<?> caller) {
        grow(self, self.length(), self.capacity(), 16, "StringBuilder.append", caller);
        return self.append(v);
    }

    public static StringBuilder append(StringBuilder self, double v, Class<?> caller) {
        grow(self, self.length(), self.capacity(), 25, "StringBuilder.append", caller);
        return self.append(v);
    }

    public static StringBuilder appendCodePoint(StringBuilder self, int v, Class<?> caller) {
        grow(self, self.length(), self.capacity(), 2, "StringBuilder.appendCodePoint", caller);
        return self.appendCodePoint(v);
    }

    public static StringBuilder insert(StringBuilder self, int at, char[] s, int offset, int len, Class<?> caller) {
        grow(self, self.length(), self.capacity(), len, "StringBuilder.insert", caller);
        return self.insert(at, s, offset, len);
    }

    public static StringBuilder insert(StringBuilder self, int at, Object o, Class<?> caller) {
        grow(self, self.length(), self.capacity(), 0, "StringBuilder.insert", caller);
        return self.insert(at, o);
    }

    public static StringBuilder insert(StringBuilder self, int at, String s, Class<?> caller) {
        grow(self, self.length(), self.capacity(), s == null ? 4 : s.length(), "StringBuilder.insert", caller);
        return self.insert(at, s);
    }

    public static StringBuilder insert(StringBuilder self, int at, char[] s, Class<?> caller) {
        grow(self, self.length(), self.capacity(), s.length, "StringBuilder.insert", caller);
        return self.insert(at, s);
    }

    public static StringBuilder insert(StringBuilder self, int at, CharSequence s, Class<?> caller) {
        grow(self, self.length(), self.capacity(), s == null ? 4 : s.length(), "StringBuilder.insert", caller);
        return self.insert(at, s);
    }

    public static StringBuilder insert(StringBuilder self, int at, CharSequence s, int start, int end, Class<?> caller) {
        grow(self, self.length(), self.capacity(), (long) end - start, "StringBuilder.insert", caller);
        return self.insert(at, s, start, end);
    }

    public static StringBuilder insert(StringBuilder self, int at, boolean v, Class<?> caller) {
        grow(self, self.length(), self.capacity(), 5, "StringBuilder.insert", caller);
        return self.insert(at, v);
    }

    public static StringBuilder insert(StringBuilder self, int at, char v, Class<?> caller) {
        grow(self, self.length(), self.capacity(), 1, "StringBuilder.insert", caller);
        return self.insert(at, v);
    }

    public static StringBuilder insert(StringBuilder self, int at, int v, Class<?> caller) {
        grow(self, self.length(), self.capacity(), 11, "StringBuilder.insert", caller);
        return self.insert(at, v);
    }

    public static StringBuilder insert(StringBuilder self, int at, long v, Class<?> caller) {
        grow(self, self.length(), self.capacity(), 20, "StringBuilder.insert", caller);
        return self.insert(at, v);
    }

    public static StringBuilder insert(StringBuilder self, int at, float v, Class<?> caller) {
        grow(self, self.length(), self.capacity(), 16, "StringBuilder.insert", caller);
        return self.insert(at, v);
    }

    public static StringBuilder insert(StringBuilder self, int at, double v, Class<?> caller) {
        grow(self, self.length(), self.capacity(), 25, "StringBuilder.insert", caller);
        return self.insert(at, v);
    }

    public static StringBuilder repeat(StringBuilder self, int codePoint, int count, Class<?> caller) {
        grow(self, self.length(), self.capacity(), (long) count * 2, "StringBuilder.repeat", caller);
        return self.repeat(codePoint, count);
    }

    public static StringBuilder repeat(StringBuilder self, CharSequence s, int count, Class<?> caller) {
        grow(self, self.length(), self.capacity(), (long) (s == null ? 4 : s.length()) * count, "StringBuilder.repeat", caller);
        return self.repeat(s, count);
    }

    public static void ensureCapacity(StringBuilder self, int capacity, Class<?> caller) {
        grow(self, 0, self.capacity(), capacity, "StringBuilder.ensureCapacity", caller);
        self.ensureCapacity(capacity);
    }

    public static void setLength(StringBuilder self, int length, Class<?> caller) {
        grow(self, 0, self.capacity(), length, "StringBuilder.setLength", caller);
        self.setLength(length);
    }

    public static StringBuffer append(StringBuffer self, Object o, Class<?> caller) {
        grow(self, self.length(), self.capacity(), 0, "StringBuffer.append", caller);
        return self.append(o);
    }

    public static StringBuffer append(StringBuffer self, String s, Class<?> caller) {
        grow(self, self.length(), self.capacity(), s == null ? 4 : s.length(), "StringBuffer.append", caller);
        return self.append(s);
    }

    public static StringBuffer append(StringBuffer self, StringBuffer s, Class<?> caller) {
        grow(self, self.length(), self.capacity(), s == null ? 4 : s.length(), "StringBuffer.append", caller);
        return self.append(s);
    }

    public static StringBuffer append(StringBuffer self, CharSequence s, Class<?> caller) {
        grow(self, self.length(), self.capacity(), s == null ? 4 : s.length(), "StringBuffer.append", caller);
        return self.append(s);
    }

    public static StringBuffer append(StringBuffer self, CharSequence s, int start, int end, Class<?> caller) {
        grow(self, self.length(), self.capacity(), (long) end - start, "StringBuffer.append", caller);
        return self.append(s, start, end);
    }

    public static StringBuffer append(StringBuffer self, char[] s, Class<?> caller) {
        grow(self, self.length(), self.capacity(), s.length, "StringBuffer.append", caller);
        return self.append(s);
    }

    public static StringBuffer append(StringBuffer self, char[] s, int offset, int len, Class<?> caller) {
        grow(self, self.length(), self.capacity(), len, "StringBuffer.append", caller);
        return self.append(s, offset, len);
    }

    public static StringBuffer append(StringBuffer self, boolean v, Class<?> caller) {
        grow(self, self.length(), self.capacity(), 5, "StringBuffer.append", caller);
        return self.append(v);
    }

    public static StringBuffer append(StringBuffer self, char v, Class<?> caller) {
        grow(self, self.length(), self.capacity(), 1, "StringBuffer.append", caller);
        return self.append(v);
    }

    public static StringBuffer append(StringBuffer self, int v, Class<?> caller) {
        grow(self, self.length(), self.capacity(), 11, "StringBuffer.append", caller);
        return self.append(v);
    }

    public static StringBuffer append(StringBuffer self, long v, Class<?> caller) {
        grow(self, self.length(), self.capacity(), 20, "StringBuffer.append", caller);
        return self.append(v);
    }

    public static StringBuffer append(StringBuffer self, float v, Class<?> caller) {
        grow(self, self.length(), self.capacity(), 16, "StringBuffer.append", caller);
        return self.append(v);
    }

    public static StringBuffer append(StringBuffer self, double v, Class<?> caller) {
        grow(self, self.length(), self.capacity(), 25, "StringBuffer.append", caller);
        return self.append(v);
    }

    public static StringBuffer appendCodePoint(StringBuffer self, int v, Class<?> caller) {
        grow(self, self.length(), self.capacity(), 2, "StringBuffer.appendCodePoint", caller);
        return self.appendCodePoint(v);
    }

    public static StringBuffer insert(StringBuffer self, int at, char[] s, int offset, int len, Class<?> caller) {
        grow(self, self.length(), self.capacity(), len, "StringBuffer.insert", caller);
        return self.insert(at, s, offset, len);
    }

    public static StringBuffer insert(StringBuffer self, int at, Object o, Class<?> caller) {
        grow(self, self.length(), self.capacity(), 0, "StringBuffer.insert", caller);
        return self.insert(at, o);
    }

    public static StringBuffer insert(StringBuffer self, int at, String s, Class<?> caller) {
        grow(self, self.length(), self.capacity(), s == null ? 4 : s.length(), "StringBuffer.insert", caller);
        return self.insert(at, s);
    }

    public static StringBuffer insert(StringBuffer self, int at, char[] s, Class<?> caller) {
        grow(self, self.length(), self.capacity(), s.length, "StringBuffer.insert", caller);
        return self.insert(at, s);
    }

    public static StringBuffer insert(StringBuffer self, int at, CharSequence s, Class<?> caller) {
        grow(self, self.length(), self.capacity(), s == null ? 4 : s.length(), "StringBuffer.insert", caller);
        return self.insert(at, s);
    }

    public static StringBuffer insert(StringBuffer self, int at, CharSequence s, int start, int end, Class<?> caller) {
        grow(self, self.length(), self.capacity(), (long) end - start, "StringBuffer.insert", caller);
        return self.insert(at, s, start, end);
    }

    public static StringBuffer insert(StringBuffer self, int at, boolean v, Class<?> caller) {
        grow(self, self.length(), self.capacity(), 5, "StringBuffer.insert", caller);
        return self.insert(at, v);
    }

    public static StringBuffer insert(StringBuffer self, int at, char v, Class<?> caller) {
        grow(self, self.length(), self.capacity(), 1, "StringBuffer.insert", caller);
        return self.insert(at, v);
    }

    public static StringBuffer insert(StringBuffer self, int at, int v, Class<?> caller) {
        grow(self, self.length(), self.capacity(), 11, "StringBuffer.insert", caller);
        return self.insert(at, v);
    }

    public static StringBuffer insert(StringBuffer self, int at, long v, Class<?> caller) {
        grow(self, self.length(), self.capacity(), 20, "StringBuffer.insert", caller);
        return self.insert(at, v);
    }

    public static StringBuffer insert(StringBuffer self, int at, float v, Class<?> caller) {
        grow(self, self.length(), self.capacity(), 16, "StringBuffer.insert", caller);
        return self.insert(at, v);
    }

    public static StringBuffer insert(StringBuffer self, int at, double v, Class<?> caller) {
        grow(self, self.length(), self.capacity(), 25, "StringBuffer.insert", caller);
        return self.insert(at, v);
    }

    public static StringBuffer repeat(StringBuffer self, int codePoint, int count, Class<?> caller) {
        grow(self, self.length(), self.capacity(), (long) count * 2, "StringBuffer.repeat", caller);
        return self.repeat(codePoint, count);
    }

    public static StringBuffer repeat(StringBuffer self, CharSequence s, int count, Class<?> caller) {
        grow(self, self.length(), self.capacity(), (long) (s == null ? 4 : s.length()) * count, "StringBuffer.repeat", caller);
        return self.repeat(s, count);
    }

    public static void ensureCapacity(StringBuffer self, int capacity, Class<?> caller) {
        grow(self, 0, self.capacity(), capacity, "StringBuffer.ensureCapacity", caller);
        self.ensureCapacity(capacity);
    }

    public static void setLength(StringBuffer self, int length, Class<?> caller) {
        grow(self, 0, self.capacity(), length, "StringBuffer.setLength", caller);
        self.setLength(length);
    }

    // ---- Arrays.copyOf and copyOfRange: generated, one per JDK overload -------------------------------------
    public static byte[] copyOf(byte[] original, int newLength, Class<?> caller) {
        check((long) newLength << 0, newLength, "Arrays.copyOf", caller);
        return Arrays.copyOf(original, newLength);
    }

    public static byte[] copyOfRange(byte[] original, int from, int to, Class<?> caller) {
        check(((long) to - from) << 0, (long) to - from, "Arrays.copyOfRange", caller);
        return Arrays.copyOfRange(original, from, to);
    }

    public static short[] copyOf(short[] original, int newLength, Class<?> caller) {
        check((long) newLength << 1, newLength, "Arrays.copyOf", caller);
        return Arrays.copyOf(original, newLength);
    }

    public static short[] copyOfRange(short[] original, int from, int to, Class<?> caller) {
        check(((long) to - from) << 1, (long) to - from, "Arrays.copyOfRange", caller);
        return Arrays.copyOfRange(original, from, to);
    }

    public static int[] copyOf(int[] original, int newLength, Class<?> caller) {
        check((long) newLength << 2, newLength, "Arrays.copyOf", caller);
        return Arrays.copyOf(original, newLength);
    }

    public static int[] copyOfRange(int[] original, int from, int to, Class<?> caller) {
        check(((long) to - from) << 2, (long) to - from, "Arrays.copyOfRange", caller);
        return Arrays.copyOfRange(original, from, to);
    }

    public static long[] copyOf(long[] original, int newLength, Class<?> caller) {
        check((long) newLength << 3, newLength, "Arrays.copyOf", caller);
        return Arrays.copyOf(original, newLength);
    }

    public static long[] copyOfRange(long[] original, int from, int to, Class<?> caller) {
        check(((long) to - from) << 3, (long) to - from, "Arrays.copyOfRange", caller);
        return Arrays.copyOfRange(original, from, to);
    }

    public static char[] copyOf(char[] original, int newLength, Class<?> caller) {
        check((long) newLength << 1, newLength, "Arrays.copyOf", caller);
        return Arrays.copyOf(original, newLength);
    }

    public static char[] copyOfRange(char[] original, int from, int to, Class<?> caller) {
        check(((long) to - from) << 1, (long) to - from, "Arrays.copyOfRange", caller);
        return Arrays.copyOfRange(original, from, to);
    }

    public static float[] copyOf(float[] original, int newLength, Class<?> caller) {
        check((long) newLength << 2, newLength, "Arrays.copyOf", caller);
        return Arrays.copyOf(original, newLength);
    }

    public static float[] copyOfRange(float[] original, int from, int to, Class<?> caller) {
        check(((long) to - from) << 2, (long) to - from, "Arrays.copyOfRange", caller);
        return Arrays.copyOfRange(original, from, to);
    }

    public static double[] copyOf(double[] original, int newLength, Class<?> caller) {
        check((long) newLength << 3, newLength, "Arrays.copyOf", caller);
        return Arrays.copyOf(original, newLength);
    }

    public static double[] copyOfRange(double[] original, int from, int to, Class<?> caller) {
        check(((long) to - from) << 3, (long) to - from, "Arrays.copyOfRange", caller);
        return Arrays.copyOfRange(original, from, to);
    }

    public static boolean[] copyOf(boolean[] original, int newLength, Class<?> caller) {
        check((long) newLength << 0, newLength, "Arrays.copyOf", caller);
        return Arrays.copyOf(original, newLength);
    }

    public static boolean[] copyOfRange(boolean[] original, int from, int to, Class<?> caller) {
        check(((long) to - from) << 0, (long) to - from, "Arrays.copyOfRange", caller);
        return Arrays.copyOfRange(original, from, to);
    }

}
