package io.vaas.run;

import io.vaas.HttpChunks;
import io.vaas.api.HttpResponse;
import io.vaas.route.JsonCodec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Sends a route's streamed result (an {@code Iterator}, a {@code Stream}, a {@code Flow.Publisher}) chunk by chunk,
 * on the call's own thread, so the app's code producing it runs under the call's deadline and kill switch. Each
 * element is a chunk: {@code String}s as UTF-8 text, {@code byte[]} as they are, other values as one JSON document
 * and a newline (NDJSON); the first element sets the content type.
 */
final class StreamedResult {

    static final String NDJSON = "application/x-ndjson";
    private static final Object END = new Object();

    private final JsonCodec codec;
    private final HttpChunks chunks;
    private final ByteArrayOutputStream gathered;
    private String type;

    StreamedResult(JsonCodec codec, HttpChunks chunks) {
        this.codec = codec;
        this.chunks = chunks;
        this.gathered = chunks == null ? new ByteArrayOutputStream() : null;
    }

    HttpResponse send(Object result) {
        switch (result) {
            case Iterator<?> it -> it.forEachRemaining(this::element);
            case java.util.stream.BaseStream<?, ?> stream -> {
                try (stream) {
                    stream.iterator().forEachRemaining(this::element);
                }
            }
            case Flow.Publisher<?> publisher -> drain(publisher);
            default -> throw new IllegalArgumentException("not a streamed result: " + result.getClass().getName());
        }
        if (type == null) {
            type = HttpResponse.TEXT;
            if (chunks != null) {
                chunks.start(200, type);
            }
        }
        return chunks == null ? HttpResponse.of(200, type, gathered.toByteArray()) : HttpResponse.of(200, type, new byte[0]);
    }

    private void element(Object element) {
        // The loop that pulls the elements is the JDK's or ours, without guards: a stream that never ends stops here.
        io.vaas.guard.RunningCall call = io.vaas.guard.RunningCall.current();
        if (call != null && call.cancelled() != null) {
            throw call.error();
        }
        byte[] chunk;
        String elementType;
        if (element instanceof String s) {
            chunk = s.getBytes(StandardCharsets.UTF_8);
            elementType = HttpResponse.TEXT;
        } else if (element instanceof byte[] b) {
            chunk = b;
            elementType = HttpResponse.BYTES;
        } else {
            byte[] json = codec.toJson(element);
            chunk = new byte[json.length + 1];
            System.arraycopy(json, 0, chunk, 0, json.length);
            chunk[json.length] = '\n';
            elementType = NDJSON;
        }
        if (type == null) {
            type = elementType;
            if (chunks != null) {
                chunks.start(200, type);
            }
        }
        if (chunks != null) {
            chunks.write(chunk);
        } else {
            gathered.writeBytes(chunk);
        }
    }

    /** Takes a publisher's elements one at a time, on this thread. */
    private void drain(Flow.Publisher<?> publisher) {
        BlockingQueue<Object> arrived = new LinkedBlockingQueue<>();
        Flow.Subscription[] subscription = new Flow.Subscription[1];
        publisher.subscribe(new Flow.Subscriber<Object>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription[0] = s;
                s.request(1);
            }

            @Override
            public void onNext(Object item) {
                arrived.add(item == null ? END : item);
            }

            @Override
            public void onError(Throwable t) {
                arrived.add(new Failed(t));
            }

            @Override
            public void onComplete() {
                arrived.add(END);
            }
        });
        try {
            while (true) {
                Object next = arrived.take();
                if (next == END) {
                    return;
                }
                if (next instanceof Failed f) {
                    throw new IllegalStateException("the stream failed: " + f.cause(), f.cause());
                }
                element(next);
                subscription[0].request(1);
            }
        } catch (InterruptedException e) {
            if (subscription[0] != null) {
                subscription[0].cancel();
            }
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the stream was stopped while waiting for its next element", e);
        }
    }

    private record Failed(Throwable cause) {
    }
}
