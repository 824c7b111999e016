package io.vaas;

import io.vaas.virtual.OutputSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Virtual JDK globals: two apps from the same code, each with its own world, and the host's untouched. Each global is
 * reached directly, through a method reference or handle, through reflection, and from a thread the guest started.
 */
class VirtualGlobalsTest {

    static final GuestApp GLOBALS = GuestApp.withDescriptor("{\"name\": \"globals\"}")
            .source("g.Globals", """
                    package g;
                    import io.vaas.api.*;
                    import java.lang.invoke.*;
                    import java.util.*;
                    import java.util.concurrent.*;
                    import java.util.function.*;
                    public class Globals {
                        static int calls;   // a restart resets it

                        static String inThread(Supplier<String> s) throws Exception {
                            String[] out = new String[1];
                            Thread t = new Thread(() -> out[0] = s.get());
                            t.start();
                            t.join();
                            return out[0];
                        }

                        @VaasServer(type = ServerType.RPC) public int count() { return ++calls; }

                        @VaasServer(type = ServerType.RPC) public Map<String, Object> env(String name) throws Throwable {
                            Function<String, String> ref = System::getenv;
                            MethodHandle h = MethodHandles.lookup().findStatic(System.class, "getenv",
                                    MethodType.methodType(String.class, String.class));
                            Map<String, Object> out = new HashMap<>();
                            out.put("direct", String.valueOf(System.getenv(name)));
                            out.put("ref", String.valueOf(ref.apply(name)));
                            out.put("handle", String.valueOf((String) h.invokeExact(name)));
                            out.put("reflect", String.valueOf(System.class.getMethod("getenv", String.class).invoke(null, name)));
                            out.put("thread", String.valueOf(inThread(() -> System.getenv(name))));
                            out.put("size", System.getenv().size());
                            out.put("hasPath", System.getenv().containsKey("PATH"));
                            return out;
                        }

                        @VaasServer(type = ServerType.RPC) public Map<String, String> props(String value) throws Exception {
                            Map<String, String> out = new HashMap<>();
                            out.put("before", String.valueOf(System.getProperty("shared.key")));
                            System.setProperty("shared.key", value);
                            BiFunction<String, String, String> set = System::setProperty;
                            set.apply("ref.key", value + "-ref");
                            System.getProperties().setProperty("bulk.key", value + "-bulk");
                            System.setProperty("num", "42");
                            System.setProperty("flag", "true");
                            out.put("after", System.getProperty("shared.key"));
                            out.put("ref", System.getProperty("ref.key"));
                            out.put("bulk", System.getProperty("bulk.key", "none"));
                            out.put("int", String.valueOf(Integer.getInteger("num")));
                            out.put("long", String.valueOf(Long.getLong("num", 7L)));
                            out.put("bool", String.valueOf(Boolean.getBoolean("flag")));
                            out.put("mode", System.getProperty("mode"));
                            out.put("thread", inThread(() -> System.getProperty("shared.key")));
                            out.put("cleared", String.valueOf(System.clearProperty("ref.key")));
                            out.put("gone", String.valueOf(System.getProperty("ref.key")));
                            out.put("classpath", String.valueOf(System.getProperty("java.class.path")));
                            out.put("javaVersion", String.valueOf(System.getProperty("java.specification.version")));
                            return out;
                        }

                        @VaasServer(type = ServerType.RPC) public String exit(String how) {
                            switch (how) {
                                case "system" -> System.exit(3);
                                case "runtime" -> Runtime.getRuntime().exit(4);
                                case "halt" -> Runtime.getRuntime().halt(5);
                                case "ref" -> { IntConsumer e = System::exit; e.accept(6); }
                                case "swallow" -> { try { System.exit(7); } catch (Throwable t) { return "swallowed"; } }
                                default -> { }
                            }
                            return "still here";
                        }

                        @VaasServer(type = ServerType.RPC) public Map<String, Object> stdio(String text) throws Exception {
                            Map<String, Object> out = new HashMap<>();
                            System.out.println("out " + text);
                            System.err.println("err " + text);
                            Consumer<String> println = System.out::println;
                            println.accept("ref " + text);
                            inThread(() -> { System.out.println("thread " + text); return ""; });
                            out.put("reflectSame", System.class.getField("out").get(null) == System.out);
                            out.put("stdin", System.in.read());
                            out.put("console", System.console() == null);
                            var mine = new java.io.ByteArrayOutputStream();
                            java.io.PrintStream original = System.out;
                            System.setOut(new java.io.PrintStream(mine, true));
                            System.out.println("captured " + text);
                            System.setOut(original);
                            out.put("captured", mine.toString().trim());
                            return out;
                        }

                        @VaasServer(type = ServerType.RPC) public String hook(String text) {
                            Thread hook = new Thread(() -> System.out.println("hook " + text));
                            Consumer<Thread> addHook = Runtime.getRuntime()::addShutdownHook;
                            addHook.accept(hook);
                            Thread removed = new Thread(() -> System.out.println("removed hook"));
                            Runtime.getRuntime().addShutdownHook(removed);
                            return String.valueOf(Runtime.getRuntime().removeShutdownHook(removed));
                        }

                        @VaasServer(type = ServerType.RPC) public Map<String, String> defaults(String tag) throws Exception {
                            Map<String, String> out = new HashMap<>();
                            if (!tag.isEmpty()) {
                                Locale.setDefault(Locale.forLanguageTag(tag));
                                TimeZone.setDefault(TimeZone.getTimeZone("Asia/Tokyo"));
                            }
                            Supplier<Locale> ref = Locale::getDefault;
                            out.put("locale", Locale.getDefault().toLanguageTag());
                            out.put("format", Locale.getDefault(Locale.Category.FORMAT).toLanguageTag());
                            out.put("ref", ref.get().toLanguageTag());
                            out.put("zone", TimeZone.getDefault().getID());
                            out.put("thread", inThread(() -> Locale.getDefault().toLanguageTag()));
                            Supplier<ClassLoader> system = ClassLoader::getSystemClassLoader;
                            IntSupplier cpus = Runtime.getRuntime()::availableProcessors;
                            out.put("systemLoaderIsMine", String.valueOf(ClassLoader.getSystemClassLoader() == Globals.class.getClassLoader()
                                    && system.get() == Globals.class.getClassLoader()));
                            out.put("processors", String.valueOf(Runtime.getRuntime().availableProcessors()));
                            out.put("processorsRef", String.valueOf(cpus.getAsInt()));
                            out.put("zoneThread", inThread(() -> TimeZone.getDefault().getID()));
                            return out;
                        }

                        @VaasServer(type = ServerType.RPC) public String uncaught() throws Exception {
                            String[] seen = new String[1];
                            Thread.setDefaultUncaughtExceptionHandler((t, e) -> seen[0] = t.getName() + ": " + e.getMessage());
                            Thread t = new Thread(() -> { throw new IllegalStateException("boom"); }, "worker");
                            t.start();
                            t.join();
                            Thread.setDefaultUncaughtExceptionHandler(null);
                            return seen[0];
                        }

                        @VaasServer(type = ServerType.RPC) public Map<String, String> threads() throws Exception {
                            Map<String, String> out = new HashMap<>();
                            Callable<String> name = () -> Thread.currentThread().getName();
                            Thread plain = new Thread(() -> { });
                            plain.start();
                            plain.join();
                            out.put("plain", plain.getName());
                            out.put("tccl", String.valueOf(inThread(() -> String.valueOf(
                                    Thread.currentThread().getContextClassLoader() == Globals.class.getClassLoader()))));
                            ExecutorService fixed = Executors.newFixedThreadPool(2);
                            out.put("fixed", fixed.submit(name).get());
                            fixed.shutdown();
                            ThreadPoolExecutor tpe = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
                            out.put("tpe", tpe.submit(name).get());
                            tpe.shutdown();
                            ScheduledExecutorService sched = Executors.newSingleThreadScheduledExecutor();
                            out.put("scheduled", sched.schedule(name, 1, TimeUnit.MILLISECONDS).get());
                            sched.shutdown();
                            out.put("common", ForkJoinPool.commonPool().submit(name).get());
                            out.put("commonReflectSame", String.valueOf(ForkJoinPool.commonPool() == ForkJoinPool.class.getMethod("commonPool").invoke(null)));
                            out.put("async", CompletableFuture.supplyAsync(() -> Thread.currentThread().getName()).get());
                            out.put("thenAsync", CompletableFuture.completedFuture(1)
                                    .thenApplyAsync(x -> Thread.currentThread().getName()).get());
                            out.put("builder", inThreadBuilder());
                            CompletableFuture<String> timed = new CompletableFuture<>();
                            Timer timer = new Timer(true);
                            timer.schedule(new TimerTask() { public void run() { timed.complete(Thread.currentThread().getName()); } }, 1);
                            out.put("timer", timed.get(5, TimeUnit.SECONDS));
                            timer.cancel();
                            Supplier<ExecutorService> factory = Executors::newCachedThreadPool;
                            ExecutorService cached = factory.get();
                            out.put("cachedViaRef", cached.submit(name).get());
                            cached.shutdown();
                            return out;
                        }

                        static String inThreadBuilder() throws Exception {
                            String[] out = new String[1];
                            Thread t = Thread.ofPlatform().start(() -> out[0] = Thread.currentThread().getName());
                            t.join();
                            return out[0];
                        }

                        @VaasServer(type = ServerType.RPC) public String sleeper() {
                            Thread t = new Thread(() -> { try { Thread.sleep(60_000); } catch (InterruptedException e) { } }, "sleeper");
                            t.start();
                            return t.getName();
                        }

                        @VaasServer(type = ServerType.RPC) public Map<String, String> jdbc(boolean register) throws Exception {
                            Map<String, String> out = new HashMap<>();
                            if (register) {
                                java.sql.DriverManager.registerDriver(new FakeDriver(),
                                        () -> System.out.println("driver deregistered"));
                            }
                            try {
                                out.put("driver", java.sql.DriverManager.getDriver("jdbc:fake:x").getClass().getName());
                            } catch (java.sql.SQLException e) {
                                out.put("driver", "none: " + e.getMessage());
                            }
                            out.put("count", String.valueOf(Collections.list(java.sql.DriverManager.getDrivers()).size()));
                            return out;
                        }
                    }
                    """)
            .source("g.FakeDriver", """
                    package g;
                    import java.sql.*;
                    import java.util.*;
                    public class FakeDriver implements Driver {
                        public Connection connect(String url, Properties info) { return null; }
                        public boolean acceptsURL(String url) { return url.startsWith("jdbc:fake:"); }
                        public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) { return new DriverPropertyInfo[0]; }
                        public int getMajorVersion() { return 1; }
                        public int getMinorVersion() { return 0; }
                        public boolean jdbcCompliant() { return false; }
                        public java.util.logging.Logger getParentLogger() { return null; }
                    }
                    """);

    static final ConcurrentLinkedQueue<String> LINES = new ConcurrentLinkedQueue<>();
    static Vaas vaas;
    static Path jar;

    @BeforeAll
    static void deploy(@TempDir Path dir) {
        jar = GLOBALS.writeJar(dir.resolve("globals.jar"));
        OutputSink sink = (app, version, stream, line) -> LINES.add(app + "|" + stream + "|" + line);
        vaas = Vaas.builder().output(sink).passEnv("PATH")
                .deploy(AppSpec.of("a", jar).env("COLOR", "red").property("mode", "prod").config("{\"workers\": 1}"),
                        AppSpec.of("b", jar).env("COLOR", "blue").property("mode", "test"))
                .build();
    }

    @AfterAll
    static void close() {
        vaas.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void environmentIsWhatTheHostGranted() {
        Map<String, Object> a = (Map<String, Object>) vaas.rpc("a.env", "COLOR");
        assertThat(a).containsEntry("direct", "red").containsEntry("ref", "red").containsEntry("handle", "red")
                .containsEntry("reflect", "red").containsEntry("thread", "red")
                .containsEntry("hasPath", System.getenv("PATH") != null);
        assertThat(((Map<String, Object>) vaas.rpc("b.env", "COLOR"))).containsEntry("direct", "blue")
                .containsEntry("thread", "blue");
        // Host variables other than the passed-through ones are invisible.
        String hostOnly = System.getenv().keySet().stream().filter(k -> !k.equals("PATH")).findFirst().orElseThrow();
        assertThat(((Map<String, Object>) vaas.rpc("a.env", hostOnly))).containsEntry("direct", "null")
                .containsEntry("reflect", "null");
        assertThat(System.getenv("COLOR")).isNull();
    }

    @Test
    @SuppressWarnings("unchecked")
    void propertiesAreCopyOnWritePerApp() {
        Map<String, String> a = (Map<String, String>) vaas.rpc("a.props", "from-a");
        assertThat(a).containsEntry("after", "from-a").containsEntry("ref", "from-a-ref")
                .containsEntry("bulk", "from-a-bulk").containsEntry("int", "42").containsEntry("long", "42")
                .containsEntry("bool", "true").containsEntry("mode", "prod").containsEntry("thread", "from-a")
                .containsEntry("cleared", "from-a-ref").containsEntry("gone", "null")
                .containsEntry("classpath", "null")
                .containsEntry("javaVersion", System.getProperty("java.specification.version"));
        Map<String, String> b = (Map<String, String>) vaas.rpc("b.props", "from-b");
        assertThat(b).containsEntry("before", "null").containsEntry("after", "from-b").containsEntry("mode", "test");
        assertThat(((Map<String, String>) vaas.rpc("a.props", "again"))).containsEntry("before", "from-a");
        assertThat(System.getProperty("shared.key")).isNull();
        assertThat(System.getProperty("num")).isNull();
    }

    @Test
    void exitEndsTheCallOnlyAndTheAppRestarts() {
        assertThat(vaas.rpc("b.count")).isEqualTo(1);
        assertThat(vaas.rpc("b.count")).isEqualTo(2);
        for (String how : List.of("system", "runtime", "halt", "ref", "swallow")) {
            assertThatThrownBy(() -> vaas.rpc("b.exit", how))
                    .as(how)
                    .isInstanceOfSatisfying(VaasCallException.class, e -> {
                        assertThat(e.code()).isEqualTo("app_exited");
                        assertThat(e.status()).isEqualTo(500);
                    })
                    .hasMessageContaining("app 'b'").hasMessageContaining("restarts on its next call");
            // Restarted: the static counter starts again. The neighbour never noticed.
            assertThat(vaas.rpc("b.count")).isEqualTo(1);
            assertThat(vaas.rpc("a.exit", "none")).isEqualTo("still here");
        }
        assertThatThrownBy(() -> vaas.rpc("b.exit", "system")).hasMessageContaining("System.exit(3)");
        assertThatThrownBy(() -> vaas.rpc("b.exit", "halt")).hasMessageContaining("Runtime.halt(5)");
    }

    @Test
    @SuppressWarnings("unchecked")
    void standardStreamsAreTheAppsOwn() {
        PrintStream hostOut = System.out;
        LINES.clear();
        Map<String, Object> r = (Map<String, Object>) vaas.rpc("a.stdio", "hi");
        assertThat(r).containsEntry("reflectSame", true).containsEntry("stdin", -1).containsEntry("console", true)
                .containsEntry("captured", "captured hi");
        assertThat(LINES).contains("a|OUT|out hi", "a|ERR|err hi", "a|OUT|ref hi", "a|OUT|thread hi")
                .noneMatch(l -> l.contains("captured"));
        assertThat(System.out).isSameAs(hostOut);
        vaas.rpc("b.stdio", "yo");
        assertThat(LINES).contains("b|OUT|out yo").noneMatch(l -> l.startsWith("a|") && l.contains("yo"));
    }

    @Test
    void shutdownHooksRunWhenTheAppUnloads() {
        LINES.clear();
        try (Vaas own = Vaas.builder().output((app, v, s, line) -> LINES.add(app + "|" + line)).build()) {
            own.deploy(AppSpec.of("hooked", jar));
            assertThat(own.rpc("hooked.hook", "bye")).isEqualTo("true");
            assertThat(LINES).noneMatch(l -> l.contains("hook"));
            own.undeploy("hooked");
            assertThat(LINES).contains("hooked|hook bye").doesNotContain("hooked|removed hook");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void localeTimeZoneAndLoaderDefaultsArePerApp() {
        Locale hostLocale = Locale.getDefault();
        TimeZone hostZone = TimeZone.getDefault();
        Map<String, String> a = (Map<String, String>) vaas.rpc("a.defaults", "fr-FR");
        assertThat(a).containsEntry("locale", "fr-FR").containsEntry("format", "fr-FR").containsEntry("ref", "fr-FR")
                .containsEntry("zone", "Asia/Tokyo").containsEntry("thread", "fr-FR")
                .containsEntry("systemLoaderIsMine", "true")
                .containsEntry("processors", "1").containsEntry("processorsRef", "1")
                .containsEntry("zoneThread", "Asia/Tokyo");
        Map<String, String> b = (Map<String, String>) vaas.rpc("b.defaults", "");
        assertThat(b).containsEntry("locale", hostLocale.toLanguageTag()).containsEntry("zone", hostZone.getID())
                .containsEntry("processors", String.valueOf(Math.min(4, Runtime.getRuntime().availableProcessors())));
        assertThat(Locale.getDefault()).isEqualTo(hostLocale);
        assertThat(TimeZone.getDefault()).isEqualTo(hostZone);
    }

    @Test
    void uncaughtExceptionHandlerIsPerApp() {
        Thread.UncaughtExceptionHandler host = Thread.getDefaultUncaughtExceptionHandler();
        assertThat(vaas.rpc("a.uncaught")).isEqualTo("a/worker: boom");
        assertThat(Thread.getDefaultUncaughtExceptionHandler()).isSameAs(host);
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyThreadTheAppStartsIsTheApps() {
        Map<String, String> t = (Map<String, String>) vaas.rpc("a.threads");
        assertThat(t.get("plain")).startsWith("a/Thread-");
        assertThat(t).containsEntry("tccl", "true").containsEntry("commonReflectSame", "true");
        for (String key : List.of("fixed", "tpe", "scheduled", "common", "async", "thenAsync", "builder", "timer",
                "cachedViaRef")) {
            assertThat(t.get(key)).as(key).startsWith("a/");
        }
        assertThat(t.get("timer")).startsWith("a/Timer-");
        assertThat(vaas.instance("a").context().threads().startedCount()).isGreaterThanOrEqualTo(8);
        assertThat(((Map<String, String>) vaas.rpc("b.threads")).get("fixed")).startsWith("b/pool-");
    }

    @Test
    void threadsAreFoundAndInterruptedAtUnload() throws Exception {
        try (Vaas own = Vaas.builder().build()) {
            own.deploy(AppSpec.of("sleepy", jar));
            assertThat(own.rpc("sleepy.sleeper")).isEqualTo("sleepy/sleeper");
            List<Thread> live = own.instance("sleepy").context().threads().live();
            assertThat(live).extracting(Thread::getName).contains("sleepy/sleeper");
            Thread sleeper = live.stream().filter(x -> x.getName().equals("sleepy/sleeper")).findFirst().orElseThrow();
            own.undeploy("sleepy");
            sleeper.join(5_000);
            assertThat(sleeper.isAlive()).isFalse();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void jdbcDriversArePerAppAndDeregisteredAtUnload() {
        LINES.clear();
        try (Vaas own = Vaas.builder().output((app, v, s, line) -> LINES.add(app + "|" + line)).build()) {
            own.deploy(AppSpec.of("db1", jar));
            own.deploy(AppSpec.of("db2", jar));
            assertThat((Map<String, String>) own.rpc("db1.jdbc", true)).containsEntry("driver", "g.FakeDriver")
                    .containsEntry("count", "1");
            assertThat(((Map<String, String>) own.rpc("db2.jdbc", false)).get("driver")).startsWith("none: ")
                    .contains("app 'db2'");
            assertThat(Collections.list(DriverManager.getDrivers()))
                    .noneMatch(d -> d.getClass().getName().equals("g.FakeDriver"));
            own.undeploy("db1");
            assertThat(LINES).contains("db1|driver deregistered");
        }
    }
}
