package io.vaas;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JDK methods that allocate by a size the app passes are checked like {@code new byte[n]}: each way below asks the
 * JDK for one array well over the app's {@code limits.maxArrayMb} (16 MiB) and is refused before the JDK allocates,
 * with an {@code OutOfMemoryError} naming the app, the route, the API and the limit; the app goes on, ordinary sizes
 * still work, and the neighbour answers after each.
 */
class JdkAllocationLimitsTest {

    static final GuestApp HOG = GuestApp.withDescriptor("""
            {"name": "hog", "limits": {"maxArrayMb": 16}}""").source("h.Hog", """
            package h;
            import io.vaas.api.*;
            import java.util.*;
            import java.util.concurrent.*;
            import java.math.*;
            import java.nio.*;
            public class Hog {
                static final int BIG = 64 << 20;
                interface Attempt { Object run() throws Throwable; }
                static String attempt(Attempt a) {
                    try {
                        Object r = a.run();
                        return "allocated: " + (r instanceof Object[] o ? o.length : String.valueOf(r).length());
                    } catch (OutOfMemoryError e) {
                        return "refused: " + e.getMessage();
                    } catch (Throwable t) {
                        return "failed: " + t;
                    }
                }
                static class Lru<K, V> extends LinkedHashMap<K, V> {
                    Lru(int n) { super(n, 0.75f, true); }
                    @Override protected boolean removeEldestEntry(Map.Entry<K, V> e) { return size() > 2; }
                }
                static class Sized extends ArrayList<Object> {
                    Sized(int n) { super(n); }
                }
                static Collection<Object> claiming(int size) {
                    return new AbstractCollection<>() {
                        public int size() { return size; }
                        public Iterator<Object> iterator() { return Collections.emptyIterator(); }
                    };
                }
                @VaasServer(type = ServerType.RPC) public String attack(String how) {
                    return switch (how) {
                        case "repeat" -> attempt(() -> "x".repeat(BIG));
                        case "indent" -> attempt(() -> "a\\nb".indent(BIG));
                        case "builderCapacity" -> attempt(() -> new StringBuilder(BIG));
                        case "bufferCapacity" -> attempt(() -> new StringBuffer(BIG));
                        case "builderGrowth" -> attempt(() -> {
                            StringBuilder sb = new StringBuilder();
                            while (true) { sb.append("0123456789abcdef"); }
                        });
                        case "bufferGrowth" -> attempt(() -> {
                            StringBuffer sb = new StringBuffer();
                            while (true) { sb.append('x').append(12345678L); }
                        });
                        case "builderRepeat" -> attempt(() -> new StringBuilder().repeat("ab", BIG));
                        case "setLength" -> attempt(() -> { StringBuilder sb = new StringBuilder(); sb.setLength(BIG); return sb; });
                        case "ensureCapacity" -> attempt(() -> { StringBuilder sb = new StringBuilder(); sb.ensureCapacity(BIG); return sb; });
                        case "copyOf" -> attempt(() -> Arrays.copyOf(new byte[1], BIG));
                        case "copyOfObjects" -> attempt(() -> Arrays.copyOf(new Object[1], BIG));
                        case "copyOfRange" -> attempt(() -> Arrays.copyOfRange(new long[1], 0, BIG));
                        case "byteBuffer" -> attempt(() -> ByteBuffer.allocate(BIG));
                        case "longBuffer" -> attempt(() -> LongBuffer.allocate(BIG / 4));
                        case "arrayList" -> attempt(() -> new ArrayList<>(BIG));
                        case "arrayListSubclass" -> attempt(() -> new Sized(BIG));
                        case "ensureListCapacity" -> attempt(() -> { ArrayList<Object> l = new ArrayList<>(); l.ensureCapacity(BIG); return l; });
                        case "arrayDeque" -> attempt(() -> new ArrayDeque<>(BIG));
                        case "vector" -> attempt(() -> new Vector<>(BIG, 10));
                        case "hashMapFirstPut" -> attempt(() -> { Map<Integer, Integer> m = new HashMap<>(BIG); m.put(1, 1); return m; });
                        case "newHashMap" -> attempt(() -> HashMap.newHashMap(BIG));
                        case "linkedHashMapAccessOrder" -> attempt(() -> new LinkedHashMap<>(BIG, 0.75f, true));
                        case "lruSubclassSuper" -> attempt(() -> new Lru<>(BIG));
                        case "concurrentHashMap" -> attempt(() -> new ConcurrentHashMap<>(BIG, 0.75f, 4));
                        case "priorityQueue" -> attempt(() -> new PriorityQueue<Integer>(BIG, Comparator.naturalOrder()));
                        case "arrayBlockingQueue" -> attempt(() -> new ArrayBlockingQueue<>(BIG, true, List.of(1)));
                        case "bitSet" -> attempt(() -> new BitSet(Integer.MAX_VALUE));
                        case "nCopiesToArray" -> attempt(() -> Collections.nCopies(BIG, "x").toArray());
                        case "fakeSizeCopied" -> attempt(() -> new ArrayList<>(claiming(BIG)));
                        case "fakeSizeToArray" -> attempt(() -> claiming(BIG).toArray());
                        case "fakeSizeAddAll" -> attempt(() -> { List<Object> l = new ArrayList<>(); l.addAll(claiming(BIG)); return l; });
                        case "fakeSizeListCopyOf" -> attempt(() -> List.copyOf(claiming(BIG)));
                        case "formatWidth" -> attempt(() -> String.format("%" + BIG + "s", "x"));
                        case "formatted" -> attempt(() -> ("%." + BIG + "f").formatted(1.5));
                        case "byteArrayOutputStream" -> attempt(() -> new java.io.ByteArrayOutputStream(BIG));
                        case "bufferedReader" -> attempt(() -> new java.io.BufferedReader(new java.io.StringReader(""), BIG));
                        case "gzip" -> attempt(() -> new java.util.zip.GZIPOutputStream(new java.io.ByteArrayOutputStream(), BIG, true));
                        case "bigShift" -> attempt(() -> BigInteger.ONE.shiftLeft(1 << 30));
                        case "bigPow" -> attempt(() -> BigInteger.TEN.pow(1 << 28));
                        case "bigSetBit" -> attempt(() -> BigInteger.ZERO.setBit(Integer.MAX_VALUE - 1));
                        case "bigPlain" -> attempt(() -> new BigDecimal("1e999999999").toPlainString());
                        case "bigScale" -> attempt(() -> BigDecimal.ONE.setScale(1 << 28));
                        default -> "unknown " + how;
                    };
                }
                @VaasServer(type = ServerType.RPC) public String ordinary() {
                    StringBuilder sb = new StringBuilder(64).append("ab".repeat(3)).append(1).append('c');
                    sb.setLength(sb.length() - 1);
                    Lru<String, Integer> lru = new Lru<>(4);
                    lru.put("a", 1); lru.put("b", 2); lru.get("a"); lru.put("c", 3);
                    Map<String, Integer> chm = new ConcurrentHashMap<>(16, 0.75f, 4);
                    chm.put("k", 7);
                    Queue<Integer> abq = new ArrayBlockingQueue<>(10, true, List.of(1, 2));
                    Object[] copied = new ArrayList<>(Collections.nCopies(3, "n")).toArray(new String[0]);
                    List<Integer> added = new ArrayList<>(List.of(1));
                    added.addAll(0, List.of(0));
                    return sb + " " + lru.keySet() + " " + chm + " " + abq + " " + Arrays.toString(copied) + " " + added
                            + " " + Arrays.toString(Arrays.copyOfRange(new int[] {1, 2, 3}, 1, 3))
                            + " " + String.format("%5s|%.2f", "x", 1.005) + " " + BigInteger.TWO.pow(10)
                            + " " + new BigDecimal("1.5").setScale(3) + " " + ByteBuffer.allocate(8).capacity()
                            + " " + new Vector<>(4, 2).capacity() + " " + new BitSet(128).size();
                }
            }
            """);

    static Vaas vaas;

    @BeforeAll
    static void deploy(@TempDir Path dir) {
        vaas = HOG.deployWithNeighbour(dir, "hog.jar");
    }

    @AfterAll
    static void close() {
        vaas.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"repeat", "indent", "builderCapacity", "bufferCapacity", "builderGrowth", "bufferGrowth",
            "builderRepeat", "setLength", "ensureCapacity", "copyOf", "copyOfObjects", "copyOfRange", "byteBuffer",
            "longBuffer", "arrayList", "arrayListSubclass", "ensureListCapacity", "arrayDeque", "vector",
            "hashMapFirstPut", "newHashMap", "linkedHashMapAccessOrder", "lruSubclassSuper", "concurrentHashMap",
            "priorityQueue", "arrayBlockingQueue", "bitSet", "nCopiesToArray", "fakeSizeCopied", "fakeSizeToArray",
            "fakeSizeAddAll", "fakeSizeListCopyOf", "formatWidth", "formatted", "byteArrayOutputStream",
            "bufferedReader", "gzip", "bigShift", "bigPow", "bigSetBit", "bigPlain", "bigScale"})
    void refusedBeforeTheJdkAllocates(String how) {
        long before = usedHeap();
        Object result = vaas.rpc("hog.attack", how);
        assertThat(result).asString().startsWith("refused: app 'hog' route 'attack': ")
                .contains("limits.maxArrayMb of 16 MiB");
        // Nothing near the refused size stays behind, and the neighbour is served.
        assertThat(usedHeap() - before).isLessThan(48L << 20);
        assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
    }

    @Test
    void growthByAppendingStopsAtTheAppendThatWouldPassTheLimit() {
        assertThat(vaas.rpc("hog.attack", "builderGrowth")).asString()
                .contains("StringBuilder.append would allocate an array of ").contains("over its limits.maxArrayMb");
        assertThat(vaas.rpc("hog.attack", "bufferGrowth")).asString().contains("StringBuffer.append");
    }

    @Test
    void ordinarySizesBehaveAsTheJdksOwn() {
        assertThat(vaas.rpc("hog.ordinary")).isEqualTo("ababab1 [a, c] {k=7} [1, 2] [n, n, n] [0, 1] [2, 3] "
                + "    x|1.01 1024 1.500 8 4 128");
    }

    private static long usedHeap() {
        System.gc();
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
