package io.vaas;

import io.vaas.hostapi.HostRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * No loader but the app's, no host path and no host frame: adversarial guests that look for the host's class
 * loader (through the thread context loader on threads of the host, {@code ServiceLoader}, {@code ResourceBundle},
 * {@code Class.forName} with a module or a loader), for where the host keeps its code (code sources, resources of
 * the guest API's classes), for the host's settings (system properties) and for the host's frames (stack traces
 * read every way). Each attempt is contained, and the neighbour app answers right after.
 */
class HostLoaderTest {

    static final GuestApp PROBER = GuestApp.withDescriptor("{\"name\": \"prober\", \"permissions\": [\"rpc\"],"
                    + " \"properties\": {\"own.key\": \"own value\"}}")
            .resource("META-INF/services/java.util.function.Supplier", "p.AppSupplier\n")
            .resource("appbundle.properties", "greeting=hello from the app\n")
            .source("p.AppSupplier", """
                    package p;
                    public class AppSupplier implements java.util.function.Supplier<String> {
                        public String get() { return "the app's provider"; }
                    }
                    """)
            .source("p.Prober", """
                    package p;
                    import io.vaas.api.*;
                    import io.vaas.hostapi.HostRunner;
                    import java.io.*;
                    import java.util.*;
                    import java.util.concurrent.Callable;
                    import java.util.function.*;
                    public class Prober {
                        interface Attempt { Object run() throws Throwable; }
                        static String attempt(Attempt a) {
                            try {
                                return "result: " + a.run();
                            } catch (SecurityException e) {
                                return "denied: " + e.getMessage();
                            } catch (ClassNotFoundException | NoClassDefFoundError e) {
                                return "invisible: " + e.getMessage();
                            } catch (MissingResourceException e) {
                                return "missing: " + e.getMessage();
                            } catch (Throwable t) {
                                return "failed: " + t;
                            }
                        }
                        static <T> T onHostThread(Callable<T> work) throws Exception {
                            return Services.get(HostRunner.class).run(work);
                        }
                        static String frames(StackTraceElement[] trace) {
                            StringBuilder b = new StringBuilder();
                            for (StackTraceElement f : trace) {
                                b.append(f).append('\\n');
                            }
                            return b.toString();
                        }
                        static List<String> providers(ServiceLoader<Supplier> loader) {
                            List<String> out = new ArrayList<>();
                            for (Supplier s : loader) {
                                out.add(String.valueOf(s.get()));
                            }
                            return out;
                        }
                        /** The exception's serialized form, which holds its frames as written by the JDK. */
                        static String serialized(Throwable t) throws IOException {
                            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                                out.writeObject(t);
                            }
                            String text = bytes.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
                            return (text.contains("p.Prober") ? "own frames" : "no own frames")
                                    + (text.contains("io.vaas.run.") || text.contains("io.vaas.virtual.")
                                    || text.contains("io.vaas.api.Rpc") || text.contains("org.junit")
                                    ? ", host frames" : ", no host frames");
                        }
                        static class Oops extends RuntimeException {
                            Oops() { super("oops"); }
                        }
                        @VaasServer(type = ServerType.RPC) public String attack(String how) {
                            return switch (how) {
                                case "hostThreadLoaderIsTheApps" -> attempt(() -> onHostThread(() ->
                                        Thread.currentThread().getContextClassLoader() == Prober.class.getClassLoader()));
                                case "hostThreadLoadsHostClass" -> attempt(() -> onHostThread(() ->
                                        Thread.currentThread().getContextClassLoader().loadClass("io.vaas.Vaas")));
                                case "hostThreadLoaderByReference" -> attempt(() -> {
                                    Function<Thread, ClassLoader> loaderOf = Thread::getContextClassLoader;
                                    return onHostThread(() -> loaderOf.apply(Thread.currentThread())
                                            .loadClass("com.fasterxml.jackson.databind.ObjectMapper"));
                                });
                                case "hostThreadLoaderReflective" -> attempt(() -> onHostThread(() ->
                                        ((ClassLoader) Thread.class.getMethod("getContextClassLoader")
                                                .invoke(Thread.currentThread())).loadClass("io.vaas.Vaas")));
                                case "hostThreadForName" -> attempt(() -> onHostThread(() -> Class.forName("io.vaas.Vaas",
                                        false, Thread.currentThread().getContextClassLoader())));
                                case "hostThreadServiceLoader" -> attempt(() -> onHostThread(() ->
                                        providers(ServiceLoader.load(Supplier.class))));
                                case "serviceLoaderNull" -> attempt(() -> providers(ServiceLoader.load(Supplier.class, null)));
                                case "serviceLoaderInstalled" -> attempt(() -> providers(ServiceLoader.loadInstalled(Supplier.class)));
                                case "hostThreadBundle" -> attempt(() -> onHostThread(() -> ResourceBundle.getBundle(
                                        "hostbundle", Locale.ROOT, Thread.currentThread().getContextClassLoader())
                                        .getString("secret")));
                                case "bundleByName" -> attempt(() -> ResourceBundle.getBundle("hostbundle").getString("secret"));
                                case "bundleOfApiModule" -> attempt(() -> ResourceBundle.getBundle("hostbundle",
                                        Rpc.class.getModule()).getString("secret"));
                                case "ownBundle" -> attempt(() -> ResourceBundle.getBundle("appbundle").getString("greeting"));
                                case "forNameInApiModule" -> attempt(() -> Class.forName(Rpc.class.getModule(), "io.vaas.Vaas")
                                        + " / " + Class.forName(Rpc.class.getModule(), "io.vaas.api.Rpc"));
                                case "hostThreadSetLoader" -> attempt(() -> onHostThread(() -> {
                                    Thread.currentThread().setContextClassLoader(null);
                                    return "set, now " + Thread.currentThread().getContextClassLoader();
                                }));
                                case "apiCodeSource" -> attempt(() -> Rpc.class.getProtectionDomain().getCodeSource().getLocation());
                                case "ownCodeSource" -> attempt(() -> Prober.class.getProtectionDomain().getCodeSource().getLocation());
                                case "jdkCodeSource" -> attempt(() -> String.class.getProtectionDomain().getCodeSource()
                                        + " " + java.sql.Connection.class.getProtectionDomain().getCodeSource().getLocation());
                                case "apiResources" -> attempt(() -> Rpc.class.getResource("/hostbundle.properties") + " "
                                        + Rpc.class.getResourceAsStream("Rpc.class") + " "
                                        + Rpc.class.getResource("/simplelogger.properties"));
                                case "properties" -> attempt(() -> new TreeMap<>(System.getProperties()));
                                case "propertyReaders" -> attempt(() -> System.getProperty("java.home", "none") + " "
                                        + System.getProperty("java.test.hostsecret") + " "
                                        + Integer.getInteger("vaas.test.hostnumber") + " "
                                        + Long.getLong("vaas.test.hostnumber") + " "
                                        + Boolean.getBoolean("vaas.test.hostflag") + " "
                                        + System.getProperty("user.dir") + " "
                                        + System.lineSeparator().equals(System.getProperty("line.separator")));
                                case "stackOfOwnException" -> attempt(() -> frames(new Oops().getStackTrace()));
                                case "stackOfJdkException" -> attempt(() -> {
                                    IOException e = new IOException("x");
                                    return frames(e.getStackTrace());
                                });
                                case "stackPrinted" -> attempt(() -> {
                                    StringWriter text = new StringWriter();
                                    new IllegalStateException("outer", new Oops()).printStackTrace(new PrintWriter(text));
                                    return text;
                                });
                                case "stackPrintedToStream" -> attempt(() -> {
                                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                                    new Oops().printStackTrace(new PrintStream(bytes, true));
                                    return bytes.toString();
                                });
                                case "stackOfThread" -> attempt(() -> frames(Thread.currentThread().getStackTrace()));
                                case "stackOfHostThread" -> attempt(() -> onHostThread(() ->
                                        frames(Thread.currentThread().getStackTrace())));
                                case "stackOfDenial" -> attempt(() -> {
                                    try {
                                        return Runtime.getRuntime().exec("true");
                                    } catch (SecurityException e) {
                                        return frames(e.getStackTrace());
                                    }
                                });
                                case "stackOfRpcFailure" -> attempt(() -> {
                                    try {
                                        return Rpc.call("nosuch.route", null);
                                    } catch (VaasException e) {
                                        return frames(e.getStackTrace());
                                    }
                                });
                                case "serializedDenial" -> attempt(() -> {
                                    try {
                                        return Runtime.getRuntime().exec("true");
                                    } catch (SecurityException e) {
                                        return serialized(e);
                                    }
                                });
                                case "serializedRpcFailure" -> attempt(() -> {
                                    try {
                                        return Rpc.call("nosuch.route", null);
                                    } catch (VaasException e) {
                                        return serialized(e);
                                    }
                                });
                                case "stackReflective" -> attempt(() -> frames((StackTraceElement[])
                                        Throwable.class.getMethod("getStackTrace").invoke(new Oops())));
                                case "stackByReference" -> attempt(() -> {
                                    Function<Throwable, StackTraceElement[]> traceOf = Throwable::getStackTrace;
                                    return frames(traceOf.apply(new Oops()));
                                });
                                default -> "unknown attack " + how;
                            };
                        }
                        @VaasServer(type = ServerType.RPC) public String fail() {
                            throw new Oops();
                        }
                    }
                    """);

    static Vaas vaas;
    static Path dir;
    /** What the host's runner saw of its own thread after each app callback: its context loader, unchanged or not. */
    static final ConcurrentLinkedQueue<String> hostThreadAfter = new ConcurrentLinkedQueue<>();

    /** The host's service: runs app callbacks on a thread of its own whose context loader is the host's. */
    static final HostRunner RUNNER = new HostRunner() {
        @Override
        public <T> T run(Callable<T> work) throws Exception {
            ClassLoader host = HostLoaderTest.class.getClassLoader();
            AtomicReference<Object> outcome = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    outcome.set(new Object[] {work.call()});
                } catch (Throwable e) {
                    outcome.set(e);
                }
                hostThreadAfter.add(Thread.currentThread().getContextClassLoader() == host ? "unchanged" : "changed");
            }, "host-runner");
            t.setContextClassLoader(host);
            t.start();
            t.join();
            if (outcome.get() instanceof Exception e) {
                throw e;
            }
            if (outcome.get() instanceof Error e) {
                throw e;
            }
            @SuppressWarnings("unchecked")
            T result = (T) ((Object[]) outcome.get())[0];
            return result;
        }
    };

    @BeforeAll
    static void deploy(@TempDir Path tmp) {
        dir = tmp;
        // The host's own settings, which no app may see.
        System.setProperty("java.test.hostsecret", tmp.toString());
        System.setProperty("vaas.test.hostnumber", "42");
        System.setProperty("vaas.test.hostflag", "true");
        vaas = Vaas.builder().exportPackages("io.vaas.hostapi").service(HostRunner.class, RUNNER)
                .deploy(AppSpec.of(PROBER.writeFolder(tmp.resolve("prober"))),
                        AppSpec.of(BadInputTest.NEIGHBOUR.writeJar(tmp.resolve("neighbour.jar"))))
                .build();
    }

    @AfterAll
    static void close() {
        vaas.close();
        System.clearProperty("java.test.hostsecret");
        System.clearProperty("vaas.test.hostnumber");
        System.clearProperty("vaas.test.hostflag");
    }

    private static String attack(String how) {
        String result = (String) vaas.rpc("prober.attack", how);
        assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        return result;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hostThreadLoadsHostClass", "hostThreadLoaderByReference", "hostThreadLoaderReflective",
            "hostThreadForName"})
    void onTheHostsThreadsTheContextLoaderIsTheApps(String how) {
        assertThat(attack("hostThreadLoaderIsTheApps")).isEqualTo("result: true");
        assertThat(attack(how)).as(how).startsWith("invisible: ").contains("app 'prober'");
    }

    @Test
    void settingTheContextLoaderOnAHostThreadStaysInTheApp() {
        hostThreadAfter.clear();
        assertThat(attack("hostThreadSetLoader")).isEqualTo("result: set, now null");
        assertThat(hostThreadAfter).containsExactly("unchanged");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            hostThreadServiceLoader | result: [the app's provider]
            serviceLoaderNull       | result: [the app's provider]
            serviceLoaderInstalled  | result: []
            ownBundle               | result: hello from the app
            """)
    void serviceLoadersAndBundlesSearchTheApp(String how, String expected) {
        assertThat(attack(how)).as(how).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bundleByName", "bundleOfApiModule", "hostThreadBundle"})
    void theHostsBundlesAreNotFound(String how) {
        assertThat(attack(how)).as(how).startsWith("missing: ").contains("hostbundle");
    }

    @Test
    void aModuleOfTheHostGivesOnlyWhatTheAppSees() {
        assertThat(attack("forNameInApiModule")).isEqualTo("result: null / class io.vaas.api.Rpc");
    }

    @Test
    void codeSourcesNameNoHostPath() {
        assertThat(attack("apiCodeSource")).isEqualTo("result: null");
        assertThat(attack("ownCodeSource")).startsWith("result: vaas://").doesNotContain(dir.toString());
        assertThat(attack("jdkCodeSource")).isEqualTo("result: null jrt:/java.sql");
        assertThat(attack("apiResources")).isEqualTo("result: null null null");
    }

    @Test
    void propertiesAreTheSafeListAndTheAppsOwn() {
        String props = attack("properties");
        assertThat(props).contains("own.key=own value", "java.specification.version=", "user.dir=/",
                "line.separator=", "os.name=");
        assertThat(props).doesNotContain("java.home", "java.class.path", "java.library.path", "user.name=",
                "sun.", "jdk.", "java.test.hostsecret", "vaas.test.host", dir.toString(),
                System.getProperty("java.home"), System.getProperty("user.home"));
        assertThat(attack("propertyReaders")).isEqualTo("result: none null null null false / true");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"stackOfOwnException", "stackOfJdkException", "stackPrinted", "stackPrintedToStream",
            "stackOfThread", "stackOfDenial", "stackOfRpcFailure", "stackReflective", "stackByReference"})
    void stackTracesShowTheAppsFramesAndTheJdksOnly(String how) {
        String trace = attack(how);
        assertThat(trace).as(how).startsWith("result: ").contains("p.Prober")
                .doesNotContain("io.vaas.", "org.junit", "org.apache", "app//");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"serializedDenial", "serializedRpcFailure"})
    void exceptionsTheContainerThrowsIntoAnAppHoldNoHostFrame(String how) {
        assertThat(attack(how)).as(how).isEqualTo("result: own frames, no host frames");
    }

    @Test
    void onAHostThreadTheStackHasNoHostFrameEither() {
        // The host's runner and its service are all the thread holds below the app's callback: nothing is left.
        assertThat(attack("stackOfHostThread")).as("stackOfHostThread").startsWith("result: ")
                .doesNotContain("io.vaas.", "HostLoaderTest", "app//");
    }

    @Test
    void theHostKeepsTheFullTrace() {
        assertThatThrownBy(() -> vaas.rpc("prober.fail"))
                .isInstanceOfSatisfying(VaasCallException.class, e -> assertThat(e.getCause().getStackTrace())
                        .anySatisfy(f -> assertThat(f.getClassName()).startsWith("io.vaas.run."))
                        .anySatisfy(f -> assertThat(f.getClassName()).isEqualTo("p.Prober")));
    }
}
