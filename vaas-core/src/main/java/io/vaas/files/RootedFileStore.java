package io.vaas.files;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileStoreAttributeView;

/**
 * The host's store under an app's file root, as the app sees it: read-only if the root is, and with a quota its
 * space is the quota's, so an app sizing its writes by free space stays inside it.
 */
final class RootedFileStore extends FileStore {

    private final FileStore store;
    private final RootedFileSystem fs;

    RootedFileStore(FileStore store, RootedFileSystem fs) {
        this.store = store;
        this.fs = fs;
    }

    @Override
    public String name() {
        return store.name();
    }

    @Override
    public String type() {
        return store.type();
    }

    @Override
    public boolean isReadOnly() {
        return fs.isReadOnly() || store.isReadOnly();
    }

    @Override
    public long getTotalSpace() throws IOException {
        FileQuota quota = fs.quota();
        return quota == null ? store.getTotalSpace() : Math.min(quota.max(), store.getTotalSpace());
    }

    @Override
    public long getUsableSpace() throws IOException {
        FileQuota quota = fs.quota();
        return quota == null ? store.getUsableSpace()
                : Math.min(Math.max(0, quota.max() - quota.used()), store.getUsableSpace());
    }

    @Override
    public long getUnallocatedSpace() throws IOException {
        FileQuota quota = fs.quota();
        return quota == null ? store.getUnallocatedSpace()
                : Math.min(Math.max(0, quota.max() - quota.used()), store.getUnallocatedSpace());
    }

    @Override
    public long getBlockSize() throws IOException {
        return store.getBlockSize();
    }

    @Override
    public boolean supportsFileAttributeView(Class<? extends FileAttributeView> type) {
        return store.supportsFileAttributeView(type);
    }

    @Override
    public boolean supportsFileAttributeView(String name) {
        return store.supportsFileAttributeView(name);
    }

    @Override
    public <V extends FileStoreAttributeView> V getFileStoreAttributeView(Class<V> type) {
        return store.getFileStoreAttributeView(type);
    }

    @Override
    public Object getAttribute(String attribute) throws IOException {
        return switch (attribute) {
            case "totalSpace" -> getTotalSpace();
            case "usableSpace" -> getUsableSpace();
            case "unallocatedSpace" -> getUnallocatedSpace();
            default -> store.getAttribute(attribute);
        };
    }

    @Override
    public String toString() {
        return "files of app '" + fs.app() + "'";
    }
}
