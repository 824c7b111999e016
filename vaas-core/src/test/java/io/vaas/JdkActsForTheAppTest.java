package io.vaas;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Adversarial guests that try to get the JDK to act for them under the default policy: members of the packages an
 * app may use that run tools, open the host's files, load code, start threads the container does not adopt, look
 * names up or change JVM-wide state inside the JDK, where no call site of the app is rewritten. {@code core} is
 * derived from the JDK's bytecode ({@code io.vaas.policy.analysis}), so each such member is refused at the app's
 * call with the API and the way out, while a neighbour keeps answering and the host stays as it was.
 */
class JdkActsForTheAppTest {

    static final GuestApp ACTOR = GuestApp.named("jdk-acts").source("a.Acts", """
            package a;
            import io.vaas.api.*;
            import java.nio.charset.Charset;
            import java.util.*;
            import java.util.concurrent.*;
            public class Acts {
                interface Attempt { Object run() throws Throwable; }
                static String attempt(Attempt a) {
                    try {
                        return "escaped: " + a.run();
                    } catch (SecurityException e) {
                        return "denied: " + e.getMessage();
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        return e.getCause() instanceof SecurityException s ? "denied: " + s.getMessage() : "failed: " + e.getCause();
                    } catch (ClassNotFoundException | NoClassDefFoundError e) {
                        return "invisible: " + e.getMessage();
                    } catch (Throwable t) {
                        return "failed: " + t;
                    }
                }
                @VaasServer(type = ServerType.RPC) public String attack(String how) {
                    return switch (how) {
                        case "javacTool" -> attempt(() -> java.util.spi.ToolProvider.findFirst("javac").orElseThrow()
                                .run(System.out, System.err, "-d", "/tmp", "/tmp/Evil.java"));
                        case "jarTool" -> attempt(() -> java.util.spi.ToolProvider.findFirst("jar").orElseThrow()
                                .run(System.out, System.err, "--list", "--file", "/etc/hostname"));
                        case "systemCompiler" -> attempt(() -> javax.tools.ToolProvider.getSystemJavaCompiler());
                        case "toolsOfThePlatform" -> attempt(() -> ServiceLoader.load(java.util.spi.ToolProvider.class,
                                ClassLoader.getPlatformClassLoader()).findFirst());
                        case "keyStoreFile" -> attempt(() -> java.security.KeyStore.getInstance(
                                new java.io.File("/etc/hostname"), new char[0]));
                        case "keyStoreBuilder" -> attempt(() -> java.security.KeyStore.Builder.newInstance("PKCS12", null,
                                new java.io.File("/etc/hostname"), null));
                        case "jarByName" -> attempt(() -> new java.util.jar.JarFile("/etc/hostname"));
                        case "zipFileSystem" -> attempt(() -> java.nio.file.FileSystems.newFileSystem(
                                java.net.URI.create("jar:file:/tmp/vaas-acts.zip"), Map.of("create", "true")));
                        case "hostFileSystem" -> attempt(() -> java.nio.file.FileSystems.getFileSystem(
                                java.net.URI.create("file:///")).getPath("/etc/hostname"));
                        case "internalByName" -> attempt(() -> Class.forName("jdk.internal.misc.Unsafe")
                                .getMethod("getUnsafe").invoke(null));
                        case "compilerByName" -> attempt(() -> Class.forName("com.sun.tools.javac.api.JavacTool"));
                        case "loggingConfig" -> attempt(() -> {
                            java.util.logging.LogManager.getLogManager().readConfiguration(new java.io.ByteArrayInputStream(
                                    "handlers=java.util.logging.FileHandler\\n".getBytes()));
                            return "configured";
                        });
                        case "logFileHandler" -> attempt(() -> new java.util.logging.FileHandler("/tmp/vaas-acts-%u.log"));
                        case "rootLogger" -> attempt(() -> {
                            java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.OFF);
                            return "silenced";
                        });
                        case "preferences" -> attempt(() -> {
                            java.util.prefs.Preferences.userRoot().put("vaas-acts", "x");
                            return "written";
                        });
                        case "securityProvider" -> attempt(() -> java.security.Security.addProvider(
                                new java.security.Provider("vaas-acts", "1", "x") { }));
                        case "poolDelayThread" -> attempt(() -> new ForkJoinPool(1).schedule(() -> { }, 1, TimeUnit.SECONDS));
                        case "concurrentGatherer" -> attempt(() -> java.util.stream.Stream.of(1, 2)
                                .gather(java.util.stream.Gatherers.mapConcurrent(2, x -> x)).toList());
                        case "hostStdin" -> attempt(() -> java.lang.IO.readln());
                        case "serialFilter" -> attempt(() -> {
                            java.io.ObjectInputFilter.Config.setSerialFilter(info -> java.io.ObjectInputFilter.Status.ALLOWED);
                            return "set";
                        });
                        case "localHost" -> attempt(() -> java.net.InetAddress.getLocalHost());
                        case "ownToolsOnly" -> attempt(() -> ServiceLoader.load(java.util.spi.ToolProvider.class).findFirst()
                                .map(t -> "found " + t.name()).orElse("none of the JDK's tools"));
                        case "charsetProvider" -> attempt(() -> Charset.forName("x-vaas-acts"));
                        case "defaultLocale" -> attempt(() -> {
                            Locale.setDefault(Locale.JAPAN);
                            return Locale.getDefault().toLanguageTag();
                        });
                        default -> "unknown attack " + how;
                    };
                }
                public static class AppCharsets extends java.nio.charset.spi.CharsetProvider {
                    public Iterator<Charset> charsets() { return Collections.emptyIterator(); }
                    public Charset charsetForName(String name) { throw new IllegalStateException("the JDK ran the app's provider"); }
                }
            }
            """).resource("META-INF/services/java.nio.charset.spi.CharsetProvider", "a.Acts$AppCharsets\n");

    static Vaas vaas;

    @BeforeAll
    static void deploy(@TempDir Path dir) {
        vaas = ACTOR.deployWithNeighbour(dir, "acts.jar");
    }

    @AfterAll
    static void close() {
        vaas.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            javacTool          | java.util.spi.ToolProvider.findFirst(java.lang.String)                     | no permission
            jarTool            | java.util.spi.ToolProvider.findFirst(java.lang.String)                     | no permission
            systemCompiler     | javax.tools.ToolProvider.getSystemJavaCompiler()                           | no permission
            toolsOfThePlatform | java.lang.ClassLoader.getPlatformClassLoader()                             | classloading
            keyStoreFile       | java.security.KeyStore.getInstance(java.io.File, char[])                   | no permission
            keyStoreBuilder    | java.security.KeyStore$Builder.newInstance(                                | no permission
            jarByName          | java.util.jar.JarFile(java.lang.String)                                    | files:read
            zipFileSystem      | java.nio.file.FileSystems.newFileSystem(java.net.URI, java.util.Map)       | no permission
            hostFileSystem     | java.nio.file.FileSystems.getFileSystem(java.net.URI)                      | no permission
            internalByName     | jdk.internal.misc.Unsafe.getUnsafe()                                       | no permission
            loggingConfig      | java.util.logging.LogManager.getLogManager()                               | management
            logFileHandler     | java.util.logging.FileHandler(java.lang.String)                            | no permission
            preferences        | java.util.prefs.Preferences.userRoot()                                     | no permission
            securityProvider   | java.security.Security.addProvider(java.security.Provider)                 | no permission
            poolDelayThread    | java.util.concurrent.ForkJoinPool.schedule(java.lang.Runnable, long, java.util.concurrent.TimeUnit) | no permission
            concurrentGatherer | java.util.stream.Gatherers.mapConcurrent(int, java.util.function.Function) | no permission
            hostStdin          | java.lang.IO.readln()                                                      | no permission
            serialFilter       | java.io.ObjectInputFilter$Config.setSerialFilter(java.io.ObjectInputFilter) | no permission
            localHost          | java.net.InetAddress.getLocalHost()                                        | net:connect
            """)
    void theJdkDoesNotActForTheApp(String attack, String api, String permission) {
        String result = (String) vaas.rpc("jdk-acts.attack", attack);
        assertThat(result).as(attack).startsWith("denied: ").contains("app 'jdk-acts'").contains(api)
                .contains(permission.equals("no permission") ? "no permission allows it" : "'" + permission + "'");
        assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
    }

    @Test
    void theJdksOwnToolsAndCompilerAreNotEvenVisible() {
        // The app's own loader sees no tool of the JDK's (they live on the host's system loader) ...
        assertThat(vaas.rpc("jdk-acts.attack", "ownToolsOnly")).isEqualTo("escaped: none of the JDK's tools");
        // ... nor the compiler's classes by name.
        assertThat((String) vaas.rpc("jdk-acts.attack", "compilerByName"))
                .startsWith("invisible: ").contains("com.sun.tools.javac.api.JavacTool");
        assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
    }

    @Test
    void providersAndDefaultsAnAppInstallsStayTheApps() {
        // A charset provider the app ships is never installed JVM-wide: the JDK looks providers up on the host's
        // system class path, so the app's provider does not run and the name stays unknown, for the host too.
        assertThat((String) vaas.rpc("jdk-acts.attack", "charsetProvider"))
                .startsWith("failed: java.nio.charset.UnsupportedCharsetException").contains("x-vaas-acts");
        assertThat(Charset.isSupported("x-vaas-acts")).isFalse();
        // A default the app sets is its own: the host's stays.
        Locale before = Locale.getDefault();
        assertThat(vaas.rpc("jdk-acts.attack", "defaultLocale")).isEqualTo("escaped: ja-JP");
        assertThat(Locale.getDefault()).isEqualTo(before);
        assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
    }

    @Test
    void nothingTheAttemptsNamedWasWrittenOnTheHost() {
        for (String attack : java.util.List.of("javacTool", "logFileHandler", "zipFileSystem", "preferences")) {
            assertThat((String) vaas.rpc("jdk-acts.attack", attack)).startsWith("denied: ");
        }
        assertThat(Files.exists(Path.of("/tmp/Evil.class"))).isFalse();
        assertThat(Files.exists(Path.of("/tmp/vaas-acts.zip"))).isFalse();
        assertThat(Files.exists(Path.of("/tmp/vaas-acts-0.log"))).isFalse();
        // The root logger an app silences is its own (JvmWideStateTest): the JVM's keeps its level.
        assertThat(vaas.rpc("jdk-acts.attack", "rootLogger")).isEqualTo("escaped: silenced");
        assertThat(java.util.logging.LogManager.getLogManager().getLogger("").getLevel())
                .isNotEqualTo(java.util.logging.Level.OFF);
    }
}
