package io.vaas.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/** A channel opened for writing while the app has a quota: each write is charged its growth of the file first. */
final class QuotaByteChannel implements SeekableByteChannel {

    private final SeekableByteChannel channel;
    private final FileQuota quota;
    private final RootedPath path;
    private final boolean append;

    QuotaByteChannel(SeekableByteChannel channel, FileQuota quota, RootedPath path, boolean append) {
        this.channel = channel;
        this.quota = quota;
        this.path = path;
        this.append = append;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public synchronized int write(ByteBuffer src) throws IOException {
        return quota.write(path, channel, append, -1, src.remaining(), () -> channel.write(src));
    }

    @Override
    public long position() throws IOException {
        return channel.position();
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        channel.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public synchronized SeekableByteChannel truncate(long size) throws IOException {
        quota.truncate(channel, size);
        return this;
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
