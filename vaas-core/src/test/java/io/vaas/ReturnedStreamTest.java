package io.vaas;

import io.vaas.api.HttpRequest;
import io.vaas.api.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A stream a route returns is read within its call and no further than the app's array limit. */
class ReturnedStreamTest {

    static final GuestApp STREAMER = GuestApp.withDescriptor("""
            {"name": "streamer", "limits": {"maxArrayMb": 1}}""").source("s.Streamer", """
            package s;
            import io.vaas.api.*;
            import java.io.*;
            public class Streamer {
                @VaasServer(type = ServerType.HTTP, method = "GET", route = "/endless")
                public InputStream endless() {
                    return new InputStream() {
                        @Override public int read() { return 'x'; }
                        @Override public int read(byte[] b, int off, int len) { java.util.Arrays.fill(b, off, off + len, (byte) 'x'); return len; }
                    };
                }
                @VaasServer(type = ServerType.HTTP, method = "GET", route = "/small")
                public InputStream small() { return new ByteArrayInputStream("hello".getBytes()); }
            }
            """);

    @Test
    void anEndlessStreamIsCutAtTheArrayLimit(@TempDir Path dir) {
        try (Vaas vaas = Vaas.builder().deploy(AppSpec.of(STREAMER.writeJar(dir.resolve("streamer.jar"))),
                AppSpec.inMemory("neighbour", BadInputTest.NEIGHBOUR.entries())).build()) {
            HttpResponse endless = vaas.http("streamer", HttpRequest.get("/endless"));
            assertThat(endless.status()).isEqualTo(502);
            assertThat(endless.bodyText()).contains("response_too_large").contains("limits.maxArrayMb");
            HttpResponse small = vaas.http("streamer", HttpRequest.get("/small"));
            assertThat(small.status()).isEqualTo(200);
            assertThat(small.bodyText()).isEqualTo("hello");
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        }
    }
}
