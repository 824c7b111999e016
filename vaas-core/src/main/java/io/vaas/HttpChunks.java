package io.vaas;

/**
 * Where a streamed HTTP result goes as it is produced: an HTTP route that returns an {@code Iterator}, a
 * {@code java.util.stream.Stream} or a {@code java.util.concurrent.Flow.Publisher} sends each element as one chunk
 * ({@code String}s as UTF-8 text, {@code byte[]} as they are, other values as one JSON document per line), within
 * the call, under its deadline. A gateway passes one to {@link Vaas#http(String, io.vaas.api.HttpRequest, HttpChunks)};
 * without one, the chunks are gathered into the response's body.
 */
public interface HttpChunks {

    /** Before the first chunk: the response's status and content type. */
    void start(int status, String contentType);

    /** One chunk, to send now. */
    void write(byte[] chunk);
}
