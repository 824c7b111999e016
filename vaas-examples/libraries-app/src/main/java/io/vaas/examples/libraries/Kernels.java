package io.vaas.examples.libraries;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaas.api.ServerType;
import io.vaas.api.VaasServer;

/**
 * CPU-bound work for the runaway-guard benchmarks: the same code runs rewritten (with the kill-switch guards at its
 * loop back-edges, and inside the app's own Jackson) and plain, and the benchmarks compare the two.
 */
public class Kernels {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DOCUMENT = document();

    /** {@code libraries.matmul}: multiplies two n×n matrices; returns a checksum. */
    @VaasServer(type = ServerType.RPC)
    public double matmul(int n) {
        double[] a = new double[n * n];
        double[] b = new double[n * n];
        double[] c = new double[n * n];
        for (int i = 0; i < n * n; i++) {
            a[i] = i % 7;
            b[i] = i % 5;
        }
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                double aik = a[i * n + k];
                for (int j = 0; j < n; j++) {
                    c[i * n + j] += aik * b[k * n + j];
                }
            }
        }
        return c[n * n - 1];
    }

    private int[] values;

    /** {@code libraries.sum}: sums an int array of n elements 100 times (a loop the JIT vectorizes). */
    @VaasServer(type = ServerType.RPC)
    public long sum(int n) {
        if (values == null || values.length != n) {
            values = new int[n];
            for (int i = 0; i < n; i++) {
                values[i] = i & 0xFF;
            }
        }
        long total = 0;
        for (int round = 0; round < 100; round++) {
            int s = 0;
            for (int v : values) {
                s += v;
            }
            total += s;
        }
        return total;
    }

    /** {@code libraries.parse}: parses a 4 KB JSON document k times with the app's own Jackson. */
    @VaasServer(type = ServerType.RPC)
    public int parse(int k) throws java.io.IOException {
        int size = 0;
        for (int i = 0; i < k; i++) {
            JsonNode tree = JSON.readTree(DOCUMENT);
            size += tree.get("items").size();
        }
        return size;
    }

    private static final java.util.regex.Pattern EMAIL =
            java.util.regex.Pattern.compile("([\\w.]+)@([\\w]+)\\.(com|org|net)");

    /**
     * {@code libraries.regex}: finds the e-mail addresses in the 4 KB JSON document's text k times, and splits and
     * rewrites it: regex work, which the container runs over input that checks the app's kill switch.
     */
    @VaasServer(type = ServerType.RPC)
    public int regex(int k) {
        int found = 0;
        for (int i = 0; i < k; i++) {
            java.util.regex.Matcher m = EMAIL.matcher(MAILS);
            while (m.find()) {
                found += m.group(2).length();
            }
            found += MAILS.split("[,;]\\s*").length;
            found += MAILS.replaceAll("\\d+", "#").length();
        }
        return found;
    }

    private static final String MAILS = mails();

    private static String mails() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            sb.append("user").append(i).append("@example").append(i % 3 == 0 ? ".com" : i % 3 == 1 ? ".org" : ".net")
                    .append(i % 2 == 0 ? ", " : "; ").append("note ").append(i * 7).append(' ');
        }
        return sb.toString();
    }

    private final Object lock = new Object();
    private long locked;

    /**
     * {@code libraries.locks}: takes and releases the monitor of an object of its own n times (a synchronized block
     * and a synchronized method each round): what the container's mapping of shared monitors costs the common case.
     */
    @VaasServer(type = ServerType.RPC)
    public long locks(int n) {
        for (int i = 0; i < n; i++) {
            synchronized (lock) {
                locked += i;
            }
            add(i);
        }
        return locked;
    }

    private synchronized void add(int i) {
        locked ^= i;
    }

    /** {@code libraries.spin}: never ends by itself; the kill-latency benchmark stops it at its deadline. */
    @VaasServer(type = ServerType.RPC)
    public long spin() {
        long x = 0;
        while (x >= 0) {
            x++;
            if (x == Long.MAX_VALUE) {
                x = 0;
            }
        }
        return x;
    }

    /** {@code libraries.nap}: a call in progress that uses no CPU, for the watchdog's cost with many calls. */
    @VaasServer(type = ServerType.RPC)
    public int nap(int ms) throws InterruptedException {
        Thread.sleep(ms);
        return ms;
    }

    private static String document() {
        StringBuilder sb = new StringBuilder("{\"items\": [");
        for (int i = 0; i < 40; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"id\": ").append(i).append(", \"name\": \"item ").append(i)
                    .append("\", \"price\": ").append(i * 1.25).append(", \"tags\": [\"a\", \"b\", \"c\"]}");
        }
        return sb.append("]}").toString();
    }
}
