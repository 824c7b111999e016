package io.vaas;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * State the JVM has once for everyone: an app that reaches for it gets its own, or is refused, and the host and its
 * neighbours see nothing of what it did. Each case is a guest that tries, with default permissions.
 */
class JvmWideStateTest {

    static final GuestApp STATEFUL = GuestApp.named("stateful").source("s.Stateful", """
            package s;
            import io.vaas.api.*;
            import java.util.*;
            import java.util.concurrent.*;
            import java.util.logging.*;
            import java.util.stream.*;
            public class Stateful {
                static final List<String> CAPTURED = new CopyOnWriteArrayList<>();
                static final Handler SPY = new Handler() {
                    @Override public void publish(LogRecord r) { CAPTURED.add(r.getLoggerName() + ": " + r.getMessage()); }
                    @Override public void flush() { }
                    @Override public void close() { }
                };
                static class Console extends ConsoleHandler { }
                static class Sum extends RecursiveTask<Long> {
                    final int from, to; final Set<String> threads;
                    Sum(int from, int to, Set<String> threads) { this.from = from; this.to = to; this.threads = threads; }
                    @Override protected Long compute() {
                        threads.add(Thread.currentThread().getName());
                        if (to - from <= 10) { long s = 0; for (int i = from; i < to; i++) s += i; return s; }
                        int mid = (from + to) / 2;
                        Sum left = new Sum(from, mid, threads);
                        left.fork();
                        return new Sum(mid, to, threads).compute() + left.join();
                    }
                }
                static String threadsOf(Set<String> names) {
                    String caller = Thread.currentThread().getName();
                    return names.stream().map(n -> n.equals(caller) ? "caller" : n.contains("ForkJoinPool.commonPool")
                            ? "jvm-common-pool" : n.startsWith("stateful/") ? "app" : "other:" + n)
                            .distinct().sorted().collect(Collectors.joining(","));
                }
                @VaasServer(type = ServerType.RPC) public String attack(String how) {
                    try {
                        return switch (how) {
                            case "rootHandler" -> {
                                CAPTURED.clear();
                                Logger.getLogger("").addHandler(SPY);
                                Logger.getGlobal().getParent().addHandler(SPY);
                                yield "added";
                            }
                            case "captured" -> String.join("|", CAPTURED);
                            case "silenceRoot" -> {
                                Logger root = Logger.getLogger("");
                                for (Handler h : root.getHandlers()) { root.removeHandler(h); }
                                root.setLevel(Level.OFF);
                                yield "silenced " + root.getHandlers().length;
                            }
                            case "ownTree" -> {
                                Logger a = Logger.getLogger("a.b.c");
                                Logger mid = Logger.getLogger("a.b");
                                mid.setLevel(Level.FINE);
                                yield (a.getParent() == mid) + " " + a.isLoggable(Level.FINE) + " "
                                        + (Logger.getAnonymousLogger().getParent() == Logger.getLogger(""))
                                        + " " + (Logger.getLogger("a.b.c") == a);
                            }
                            case "systemLogger" -> {
                                Logger.getLogger("").addHandler(SPY);
                                System.getLogger("sys").log(System.Logger.Level.WARNING, "through System.Logger");
                                yield String.join("|", CAPTURED);
                            }
                            case "consoleHandler" -> {
                                ConsoleHandler h = new ConsoleHandler();
                                h.publish(new LogRecord(Level.WARNING, "to the app's own stderr"));
                                h.flush();
                                h.close();
                                yield "published";
                            }
                            case "consoleSubclass" -> new Console().toString();
                            case "loginTimeout" -> {
                                java.sql.DriverManager.setLoginTimeout(77);
                                yield "set " + java.sql.DriverManager.getLoginTimeout();
                            }
                            case "logWriter" -> {
                                java.io.StringWriter out = new java.io.StringWriter();
                                java.sql.DriverManager.setLogWriter(new java.io.PrintWriter(out));
                                java.sql.DriverManager.println("jdbc log line");
                                yield out.toString().strip() + " " + (java.sql.DriverManager.getLogWriter() != null);
                            }
                            case "printStackTrace" -> {
                                new IllegalStateException("printed by the app").printStackTrace();
                                Thread.dumpStack();
                                yield "printed";
                            }
                            case "parallelStream" -> {
                                Set<String> names = ConcurrentHashMap.newKeySet();
                                long sum = IntStream.range(0, 20_000).parallel()
                                        .peek(i -> names.add(Thread.currentThread().getName())).asLongStream().sum();
                                List<Integer> list = IntStream.range(0, 20_000).boxed().toList();
                                long count = list.parallelStream().filter(i -> names.add(Thread.currentThread().getName())
                                        || true).count();
                                long viaSupport = StreamSupport.stream(list.spliterator(), true)
                                        .peek(i -> names.add(Thread.currentThread().getName())).count();
                                yield sum + " " + count + " " + viaSupport + " " + threadsOf(names);
                            }
                            case "parallelArrays" -> {
                                Set<String> names = ConcurrentHashMap.newKeySet();
                                int[] a = new Random(1).ints(100_000).toArray();
                                int[] sorted = a.clone();
                                Arrays.sort(sorted);
                                Arrays.parallelSort(a);
                                long[] prefix = new long[10];
                                Arrays.parallelSetAll(prefix, i -> { names.add(Thread.currentThread().getName()); return i; });
                                Arrays.parallelPrefix(prefix, Long::sum);
                                yield Arrays.equals(a, sorted) + " " + prefix[9] + " " + threadsOf(names);
                            }
                            case "concurrentMapBulk" -> {
                                Set<String> names = ConcurrentHashMap.newKeySet();
                                ConcurrentHashMap<Integer, Integer> map = new ConcurrentHashMap<>();
                                for (int i = 0; i < 50_000; i++) { map.put(i, i); }
                                map.forEach(1, (k, v) -> names.add(Thread.currentThread().getName()));
                                long total = map.reduceValuesToLong(1, v -> { names.add(Thread.currentThread().getName());
                                        return v; }, 0L, Long::sum);
                                yield total + " " + threadsOf(names);
                            }
                            case "forkJoinTask" -> {
                                Set<String> names = ConcurrentHashMap.newKeySet();
                                long viaInvoke = new Sum(0, 1000, names).invoke();
                                Sum forked = new Sum(0, 1000, names);
                                forked.fork();
                                long viaFork = forked.join();
                                Sum a = new Sum(0, 500, names), b = new Sum(500, 1000, names);
                                ForkJoinTask.invokeAll(a, b);
                                names.remove(Thread.currentThread().getName());
                                yield viaInvoke + " " + viaFork + " " + (a.join() + b.join()) + " " + threadsOf(names);
                            }
                            default -> "unknown " + how;
                        };
                    } catch (SecurityException e) {
                        return "denied: " + e.getMessage();
                    } catch (ExceptionInInitializerError e) {
                        return "denied: " + e.getCause().getMessage();
                    } catch (Exception e) {
                        return "failed: " + e;
                    }
                }
            }
            """);

    static final List<String> LINES = new CopyOnWriteArrayList<>();
    static Vaas vaas;

    @BeforeAll
    static void deploy(@TempDir Path dir) {
        vaas = Vaas.builder().output((app, version, stream, line) -> LINES.add(app + " " + stream + " " + line))
                .deploy(AppSpec.of(STATEFUL.writeJar(dir.resolve("stateful.jar"))),
                        AppSpec.of(BadInputTest.NEIGHBOUR.writeJar(dir.resolve("neighbour.jar")))).build();
    }

    @AfterAll
    static void close() {
        vaas.close();
    }

    @Test
    void anAppsLoggingHandlersNeverSeeTheHostsRecords() {
        assertThat(vaas.rpc("stateful.attack", "rootHandler")).isEqualTo("added");
        Logger host = Logger.getLogger("io.vaas.test.host");
        host.warning("a record of the host's");
        Logger.getLogger("").info("another, on the JVM's root");
        assertThat(vaas.rpc("stateful.attack", "captured")).isEqualTo("");
        for (Handler h : Logger.getLogger("").getHandlers()) {
            assertThat(h.getClass().getName()).doesNotStartWith("s.");
        }
        assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
    }

    @Test
    void anAppCannotSilenceTheJvmsRootLogger() {
        Logger root = Logger.getLogger("");
        Level level = root.getLevel();
        int handlers = root.getHandlers().length;
        assertThat(vaas.rpc("stateful.attack", "silenceRoot")).isEqualTo("silenced 0");
        assertThat(root.getLevel()).isEqualTo(level);
        assertThat(root.getHandlers()).hasSize(handlers);
    }

    @Test
    void anAppsLoggersFormATreeOfItsOwn() {
        assertThat(vaas.rpc("stateful.attack", "ownTree")).isEqualTo("true true true true");
        assertThat(vaas.rpc("stateful.attack", "systemLogger")).asString().contains("sys: through System.Logger");
    }

    @Test
    void consoleHandlersWriteToTheAppsOwnStandardErrorAndCannotBeSubclassed() {
        LINES.clear();
        assertThat(vaas.rpc("stateful.attack", "consoleHandler")).isEqualTo("published");
        assertThat(LINES).anyMatch(l -> l.startsWith("stateful ERR") && l.contains("to the app's own stderr"));
        assertThat((String) vaas.rpc("stateful.attack", "consoleSubclass")).startsWith("denied: ")
                .contains("extends java.util.logging.ConsoleHandler, which apps may not extend");
        System.err.print("");
        assertThat(System.err.checkError()).as("the JVM's System.err is still open").isFalse();
    }

    @Test
    void driverManagerSettingsAreTheAppsOwn() {
        int timeout = DriverManager.getLoginTimeout();
        var writer = DriverManager.getLogWriter();
        assertThat(vaas.rpc("stateful.attack", "loginTimeout")).isEqualTo("set 77");
        assertThat(vaas.rpc("stateful.attack", "logWriter")).isEqualTo("jdbc log line true");
        assertThat(DriverManager.getLoginTimeout()).isEqualTo(timeout);
        assertThat(DriverManager.getLogWriter()).isSameAs(writer);
    }

    @Test
    void stackTracesPrintToTheAppsOwnStandardError() {
        LINES.clear();
        assertThat(vaas.rpc("stateful.attack", "printStackTrace")).isEqualTo("printed");
        assertThat(LINES).anyMatch(l -> l.startsWith("stateful ERR") && l.contains("printed by the app"));
        assertThat(LINES).anyMatch(l -> l.startsWith("stateful ERR") && l.contains("java.lang.Exception: Stack trace"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"parallelStream", "parallelArrays", "concurrentMapBulk"})
    void parallelWorkNeverRunsOnTheJvmsCommonPool(String how) {
        String result = (String) vaas.rpc("stateful.attack", how);
        assertThat(result).doesNotContain("jvm-common-pool").doesNotContain("other:").doesNotStartWith("failed");
        switch (how) {
            case "parallelStream" -> assertThat(result).isEqualTo("199990000 20000 20000 caller");
            case "parallelArrays" -> assertThat(result).isEqualTo("true 45 caller");
            default -> assertThat(result).isEqualTo("1249975000 caller");
        }
        assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
    }

    @Test
    void forkJoinTasksOutsideAPoolRunInTheAppsOwnPool() {
        assertThat(vaas.rpc("stateful.attack", "forkJoinTask")).isEqualTo("499500 499500 499500 app");
    }
}
