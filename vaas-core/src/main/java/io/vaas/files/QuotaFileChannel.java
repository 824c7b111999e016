package io.vaas.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A {@link FileChannel} opened for writing while the app has a quota: each write, transfer into the file and mapping
 * that would grow it is charged its growth first. Everything else goes straight to the host's channel, which the app
 * never gets hold of (not even through a lock's {@link FileLock#channel()}), so no write goes uncharged.
 *
 * <p>{@link #transferFrom} copies chunk by chunk through a buffer when it could grow the file; a chunk that does not
 * fit stops it with the quota error, the chunks before it stay written. Mapping {@code READ_WRITE} is refused: writes
 * through the memory could not be charged, and so is mapping into a memory segment (the {@code Arena} overload).
 */
final class QuotaFileChannel extends FileChannel {

    private static final int CHUNK = 64 * 1024;

    private final FileChannel channel;
    private final FileQuota quota;
    private final Refusals refusals;
    private final RootedPath path;
    private final boolean append;
    private final Object writeLock = new Object();

    QuotaFileChannel(FileChannel channel, FileQuota quota, Refusals refusals, RootedPath path, boolean append) {
        this.channel = channel;
        this.quota = quota;
        this.refusals = refusals;
        this.path = path;
        this.append = append;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return channel.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return channel.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        synchronized (writeLock) {
            return quota.write(path, channel, append, -1, src.remaining(), () -> channel.write(src));
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += srcs[i].remaining();
        }
        synchronized (writeLock) {
            return quota.write(path, channel, append, -1, total, () -> channel.write(srcs, offset, length));
        }
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        synchronized (writeLock) {
            return quota.write(path, channel, append, position, src.remaining(), () -> channel.write(src, position));
        }
    }

    @Override
    public long position() throws IOException {
        return channel.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        channel.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        synchronized (writeLock) {
            quota.truncate(channel, size);
        }
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        channel.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return channel.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        if (position < 0 || count < 0) {
            throw new IllegalArgumentException("negative position or count");
        }
        long size = channel.size();
        if (position > size) {
            return 0;
        }
        if (count <= size - position) {
            return channel.transferFrom(src, position, count);
        }
        return copyInChunks(src, position, count);
    }

    private long copyInChunks(ReadableByteChannel src, long position, long count) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(CHUNK, count));
        long done = 0;
        while (done < count) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), count - done));
            if (src.read(buffer) <= 0) {
                break;
            }
            buffer.flip();
            while (buffer.hasRemaining()) {
                done += write(buffer, position + done);
            }
        }
        return done;
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        if (mode == MapMode.READ_WRITE) {
            throw refusals.mapForWriting();
        }
        synchronized (writeLock) {
            // Mapping past the end grows the file.
            return quota.write(path, channel, false, position, size, () -> channel.map(mode, position, size));
        }
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return new Lock(this, channel.lock(position, size, shared));
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        FileLock lock = channel.tryLock(position, size, shared);
        return lock == null ? null : new Lock(this, lock);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        channel.close();
    }

    /** The host channel's lock, naming this channel as its own. */
    private static final class Lock extends FileLock {

        private final FileLock lock;

        Lock(FileChannel owner, FileLock lock) {
            super(owner, lock.position(), lock.size(), lock.isShared());
            this.lock = lock;
        }

        @Override
        public boolean isValid() {
            return lock.isValid();
        }

        @Override
        public void release() throws IOException {
            lock.release();
        }
    }
}
