package io.vaas.files;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;

/**
 * The exceptions an app gets when its file root refuses something. Each names the app and the way out, so the
 * developer reading a guest's stack trace knows whether to change the code or ask the host for an {@link AppFiles}
 * setting. The refusals of operations are {@link IOException}s, so guest code handles them as the I/O failures they
 * are to it.
 */
final class Refusals {

    private final String app;

    Refusals(String app) {
        this.app = app;
    }

    AccessDeniedException readOnly(RootedPath path) {
        return new AccessDeniedException(path.toString(), null,
                "app '" + app + "' has a read-only file root (AppFiles.readOnly)");
    }

    AccessDeniedException noRoot(RootedPath path) {
        return new AccessDeniedException(path.toString(), null, "app '" + app + "' has no file root; the host gives"
                + " it one with AppSpec.files(AppFiles.folder(...)) or Vaas.Builder.fileRoots");
    }

    AccessDeniedException symbolicLink(RootedPath path) {
        return new AccessDeniedException(path.toString(), null, "app '" + app
                + "': symbolic links are not followed in an app's file root; the host can put a real file or folder"
                + " there instead");
    }

    AccessDeniedException makeLink(RootedPath link) {
        return new AccessDeniedException(link.toString(), null,
                "app '" + app + "': links cannot be made in an app's file root; copy the file instead");
    }

    AccessDeniedException changeRoot(RootedPath path) {
        return new AccessDeniedException(path.toString(), null,
                "app '" + app + "' cannot delete, move or replace the root of its file tree; use a folder under it");
    }

    FileSystemException quotaExceeded(RootedPath path, long max, long used) {
        return new FileSystemException(path.toString(), null, "app '" + app + "' exceeded its file quota of " + max
                + " bytes (AppFiles.quotaBytes); used " + used);
    }

    IOException mapForWriting() {
        return new IOException("app '" + app + "' cannot map a file READ_WRITE while it has a file quota"
                + " (AppFiles.quotaBytes); write through the channel instead");
    }

    FileSystemException asynchronousWrite(RootedPath path) {
        return new FileSystemException(path.toString(), null, "app '" + app + "' cannot write through an"
                + " AsynchronousFileChannel while it has a file quota (AppFiles.quotaBytes); use a FileChannel instead");
    }

    FileSystemException rootUnusable(String reason) {
        return new FileSystemException(null, null, "app '" + app + "': the host could not prepare its file root"
                + " (AppFiles.folder): " + reason);
    }

    UnsupportedOperationException inMemory() {
        return new UnsupportedOperationException("app '" + app + "' has its files in memory: java.io.RandomAccessFile"
                + "/ZipFile need a folder root; use java.nio.file.Files instead");
    }

    UnsupportedOperationException watch() {
        return new UnsupportedOperationException("app '" + app + "' cannot watch its files: an app's file root has"
                + " no WatchService; poll Files.getLastModifiedTime instead");
    }

    UnsupportedOperationException principals() {
        return new UnsupportedOperationException("app '" + app + "' cannot look up users or groups: who owns the"
                + " files of an app's file root is the host's business");
    }

    UnsupportedOperationException otherFileSystems(Object what) {
        return new UnsupportedOperationException("app '" + app + "' has one file system, its own file root: "
                + what + " is not part of it; use Path.of or file: URIs");
    }

    IllegalArgumentException notAFileUri(Object uri) {
        return new IllegalArgumentException("app '" + app + "': " + uri
                + " does not name a file; file URIs look like file:///data/x.txt");
    }

    String invalidName(String what) {
        return "app '" + app + "': " + what + " is not allowed in a file name of an app's file root";
    }
}
