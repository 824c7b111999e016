package io.vaas;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deserialization is the JDK acting for the app: a stream names classes and the JDK runs their {@code readObject},
 * {@code hashCode} and handlers. An app's streams read its own classes and JDK value classes only, through every
 * way of making a stream (its own subclasses included), with its own filter on top.
 */
class DeserializationTest {

    static final GuestApp READER = GuestApp.named("reader").source("d.Reader", """
            package d;
            import io.vaas.api.*;
            import java.io.*;
            import java.util.*;
            import java.util.function.*;
            public class Reader {
                public record Point(int x, int y) implements Serializable { }
                static class Lenient extends ObjectInputStream {
                    Lenient(InputStream in) throws IOException { super(in); }
                    @Override protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                        return Class.forName(desc.getName(), false, Reader.class.getClassLoader());
                    }
                }
                static byte[] write(Object o) throws IOException {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) { out.writeObject(o); }
                    return bytes.toByteArray();
                }
                static Object payload(String what) throws Exception {
                    return switch (what) {
                        case "values" -> new ArrayList<>(List.of(new Point(1, 2), Map.of("k", 3L), new TreeMap<>(Map.of("a", "b")),
                                java.time.LocalDate.of(2026, 11, 30), new java.math.BigDecimal("1.5"), new int[] {1, 2},
                                new IllegalStateException("kept"), UUID.fromString("00000000-0000-0000-0000-000000000001")));
                        case "lambda" -> (Serializable & Supplier<String>) () -> "from a lambda";
                        case "url" -> List.of(new java.net.URI("http://example.invalid/").toURL());
                        case "logRecord" -> new HashMap<>(Map.of("r", new java.util.logging.LogRecord(java.util.logging.Level.INFO, "x")));
                        case "level" -> java.util.logging.Level.INFO;
                        case "charArrayOfUrls" -> new Object[] {new java.net.URI("http://example.invalid/").toURL()};
                        default -> throw new IllegalArgumentException(what);
                    };
                }
                @VaasServer(type = ServerType.RPC) public String read(String spec) {
                    String[] parts = spec.split("/");
                    try {
                        byte[] bytes = write(payload(parts[0]));
                        InputStream in = new ByteArrayInputStream(bytes);
                        Object back = switch (parts[1]) {
                            case "plain" -> new ObjectInputStream(in).readObject();
                            case "subclass" -> new Lenient(in).readObject();
                            case "ownFilter" -> {
                                ObjectInputStream s = new ObjectInputStream(in);
                                ObjectInputFilter mine = ObjectInputFilter.Config.createFilter("!d.Reader$Point");
                                s.setObjectInputFilter(mine);
                                if (s.getObjectInputFilter() != mine) { yield "the app's filter is not the one it set"; }
                                yield s.readObject();
                            }
                            case "reflective" -> ObjectInputStream.class.getConstructor(InputStream.class).newInstance(in)
                                    .readObject();
                            case "sealed" -> {
                                // The JDK's own stream inside SealedObject would read it past the app's filter.
                                javax.crypto.SecretKey key = javax.crypto.KeyGenerator.getInstance("AES").generateKey();
                                javax.crypto.Cipher cipher = javax.crypto.Cipher.getInstance("AES");
                                cipher.init(javax.crypto.Cipher.ENCRYPT_MODE, key);
                                yield new javax.crypto.SealedObject((Serializable) payload(parts[0]), cipher).getObject(key);
                            }
                            default -> throw new IllegalArgumentException(parts[1]);
                        };
                        return "read: " + (back instanceof Supplier<?> s ? s.get() : String.valueOf(back));
                    } catch (InvalidClassException e) {
                        Throwable cause = e.getCause();
                        return "refused: " + (cause != null ? cause.getMessage() : e.getMessage());
                    } catch (SecurityException e) {
                        return "denied: " + e.getMessage();
                    } catch (Exception e) {
                        return "failed: " + e;
                    }
                }
            }
            """);

    static Vaas vaas;

    @BeforeAll
    static void deploy(@TempDir Path dir) {
        vaas = READER.deployWithNeighbour(dir, "reader.jar");
    }

    @AfterAll
    static void close() {
        vaas.close();
    }

    @Test
    void theAppsOwnClassesAndJdkValuesReadBack() {
        assertThat((String) vaas.rpc("reader.read", "values/plain")).startsWith("read: [Point[x=1, y=2], {k=3}, {a=b}, "
                + "2026-11-30, 1.5, [I@").contains("java.lang.IllegalStateException: kept")
                .endsWith("00000000-0000-0000-0000-000000000001]");
        assertThat(vaas.rpc("reader.read", "lambda/plain")).isEqualTo("read: from a lambda");
        assertThat(vaas.rpc("reader.read", "values/subclass")).asString().startsWith("read: [Point[x=1, y=2]");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"url/plain, java.net.URL", "url/subclass, java.net.URL",
            "logRecord/plain, java.util.logging.LogRecord", "level/plain, java.util.logging.Level", "charArrayOfUrls/plain, java.net.URL",
            "logRecord/ownFilter, java.util.logging.LogRecord"})
    void otherJdkClassesAreRefusedHoweverTheStreamIsMade(String spec, String refused) {
        assertThat((String) vaas.rpc("reader.read", spec)).startsWith("refused: app 'reader' read a " + refused)
                .contains("no permission allows others");
        assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
    }

    @Test
    void streamsMadeByReflectionAreRefused() {
        assertThat((String) vaas.rpc("reader.read", "values/reflective")).startsWith("denied: app 'reader' reached "
                + "java.io.ObjectInputStream(java.io.InputStream) by reflection").contains("call it directly");
    }

    @Test
    void streamsTheJdkMakesItselfAreRefused() {
        assertThat((String) vaas.rpc("reader.read", "url/sealed")).startsWith("denied: app 'reader'")
                .contains("javax.crypto.SealedObject.getObject(java.security.Key)").contains("no permission allows it");
        assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
    }

    @Test
    void theAppsOwnFilterStillApplies() {
        assertThat((String) vaas.rpc("reader.read", "values/ownFilter")).startsWith("refused: filter status: REJECTED");
    }
}
