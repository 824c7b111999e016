package io.vaas;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Adversarial guests under the default policy: each case is one way out of the sandbox. Every attempt must fail
 * cleanly with an error that names the app and the permission (or says none allows it), and the neighbour app
 * must answer right after it.
 */
class EscapeSuiteTest {

    static final GuestApp ESCAPER = GuestApp.named("escaper").source("e.Escaper", """
            package e;
            import io.vaas.api.*;
            import java.lang.invoke.*;
            import java.util.function.*;
            public class Escaper {
                interface Attempt { Object run() throws Throwable; }
                static String attempt(Attempt a) {
                    try {
                        return "escaped: " + a.run();
                    } catch (SecurityException e) {
                        return "denied: " + e.getMessage();
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        return e.getCause() instanceof SecurityException s ? "denied: " + s.getMessage() : "failed: " + e.getCause();
                    } catch (ExceptionInInitializerError e) {
                        return e.getCause() instanceof SecurityException s ? "denied: " + s.getMessage() : "failed: " + e.getCause();
                    } catch (ClassNotFoundException | NoClassDefFoundError e) {
                        return "invisible: " + e.getMessage();
                    } catch (Throwable t) {
                        return "failed: " + t;
                    }
                }
                @VaasServer(type = ServerType.RPC) public String attack(String how) {
                    return switch (how) {
                        case "processHandle" -> attempt(() -> ProcessHandle.current().pid());
                        case "execByReference" -> attempt(() -> {
                            Function<String[], Process> exec = cmd -> { try { return Runtime.getRuntime().exec(cmd); }
                                    catch (java.io.IOException x) { throw new RuntimeException(x); } };
                            return exec.apply(new String[] {"true"});
                        });
                        case "processBuilderRef" -> attempt(() -> {
                            Function<String[], ProcessBuilder> make = ProcessBuilder::new;
                            return make.apply(new String[] {"true"}).start();
                        });
                        case "fileWrite" -> attempt(() -> new java.io.FileOutputStream("/tmp/vaas-escape"));
                        case "filesRead" -> attempt(() -> java.nio.file.Files.readString(java.nio.file.Path.of("/etc/hostname")));
                        case "fileObject" -> attempt(() -> new java.io.File("/etc").list());
                        case "printStreamFile" -> attempt(() -> new java.io.PrintStream("/tmp/vaas-escape"));
                        case "zipFile" -> attempt(() -> new java.util.zip.ZipFile("/tmp/none.zip"));
                        case "socket" -> attempt(() -> new java.net.Socket("127.0.0.1", 1));
                        case "serverSocket" -> attempt(() -> new java.net.ServerSocket(0));
                        case "urlOpenStream" -> attempt(() -> new java.net.URI("file:/etc/hostname").toURL().openStream());
                        case "urlHttp" -> attempt(() -> new java.net.URI("http://127.0.0.1:1/").toURL().openStream());
                        case "urlJar" -> attempt(() -> new java.net.URI("jar:file:/x.jar!/a").toURL().openStream());
                        case "fileSubclass" -> attempt(() -> new java.io.File("/") { }.exists());
                        case "authenticator" -> attempt(() -> { java.net.Authenticator.setDefault(null); return "set"; });
                        case "dnsLookup" -> attempt(() -> java.net.InetAddress.getByName("localhost"));
                        case "httpClient" -> attempt(() -> java.net.http.HttpClient.newHttpClient());
                        case "management" -> attempt(() -> java.lang.management.ManagementFactory.getRuntimeMXBean().getName());
                        case "unsafe" -> attempt(() -> {
                            var f = Class.forName("sun.misc.Unsafe").getDeclaredField("theUnsafe");
                            f.setAccessible(true);
                            return f.get(null);
                        });
                        case "allThreads" -> attempt(() -> Thread.getAllStackTraces().keySet());
                        case "threadGroup" -> attempt(() -> Thread.currentThread().getThreadGroup().getParent());
                        case "securityManager" -> attempt(() -> { System.setSecurityManager(null); return "set"; });
                        case "securityProperty" -> attempt(() -> { java.security.Security.setProperty("x", "y"); return "set"; });
                        case "moduleLayer" -> attempt(() -> ModuleLayer.boot().modules().size());
                        case "loadLibrary" -> attempt(() -> { System.loadLibrary("c"); return "loaded"; });
                        case "foreignMemory" -> attempt(() -> java.lang.foreign.Arena.ofConfined());
                        case "platformLoader" -> attempt(() -> ClassLoader.getPlatformClassLoader().loadClass("java.lang.String"));
                        case "urlClassLoader" -> attempt(() -> new java.net.URLClassLoader(new java.net.URL[0]));
                        case "privateLookup" -> attempt(() -> MethodHandles.privateLookupIn(String.class, MethodHandles.lookup()));
                        case "stackWalker" -> attempt(() -> StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE));
                        case "xmlParser" -> attempt(() -> javax.xml.parsers.DocumentBuilderFactory.newInstance());
                        case "hostClass" -> attempt(() -> Class.forName("io.vaas.Vaas"));
                        case "hostJackson" -> attempt(() -> Class.forName("com.fasterxml.jackson.databind.ObjectMapper"));
                        case "execReflective" -> attempt(() -> Runtime.class.getMethod("exec", String.class)
                                .invoke(Runtime.getRuntime(), "true"));
                        case "jdkSetAccessible" -> attempt(() -> {
                            var f = String.class.getDeclaredField("value");
                            f.setAccessible(true);
                            return f;
                        });
                        case "lookupFindExec" -> attempt(() -> MethodHandles.publicLookup().findVirtual(Runtime.class,
                                "exec", MethodType.methodType(Process.class, String.class)));
                        case "inheritedStatic" -> attempt(() -> Sneaky.getAllStackTraces().size());
                        case "loaderSubclass" -> attempt(() -> new ClassLoader(Escaper.class.getClassLoader()) { });
                        case "lookupDefine" -> attempt(() -> MethodHandles.lookup().defineClass(new byte[] {1, 2, 3}));
                        case "runtimeSupport" -> attempt(() -> Class.forName("io.vaas.virtual.VirtualEnvironment")
                                .getMethod("getenv", String.class, Class.class).invoke(null, "PATH", String.class));
                        case "logManager" -> attempt(() -> { java.util.logging.LogManager.getLogManager().reset(); return "reset"; });
                        case "gc" -> attempt(() -> { Runtime.getRuntime().gc(); return "collected"; });
                        case "systemGc" -> attempt(() -> { System.gc(); return "collected"; });
                        case "systemGcByReference" -> attempt(() -> { Runnable r = System::gc; r.run(); return "collected"; });
                        case "systemGcReflective" -> attempt(() -> System.class.getMethod("gc").invoke(null));
                        case "scannerFile" -> attempt(() -> new java.util.Scanner(java.nio.file.Path.of("/etc/hostname")));
                        case "datagram" -> attempt(() -> new java.net.DatagramSocket());
                        case "apiClassLoader" -> attempt(() -> VaasServer.class.getClassLoader().loadClass("io.vaas.Vaas"));
                        case "apiDomainLoader" -> attempt(() -> VaasServer.class.getProtectionDomain().getClassLoader()
                                .loadClass("io.vaas.Vaas"));
                        case "lookupFindClass" -> attempt(() -> MethodHandles.lookup().findClass("io.vaas.Vaas"));
                        case "loaderByReference" -> attempt(() -> {
                            Function<Class<?>, ClassLoader> loaderOf = Class::getClassLoader;
                            return loaderOf.apply(HttpRequest.class).loadClass("org.slf4j.LoggerFactory");
                        });
                        case "renameCaller" -> attempt(() -> { Thread.currentThread().setName("pwned"); return "renamed"; });
                        case "renameReflective" -> attempt(() -> Thread.class.getMethod("setName", String.class)
                                .invoke(Thread.currentThread(), "pwned"));
                        case "callerHandler" -> attempt(() -> {
                            Thread.currentThread().setUncaughtExceptionHandler((t, x) -> { });
                            return "handler set";
                        });
                        case "callerPriority" -> attempt(() -> { Thread.currentThread().setPriority(Thread.MAX_PRIORITY); return "raised"; });
                        case "ownThread" -> attempt(() -> {
                            Thread t = new Thread(() -> Thread.currentThread().setName("renamed-by-itself"));
                            t.setName("mine");
                            t.setDaemon(true);
                            t.setUncaughtExceptionHandler((th, x) -> { });
                            t.start();
                            t.join();
                            return t.getName();
                        });
                        default -> "unknown attack " + how;
                    };
                }
                static class Sneaky extends Thread { }
            }
            """);

    static Vaas vaas;

    @BeforeAll
    static void deploy(@TempDir Path dir) {
        vaas = ESCAPER.deployWithNeighbour(dir, "escaper.jar");
    }

    @AfterAll
    static void close() {
        vaas.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            processHandle      | process
            execByReference    | process
            processBuilderRef  | process
            fileWrite          | files:write
            filesRead          | files:read
            fileObject         | files:read
            printStreamFile    | files:write
            zipFile            | files:read
            socket             | net:connect
            serverSocket       | net:listen
            urlOpenStream      | files:read
            urlHttp            | net:connect
            urlJar             | no permission
            fileSubclass       | no permission
            authenticator      | no permission
            dnsLookup          | net:connect
            httpClient         | net:connect
            management         | management
            unsafe             | reflection
            allThreads         | threads
            threadGroup        | threads
            securityManager    | no permission
            securityProperty   | no permission
            moduleLayer        | no permission
            loadLibrary        | native
            foreignMemory      | native
            platformLoader     | classloading
            urlClassLoader     | no permission
            privateLookup      | reflection
            stackWalker        | reflection
            xmlParser          | xml
            execReflective     | process
            jdkSetAccessible   | reflection
            lookupFindExec     | process
            inheritedStatic    | threads
            loaderSubclass     | classloading
            lookupDefine       | classloading
            logManager         | management
            gc                 | management
            systemGc           | management
            systemGcByReference | management
            systemGcReflective | management
            scannerFile        | files:read
            datagram           | net:connect
            """)
    void eachWayOutIsDeniedNamingThePermission(String attack, String permission) {
        String result = (String) vaas.rpc("escaper.attack", attack);
        assertThat(result).as(attack).startsWith("denied: ").contains("app 'escaper'")
                .contains(permission.equals("no permission") ? "no permission allows it" : "'" + permission + "'");
        assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            renameCaller     | setName
            renameReflective | setName
            callerHandler    | setUncaughtExceptionHandler
            callerPriority   | setPriority
            """)
    void theCallersThreadIsLeftAsTheAppFoundIt(String attack, String method) {
        Thread caller = Thread.currentThread();
        String name = caller.getName();
        Thread.UncaughtExceptionHandler handler = caller.getUncaughtExceptionHandler();
        int priority = caller.getPriority();
        String result = (String) vaas.rpc("escaper.attack", attack);
        assertThat(result).as(attack).startsWith("denied: app 'escaper' may not call Thread." + method + " on thread '"
                + name + "': it is not one of the app's threads");
        assertThat(caller.getName()).isEqualTo(name);
        assertThat(caller.getUncaughtExceptionHandler()).isSameAs(handler);
        assertThat(caller.getPriority()).isEqualTo(priority);
        // Its own threads are the app's to name and configure.
        assertThat(vaas.rpc("escaper.attack", "ownThread")).isEqualTo("escaped: renamed-by-itself");
        assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"hostClass", "hostJackson", "runtimeSupport", "apiClassLoader", "apiDomainLoader", "lookupFindClass",
            "loaderByReference"})
    void hostClassesStayOutOfReach(String attack) {
        String result = (String) vaas.rpc("escaper.attack", attack);
        assertThat(result).as(attack).matches("(invisible|denied): .*");
        assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
    }
}
