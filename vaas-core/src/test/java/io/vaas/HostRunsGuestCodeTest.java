package io.vaas;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Guest code the host runs later, on its own threads: getters of returned objects (read when results are
 * converted), {@code getMessage}/{@code getCause}/{@code getStackTrace} of thrown exceptions (read when failures are
 * copied), and serialization hooks. Such code still acts as its app (its environment, its class visibility, its
 * permissions), and whatever it does, the host gets a clear result or error and the neighbour keeps answering.
 */
class HostRunsGuestCodeTest {

    static final GuestApp TRICKY = GuestApp.named("tricky").source("t.Tricky", """
            package t;
            import io.vaas.api.*;
            import java.io.*;
            import java.util.*;
            public class Tricky {
                public static class Bean {
                    public String getEnv() { return System.getenv("SECRET"); }
                    public String getHost() {
                        try { Class.forName("io.vaas.Vaas"); return "host visible"; }
                        catch (ClassNotFoundException e) { return "invisible"; }
                    }
                    public String getExec() {
                        try { Runtime.getRuntime().exec("true"); return "ran"; }
                        catch (SecurityException e) { return "denied"; }
                        catch (IOException e) { return "io"; }
                    }
                }
                public static class Exiting {
                    public int getX() { System.exit(7); return 0; }
                }
                public static class Throwing {
                    public int getX() { throw new IllegalStateException("getter refuses"); }
                }
                public static class Nasty extends RuntimeException {
                    @Override public String getMessage() { throw new IllegalStateException("no message"); }
                    @Override public synchronized Throwable getCause() { throw new StackOverflowError(); }
                    @Override public StackTraceElement[] getStackTrace() { return null; }
                    @Override public String toString() { Runtime.getRuntime().halt(1); return "x"; }
                }
                public static class ExitingMessage extends RuntimeException {
                    @Override public String getMessage() { System.exit(3); return "never"; }
                }
                public static class Gadget implements Serializable {
                    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
                        in.defaultReadObject();
                        Runtime.getRuntime().exec("true");
                    }
                }
                @VaasServer(type = ServerType.RPC) public Bean bean() { return new Bean(); }
                @VaasServer(type = ServerType.RPC) public Exiting exiting() { return new Exiting(); }
                @VaasServer(type = ServerType.RPC) public Throwing throwing() { return new Throwing(); }
                @VaasServer(type = ServerType.RPC) public String nasty() { throw new Nasty(); }
                @VaasServer(type = ServerType.RPC) public String exitingMessage() { throw new ExitingMessage(); }
                @VaasServer(type = ServerType.RPC) public String gadget() throws Exception {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                        out.writeObject(new Gadget());
                    }
                    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                        return "read " + in.readObject();
                    } catch (SecurityException e) {
                        return "denied: " + e.getMessage();
                    }
                }
                @VaasServer(type = ServerType.RPC) public String deserialize(String base64) {
                    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(base64)))) {
                        return "read " + in.readObject().getClass().getName();
                    } catch (ClassNotFoundException e) {
                        return "invisible: " + e.getMessage();
                    } catch (Exception e) {
                        return "failed: " + e;
                    }
                }
            }
            """);

    static Vaas vaas;

    @BeforeAll
    static void deploy(@TempDir Path dir) {
        vaas = Vaas.builder().deploy(AppSpec.of(TRICKY.writeJar(dir.resolve("tricky.jar"))).env("SECRET", "the app's"),
                AppSpec.of(BadInputTest.NEIGHBOUR.writeJar(dir.resolve("neighbour.jar")))).build();
    }

    @AfterAll
    static void close() {
        vaas.close();
    }

    @Test
    void gettersReadByTheHostActAsTheirApp() {
        @SuppressWarnings("unchecked")
        Map<String, Object> bean = (Map<String, Object>) vaas.rpc("tricky.bean");
        assertThat(bean).containsEntry("env", "the app's").containsEntry("host", "invisible")
                .containsEntry("exec", "denied");
        assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
    }

    @Test
    void aGetterThatExitsOrThrowsFailsOnlyItsCall() {
        assertThatThrownBy(() -> vaas.rpc("tricky.exiting")).isInstanceOf(VaasCallException.class)
                .hasMessageContaining("app 'tricky'");
        assertThatThrownBy(() -> vaas.rpc("tricky.throwing")).isInstanceOf(VaasCallException.class)
                .hasMessageContaining("app 'tricky'").hasMessageContaining("getter refuses");
        assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        assertThat(vaas.rpc("tricky.bean")).isNotNull();
    }

    @Test
    void exceptionsWhoseMethodsMisbehaveStillGiveAClearError() {
        assertThatThrownBy(() -> vaas.rpc("tricky.nasty")).isInstanceOf(VaasCallException.class)
                .hasMessageContaining("app 'tricky' route 'nasty' failed: t.Tricky$Nasty")
                .hasMessageContaining("getMessage() threw java.lang.IllegalStateException");
        assertThatThrownBy(() -> vaas.rpc("tricky.exitingMessage")).isInstanceOf(VaasCallException.class)
                .hasMessageContaining("app 'tricky'");
        assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        assertThat(vaas.rpc("tricky.bean")).isNotNull();
    }

    @Test
    void serializationHooksAreTheAppsCodeAndHostClassesDoNotDeserialize() throws Exception {
        assertThat((String) vaas.rpc("tricky.gadget")).startsWith("denied: app 'tricky'").contains("'process'");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new AppLoadException("x", "y", "a host class"));
        }
        String result = (String) vaas.rpc("tricky.deserialize", Base64.getEncoder().encodeToString(bytes.toByteArray()));
        assertThat(result).startsWith("invisible: ").contains("io.vaas.AppLoadException");
        assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
    }
}
