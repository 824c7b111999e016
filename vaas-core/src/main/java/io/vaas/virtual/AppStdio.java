package io.vaas.virtual;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** An app's {@code System.out}, {@code System.err} and {@code System.in}: lines go to the host's sink; stdin is empty. */
public final class AppStdio {

    private static final int MAX_LINE = 64 * 1024;

    private final LineStream outLines;
    private final LineStream errLines;
    private final PrintStream defaultOut;
    private final PrintStream defaultErr;
    private volatile PrintStream out;
    private volatile PrintStream err;
    private volatile InputStream in = InputStream.nullInputStream();

    AppStdio(String app, String version, OutputSink sink, OutputRate rate) {
        this.outLines = new LineStream(app, version, OutputSink.Stream.OUT, sink, rate);
        this.errLines = new LineStream(app, version, OutputSink.Stream.ERR, sink, rate);
        this.defaultOut = new PrintStream(outLines, true, StandardCharsets.UTF_8);
        this.defaultErr = new PrintStream(errLines, true, StandardCharsets.UTF_8);
        this.out = defaultOut;
        this.err = defaultErr;
    }

    /** The app's current {@code System.out}. */
    public PrintStream out() {
        return out;
    }

    /** The app's current {@code System.err}. */
    public PrintStream err() {
        return err;
    }

    InputStream in() {
        return in;
    }

    void out(PrintStream s) {
        this.out = s == null ? defaultOut : s;
    }

    void err(PrintStream s) {
        this.err = s == null ? defaultErr : s;
    }

    void in(InputStream s) {
        this.in = s == null ? InputStream.nullInputStream() : s;
    }

    /** Sends any unterminated last line. */
    void flush() {
        defaultOut.flush();
        defaultErr.flush();
        outLines.emitPartial();
        errLines.emitPartial();
    }

    /**
     * Bytes in, whole lines out to the sink, as many as the app's output rate allows (the rest are dropped and
     * counted); a line longer than 64 KiB is cut into pieces.
     */
    private static final class LineStream extends OutputStream {
        private final String app;
        private final String version;
        private final OutputSink.Stream stream;
        private final OutputSink sink;
        private final OutputRate rate;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(128);

        LineStream(String app, String version, OutputSink.Stream stream, OutputSink sink, OutputRate rate) {
            this.app = app;
            this.version = version;
            this.stream = stream;
            this.sink = sink;
            this.rate = rate;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                emit();
            } else {
                line.write(b);
                if (line.size() >= MAX_LINE) {
                    emit();
                }
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        synchronized void emitPartial() {
            if (line.size() > 0) {
                emit();
            }
        }

        private void emit() {
            int size = line.size();
            if (!rate.admit(size + 1)) {
                line.reset();
                return;
            }
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (size > 0 && text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            try {
                sink.line(app, version, stream, text);
            } catch (RuntimeException e) {
                // A failing sink must not fail the app's println.
            }
        }
    }
}
