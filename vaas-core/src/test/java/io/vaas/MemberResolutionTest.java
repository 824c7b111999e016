package io.vaas;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.TimeZone;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Members resolve as the JVM resolves them: a static, a field or a default reached through a subclass, the JDK's
 * or the app's, is the member of the class that declares it, and meets that member's rule. An app class may not
 * borrow the statics of a JDK type its permissions allow nothing of by extending it: they are hidden by statics of
 * its own that throw.
 */
class MemberResolutionTest {

    static final GuestApp RESOLVER = GuestApp.named("resolver").source("m.Resolver", """
            package m;
            import io.vaas.api.*;
            import java.util.*;
            import java.util.logging.*;
            public class Resolver {
                static class MyZone extends SimpleTimeZone { MyZone() { super(0, "Mine"); } }
                static class MyLogger extends Logger { MyLogger() { super("mine", null); } }
                static class MyThread extends Thread { }
                static class Jndi extends javax.naming.InitialContext {
                    Jndi() throws javax.naming.NamingException { super(); }
                }
                static class Logs extends LogManager { Logs() { super(); } }
                @VaasServer(type = ServerType.RPC) public String attack(String how) {
                    try {
                        return switch (how) {
                            case "zoneThroughAppSubclass" -> {
                                MyZone.setDefault(TimeZone.getTimeZone("Pacific/Apia"));
                                yield "app's default: " + TimeZone.getDefault().getID();
                            }
                            case "rootLoggerThroughAppSubclass" -> {
                                Logger root = MyLogger.getLogger("");
                                root.setLevel(Level.OFF);
                                yield "app's own root: " + (root.getParent() == null && root.getLevel() == Level.OFF);
                            }
                            case "globalFieldThroughAppSubclass" -> "app's own global: "
                                    + (MyLogger.global == Logger.getLogger(Logger.GLOBAL_LOGGER_NAME));
                            case "threadsThroughAppSubclass" -> "escaped: " + MyThread.getAllStackTraces().size();
                            case "jndiThroughAppSubclass" -> "escaped: " + Jndi.doLookup("ldap://127.0.0.1:1/x");
                            case "logManagerThroughAppSubclass" -> "escaped: " + Logs.getLogManager();
                            default -> "unknown " + how;
                        };
                    } catch (SecurityException e) {
                        return "denied: " + e.getMessage();
                    } catch (LinkageError e) {
                        return "refused: " + e.getMessage();
                    } catch (Exception e) {
                        return "failed: " + e;
                    }
                }
            }
            """);

    static Vaas vaas;

    @BeforeAll
    static void deploy(@TempDir Path dir) {
        vaas = RESOLVER.deployWithNeighbour(dir, "resolver.jar");
    }

    @AfterAll
    static void close() {
        vaas.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            zoneThroughAppSubclass        | app's default: Pacific/Apia
            rootLoggerThroughAppSubclass  | app's own root: true
            globalFieldThroughAppSubclass | app's own global: true
            """)
    void ruledMembersReachedThroughAnAppSubclassAreTheAppsOwn(String how, String expected) {
        TimeZone zone = TimeZone.getDefault();
        java.util.logging.Level level = Logger.getLogger("").getLevel();
        assertThat(vaas.rpc("resolver.attack", how)).isEqualTo(expected);
        assertThat(TimeZone.getDefault()).isEqualTo(zone);
        assertThat(Logger.getLogger("").getLevel()).isEqualTo(level);
        assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            threadsThroughAppSubclass    | denied: app 'resolver'      | java.lang.Thread.getAllStackTraces()
            jndiThroughAppSubclass       | denied: app 'resolver': m.Resolver$Jndi extends javax.naming.InitialContext, which the app's permissions do not allow: its statics cannot be reached through it | no permission allows it
            logManagerThroughAppSubclass | denied: app 'resolver'      | java.util.logging.LogManager.getLogManager(), which the app's permissions do not allow; permission 'management' allows it
            """)
    void deniedMembersReachedThroughAnAppSubclassAreDenied(String how, String start, String contains) {
        assertThat((String) vaas.rpc("resolver.attack", how)).startsWith(start).contains(contains);
        assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
    }
}
