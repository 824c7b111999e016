package io.vaas.route;

import java.nio.file.FileSystem;
import java.util.function.Supplier;

/**
 * The world an app's values live in, for binding them: its name (for errors), its class loader (the only one that
 * resolves classes named in its values) and its file system (where its paths and files are).
 *
 * @param app    the app's name
 * @param loader the app's class loader
 * @param files  the app's file system when the host gave it a file root; the supplier answers null when it has none
 */
public record AppWorld(String app, ClassLoader loader, Supplier<FileSystem> files) {

    /** The app's file system, or null when it has no file root. */
    FileSystem fileSystem() {
        return files == null ? null : files.get();
    }
}
