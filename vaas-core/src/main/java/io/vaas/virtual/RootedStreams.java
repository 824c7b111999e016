package io.vaas.virtual;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.FileReader;
import java.io.FileWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.CharBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;

/**
 * {@code java.io}'s file classes over a channel of the app's own file system. {@code new FileInputStream(name)} in
 * guest code must give a {@code FileInputStream}; these subclasses are one, built on a descriptor that names no
 * file, with every operation going to the channel instead. So the app's root, its read-only flag and its quota apply
 * to {@code java.io} as they do to {@code java.nio.file}, and in-memory roots work too.
 */
final class RootedStreams {

    private RootedStreams() {
    }

    /** A {@code FileInputStream} reading a channel. */
    static final class In extends FileInputStream {
        private final FileChannel channel;
        private final InputStream in;

        In(FileChannel channel) {
            super(new FileDescriptor());
            this.channel = channel;
            this.in = Channels.newInputStream(channel);
        }

        @Override
        public int read() throws IOException {
            return in.read();
        }

        @Override
        public int read(byte[] b) throws IOException {
            return in.read(b, 0, b.length);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, len);
        }

        @Override
        public byte[] readAllBytes() throws IOException {
            return in.readAllBytes();
        }

        @Override
        public byte[] readNBytes(int len) throws IOException {
            return in.readNBytes(len);
        }

        @Override
        public int readNBytes(byte[] b, int off, int len) throws IOException {
            return in.readNBytes(b, off, len);
        }

        @Override
        public long skip(long n) throws IOException {
            return in.skip(n);
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public long transferTo(OutputStream out) throws IOException {
            return in.transferTo(out);
        }

        @Override
        public FileChannel getChannel() {
            return channel;
        }

        @Override
        public void close() throws IOException {
            try {
                in.close();
            } finally {
                super.close();
            }
        }
    }

    /** A {@code FileOutputStream} writing a channel. */
    static final class Out extends FileOutputStream {
        private final FileChannel channel;
        private final OutputStream out;

        Out(FileChannel channel) {
            super(new FileDescriptor());
            this.channel = channel;
            this.out = Channels.newOutputStream(channel);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] b) throws IOException {
            out.write(b, 0, b.length);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public FileChannel getChannel() {
            return channel;
        }

        @Override
        public void close() throws IOException {
            try {
                out.close();
            } finally {
                super.close();
            }
        }
    }

    /** A {@code FileReader} decoding a channel. */
    static final class ChannelReader extends FileReader {
        private final Reader reader;
        private final String encoding;

        ChannelReader(FileChannel channel, Charset charset) {
            super(new FileDescriptor());
            InputStreamReader r = new InputStreamReader(Channels.newInputStream(channel), charset);
            this.reader = r;
            this.encoding = r.getEncoding();
        }

        @Override
        public int read() throws IOException {
            return reader.read();
        }

        @Override
        public int read(char[] cbuf, int off, int len) throws IOException {
            return reader.read(cbuf, off, len);
        }

        @Override
        public int read(char[] cbuf) throws IOException {
            return reader.read(cbuf, 0, cbuf.length);
        }

        @Override
        public int read(CharBuffer target) throws IOException {
            return reader.read(target);
        }

        @Override
        public long skip(long n) throws IOException {
            return reader.skip(n);
        }

        @Override
        public boolean ready() throws IOException {
            return reader.ready();
        }

        @Override
        public long transferTo(Writer out) throws IOException {
            return reader.transferTo(out);
        }

        @Override
        public String getEncoding() {
            return encoding;
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }

    /** A {@code FileWriter} encoding into a channel. */
    static final class ChannelWriter extends FileWriter {
        private final OutputStreamWriter writer;

        ChannelWriter(FileChannel channel, Charset charset) throws IOException {
            super(new FileDescriptor());
            this.writer = new OutputStreamWriter(Channels.newOutputStream(channel), charset);
        }

        @Override
        public void write(int c) throws IOException {
            writer.write(c);
        }

        @Override
        public void write(char[] cbuf, int off, int len) throws IOException {
            writer.write(cbuf, off, len);
        }

        @Override
        public void write(char[] cbuf) throws IOException {
            writer.write(cbuf, 0, cbuf.length);
        }

        @Override
        public void write(String str, int off, int len) throws IOException {
            writer.write(str, off, len);
        }

        @Override
        public void write(String str) throws IOException {
            writer.write(str, 0, str.length());
        }

        @Override
        public Writer append(CharSequence csq) throws IOException {
            writer.append(csq);
            return this;
        }

        @Override
        public Writer append(CharSequence csq, int start, int end) throws IOException {
            writer.append(csq, start, end);
            return this;
        }

        @Override
        public Writer append(char c) throws IOException {
            writer.write(c);
            return this;
        }

        @Override
        public String getEncoding() {
            return writer.getEncoding();
        }

        @Override
        public void flush() throws IOException {
            writer.flush();
        }

        @Override
        public void close() throws IOException {
            writer.close();
        }
    }
}
