package io.vaas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JDK's {@code ServiceLoader} constructs the providers an app's {@code META-INF/services} files name, inside the
 * JDK, where no call site of the app is checked. A JDK class named there is never constructed: {@code ServiceLoader}
 * ignores class-path providers in named modules, and every JDK class is in one. This test holds the container to
 * that (a JDK update or a loader change that broke it would let an app construct {@code FileHandler}).
 */
class ServiceProvidersTest {

    static final GuestApp PROVIDING = GuestApp.named("providing").source("p.Providing", """
            package p;
            import io.vaas.api.*;
            import java.util.*;
            import java.util.logging.*;
            public class Providing {
                @VaasServer(type = ServerType.RPC) public String handlers() {
                    List<String> made = new ArrayList<>();
                    for (Handler h : ServiceLoader.load(Handler.class)) {
                        made.add(h.getClass().getName());
                    }
                    return String.join(",", made);
                }
            }
            """).source("p.OwnHandler", """
            package p;
            import java.util.logging.*;
            public class OwnHandler extends Handler {
                @Override public void publish(LogRecord r) { }
                @Override public void flush() { }
                @Override public void close() { }
            }
            """).resource("META-INF/services/java.util.logging.Handler", """
            # The JDK would open %h/java%u.log in the host's home, and write to the JVM's System.err:
            java.util.logging.FileHandler
            java.util.logging.ConsoleHandler
            p.OwnHandler
            """);

    @Test
    void jdkClassesNamedAsProvidersAreNeverConstructed(@TempDir Path dir) throws Exception {
        String home = System.getProperty("user.home");
        long logsBefore = countJavaLogs(home);
        try (Vaas vaas = Vaas.builder().deploy(AppSpec.of(PROVIDING.writeJar(dir.resolve("providing.jar")))).build()) {
            assertThat(vaas.rpc("providing.handlers")).isEqualTo("p.OwnHandler");
        }
        assertThat(countJavaLogs(home)).as("java*.log files in the host's home").isEqualTo(logsBefore);
    }

    private static long countJavaLogs(String home) throws Exception {
        try (var files = Files.list(Path.of(home))) {
            return files.filter(f -> f.getFileName().toString().matches("java\\d*\\.log(\\.lck)?")).count();
        }
    }
}
