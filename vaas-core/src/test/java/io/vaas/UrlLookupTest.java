package io.vaas;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code URL.equals} and {@code URL.hashCode} look host names up, and JDK code calls them for the app everywhere
 * ({@code HashMap.put}, {@code List.contains}): a name lookup of any name, with no permission at all, is a way to
 * carry data out. URLs an app makes never look a name up, however they are made and compared.
 */
class UrlLookupTest {

    static final GuestApp URLS = GuestApp.named("urls").source("u.Urls", """
            package u;
            import io.vaas.api.*;
            import java.net.*;
            import java.util.*;
            public class Urls {
                @SuppressWarnings("deprecation")
                static URL make(String how, String host) throws Exception {
                    return switch (how) {
                        case "constructor" -> new URL("http://" + host + "/x");
                        case "parts" -> new URL("http", host, -1, "/x");
                        case "context" -> new URL(new URL("http://" + host + "/"), "x");
                        case "uri" -> new URI("http://" + host + "/x").toURL();
                        case "of" -> URL.of(new URI("http://" + host + "/x"), null);
                        default -> throw new IllegalArgumentException(how);
                    };
                }
                @VaasServer(type = ServerType.RPC) public String compare(String how) {
                    try {
                        URL byName = make(how, "localhost");
                        URL byAddress = make(how, "127.0.0.1");
                        // The JDK's own handler would resolve both names here and find them equal.
                        Set<URL> set = new HashSet<>(List.of(byName));
                        return "equal: " + List.of(byName).contains(byAddress) + ", in set: " + set.contains(byAddress)
                                + ", port " + byName.getPort() + "/" + byName.getDefaultPort() + ", " + byName;
                    } catch (Exception e) {
                        return "failed: " + e;
                    }
                }
                @VaasServer(type = ServerType.RPC) public String ownHandler() {
                    try {
                        URLStreamHandler h = new URLStreamHandler() {
                            @Override protected URLConnection openConnection(URL u) { return null; }
                        };
                        return "made " + new URL("http", "example.invalid", 80, "/", h);
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
        vaas = URLS.deployWithNeighbour(dir, "urls.jar");
    }

    @AfterAll
    static void close() {
        vaas.close();
    }

    @ParameterizedTest(name = "URL made by {0}")
    @ValueSource(strings = {"constructor", "parts", "context", "uri", "of"})
    void urlsTheAppMakesCompareByNameWithoutLookingItUp(String how) {
        assertThat(vaas.rpc("urls.compare", how))
                .isEqualTo("equal: false, in set: false, port -1/80, http://localhost/x");
        assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
    }

    @Test
    void aHandlerOfTheAppsOwnIsRefused() {
        // Refused twice over: core does not allow making a URLStreamHandler, and a URL made with one is refused.
        assertThat((String) vaas.rpc("urls.ownHandler")).startsWith("denied: app 'urls'")
                .contains("java.net.URLStreamHandler()").contains("no permission allows it");
    }
}
