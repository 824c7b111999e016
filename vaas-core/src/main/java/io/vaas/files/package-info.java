/**
 * Each app's own file tree: a {@link java.nio.file.FileSystem} ({@link io.vaas.files.RootedFileSystem}) whose
 * {@code "/"} is a folder the host assigns ({@link io.vaas.files.AppFiles}), on the default file system or an
 * in-memory one. {@code ..}, absolute paths and symbolic links never lead out of it; the host may make it read-only
 * and cap the bytes the app stores in it.
 */
package io.vaas.files;
