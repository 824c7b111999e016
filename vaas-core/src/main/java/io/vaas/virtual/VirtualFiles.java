package io.vaas.virtual;

import io.vaas.files.RootedFileSystem;

import java.io.BufferedWriter;
import java.io.File;
import java.io.FileFilter;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.FileReader;
import java.io.FileWriter;
import java.io.FilenameFilter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.UnsupportedEncodingException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Scanner;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.zip.ZipFile;

/**
 * The app's own files: {@code java.nio.file} paths on the app's {@link RootedFileSystem}, and {@code java.io}'s
 * file classes routed to it. Every path an app names is a path under its root; {@code ..}, absolute paths and
 * symbolic links do not leave it. The permission checks ({@code files:read}, {@code files:write}) happen where the
 * rewriter meets the call, as for any JDK member; this class only decides where a permitted access goes.
 *
 * <p>{@code java.io} keeps its own conventions: its boolean methods answer {@code false} where the file system
 * refuses, and its constructors throw {@link FileNotFoundException} with the reason in the message.
 *
 * <p>Takes the calling class last, like every entry point here. Not for direct use.
 */
public final class VirtualFiles {

    private VirtualFiles() {
    }

    private static RootedFileSystem fs(Class<?> caller) {
        return AppContext.of(caller).files();
    }

    private static Path path(File f, Class<?> caller) {
        return fs(caller).getPath(f.getPath());
    }

    // java.nio.file entry points -------------------------------------------------------------------------------

    public static Path of(String first, String[] more, Class<?> caller) {
        return fs(caller).getPath(first, more);
    }

    public static Path of(URI uri, Class<?> caller) {
        return fs(caller).provider().getPath(uri);
    }

    public static Path get(String first, String[] more, Class<?> caller) {
        return of(first, more, caller);
    }

    public static Path get(URI uri, Class<?> caller) {
        return of(uri, caller);
    }

    public static FileSystem getDefault(Class<?> caller) {
        return fs(caller);
    }

    public static Path createTempFile(String prefix, String suffix, FileAttribute<?>[] attrs, Class<?> caller)
            throws IOException {
        return Files.createTempFile(fs(caller).tempDirectory(), prefix, suffix, attrs);
    }

    public static Path createTempDirectory(String prefix, FileAttribute<?>[] attrs, Class<?> caller) throws IOException {
        return Files.createTempDirectory(fs(caller).tempDirectory(), prefix, attrs);
    }

    // java.io.File ---------------------------------------------------------------------------------------------

    public static File createTempFile(String prefix, String suffix, Class<?> caller) throws IOException {
        return createTempFile(prefix, suffix, (File) null, caller);
    }

    public static File createTempFile(String prefix, String suffix, File directory, Class<?> caller) throws IOException {
        if (prefix.length() < 3) {
            throw new IllegalArgumentException("Prefix string \"" + prefix + "\" too short: length must be at least 3");
        }
        Path dir = directory == null ? fs(caller).tempDirectory() : path(directory, caller);
        return new File(Files.createTempFile(dir, prefix, suffix == null ? ".tmp" : suffix).toString());
    }

    public static File[] listRoots(Class<?> caller) {
        return new File[] {new File("/")};
    }

    public static boolean exists(File f, Class<?> caller) {
        return Files.exists(path(f, caller), LinkOption.NOFOLLOW_LINKS);
    }

    public static boolean isFile(File f, Class<?> caller) {
        return Files.isRegularFile(path(f, caller), LinkOption.NOFOLLOW_LINKS);
    }

    public static boolean isDirectory(File f, Class<?> caller) {
        return Files.isDirectory(path(f, caller), LinkOption.NOFOLLOW_LINKS);
    }

    public static boolean isHidden(File f, Class<?> caller) {
        return f.getName().startsWith(".");
    }

    public static boolean canRead(File f, Class<?> caller) {
        return Files.isReadable(path(f, caller));
    }

    public static boolean canWrite(File f, Class<?> caller) {
        return !fs(caller).isReadOnly() && Files.isWritable(path(f, caller));
    }

    public static boolean canExecute(File f, Class<?> caller) {
        return Files.isExecutable(path(f, caller));
    }

    public static long length(File f, Class<?> caller) {
        try {
            return Files.size(path(f, caller));
        } catch (IOException e) {
            return 0L;
        }
    }

    public static long lastModified(File f, Class<?> caller) {
        try {
            return Files.getLastModifiedTime(path(f, caller), LinkOption.NOFOLLOW_LINKS).toMillis();
        } catch (IOException e) {
            return 0L;
        }
    }

    public static String[] list(File f, Class<?> caller) {
        return list(f, null, caller);
    }

    public static String[] list(File f, FilenameFilter filter, Class<?> caller) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(path(f, caller))) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (filter == null || filter.accept(f, name)) {
                    names.add(name);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof SecurityException s) {
                throw s;
            }
            return null;
        }
        return names.toArray(String[]::new);
    }

    public static File[] listFiles(File f, Class<?> caller) {
        return listFiles(f, (FilenameFilter) null, caller);
    }

    public static File[] listFiles(File f, FilenameFilter filter, Class<?> caller) {
        String[] names = list(f, filter, caller);
        if (names == null) {
            return null;
        }
        File[] files = new File[names.length];
        for (int i = 0; i < names.length; i++) {
            files[i] = new File(f, names[i]);
        }
        return files;
    }

    public static File[] listFiles(File f, FileFilter filter, Class<?> caller) {
        File[] all = listFiles(f, (FilenameFilter) null, caller);
        if (all == null || filter == null) {
            return all;
        }
        return java.util.Arrays.stream(all).filter(filter::accept).toArray(File[]::new);
    }

    public static boolean delete(File f, Class<?> caller) {
        try {
            Files.delete(path(f, caller));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The file is deleted when the app stops (its "exit"), not when the JVM does. */
    public static void deleteOnExit(File f, Class<?> caller) {
        AppContext.of(caller).deleteOnStop(path(f, caller));
    }

    public static boolean mkdir(File f, Class<?> caller) {
        try {
            Files.createDirectory(path(f, caller));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public static boolean mkdirs(File f, Class<?> caller) {
        Path p = path(f, caller);
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            Files.createDirectories(p);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public static boolean createNewFile(File f, Class<?> caller) throws IOException {
        try {
            Files.createFile(path(f, caller));
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    public static boolean renameTo(File f, File dest, Class<?> caller) {
        try {
            Files.move(path(f, caller), path(dest, caller));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public static boolean setReadOnly(File f, Class<?> caller) {
        return setPermission(f, false, PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.OTHERS_WRITE, caller);
    }

    public static boolean setWritable(File f, boolean writable, boolean ownerOnly, Class<?> caller) {
        return ownerOnly ? setPermission(f, writable, PosixFilePermission.OWNER_WRITE, null, null, caller)
                : setPermission(f, writable, PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.OTHERS_WRITE, caller);
    }

    public static boolean setWritable(File f, boolean writable, Class<?> caller) {
        return setWritable(f, writable, true, caller);
    }

    public static boolean setReadable(File f, boolean readable, boolean ownerOnly, Class<?> caller) {
        return ownerOnly ? setPermission(f, readable, PosixFilePermission.OWNER_READ, null, null, caller)
                : setPermission(f, readable, PosixFilePermission.OWNER_READ, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OTHERS_READ, caller);
    }

    public static boolean setReadable(File f, boolean readable, Class<?> caller) {
        return setReadable(f, readable, true, caller);
    }

    public static boolean setExecutable(File f, boolean executable, boolean ownerOnly, Class<?> caller) {
        return ownerOnly ? setPermission(f, executable, PosixFilePermission.OWNER_EXECUTE, null, null, caller)
                : setPermission(f, executable, PosixFilePermission.OWNER_EXECUTE,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE, caller);
    }

    public static boolean setExecutable(File f, boolean executable, Class<?> caller) {
        return setExecutable(f, executable, true, caller);
    }

    /** Adds ({@code on}) or removes the given POSIX permissions; false where the file system has none. */
    private static boolean setPermission(File f, boolean on, PosixFilePermission a,
                                         PosixFilePermission b, PosixFilePermission c, Class<?> caller) {
        Path p = path(f, caller);
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return false;
        }
        try {
            Set<PosixFilePermission> perms = EnumSet.copyOf(view.readAttributes().permissions());
            for (PosixFilePermission x : new PosixFilePermission[] {a, b, c}) {
                if (x != null) {
                    if (on) {
                        perms.add(x);
                    } else {
                        perms.remove(x);
                    }
                }
            }
            view.setPermissions(perms);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    public static boolean setLastModified(File f, long time, Class<?> caller) {
        if (time < 0) {
            throw new IllegalArgumentException("Negative time");
        }
        try {
            Files.setLastModifiedTime(path(f, caller), FileTime.fromMillis(time));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public static long getTotalSpace(File f, Class<?> caller) {
        try {
            return Files.getFileStore(path(f, caller)).getTotalSpace();
        } catch (IOException e) {
            return 0L;
        }
    }

    public static long getFreeSpace(File f, Class<?> caller) {
        try {
            return Files.getFileStore(path(f, caller)).getUnallocatedSpace();
        } catch (IOException e) {
            return 0L;
        }
    }

    public static long getUsableSpace(File f, Class<?> caller) {
        try {
            return Files.getFileStore(path(f, caller)).getUsableSpace();
        } catch (IOException e) {
            return 0L;
        }
    }

    /** Symbolic links are never followed in an app's root, so the canonical path is the normalized absolute one. */
    public static String getCanonicalPath(File f, Class<?> caller) {
        return path(f, caller).toAbsolutePath().normalize().toString();
    }

    public static File getCanonicalFile(File f, Class<?> caller) {
        return new File(getCanonicalPath(f, caller));
    }

    /** Relative to the app's working directory, {@code /}: never the host's. */
    public static String getAbsolutePath(File f, Class<?> caller) {
        return path(f, caller).toAbsolutePath().toString();
    }

    public static File getAbsoluteFile(File f, Class<?> caller) {
        return new File(getAbsolutePath(f, caller));
    }

    public static Path toPath(File f, Class<?> caller) {
        return path(f, caller);
    }

    public static URI toURI(File f, Class<?> caller) {
        Path p = path(f, caller).toAbsolutePath();
        URI uri = p.toUri();
        if (!uri.getPath().endsWith("/") && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            return URI.create(uri + "/");
        }
        return uri;
    }

    public static URL toURL(File f, Class<?> caller) throws MalformedURLException {
        return toURI(f, caller).toURL();
    }

    // Constructors that open a file by name --------------------------------------------------------------------

    public static FileInputStream newFileInputStream(String name, Class<?> caller) throws FileNotFoundException {
        return new RootedStreams.In(open(name, false, false, caller));
    }

    public static FileInputStream newFileInputStream(File file, Class<?> caller) throws FileNotFoundException {
        return newFileInputStream(file.getPath(), caller);
    }

    public static FileOutputStream newFileOutputStream(String name, Class<?> caller) throws FileNotFoundException {
        return newFileOutputStream(name, false, caller);
    }

    public static FileOutputStream newFileOutputStream(String name, boolean append, Class<?> caller)
            throws FileNotFoundException {
        return new RootedStreams.Out(open(name, true, append, caller));
    }

    public static FileOutputStream newFileOutputStream(File file, Class<?> caller) throws FileNotFoundException {
        return newFileOutputStream(file.getPath(), false, caller);
    }

    public static FileOutputStream newFileOutputStream(File file, boolean append, Class<?> caller)
            throws FileNotFoundException {
        return newFileOutputStream(file.getPath(), append, caller);
    }

    public static FileReader newFileReader(String name, Class<?> caller) throws FileNotFoundException {
        return newFileReader(name, Charset.defaultCharset(), caller);
    }

    public static FileReader newFileReader(File file, Class<?> caller) throws FileNotFoundException {
        return newFileReader(file.getPath(), Charset.defaultCharset(), caller);
    }

    public static FileReader newFileReader(String name, Charset charset, Class<?> caller) throws FileNotFoundException {
        return new RootedStreams.ChannelReader(open(name, false, false, caller), charset);
    }

    public static FileReader newFileReader(File file, Charset charset, Class<?> caller) throws FileNotFoundException {
        return newFileReader(file.getPath(), charset, caller);
    }

    public static FileWriter newFileWriter(String name, Class<?> caller) throws IOException {
        return newFileWriter(name, Charset.defaultCharset(), false, caller);
    }

    public static FileWriter newFileWriter(String name, boolean append, Class<?> caller) throws IOException {
        return newFileWriter(name, Charset.defaultCharset(), append, caller);
    }

    public static FileWriter newFileWriter(File file, Class<?> caller) throws IOException {
        return newFileWriter(file.getPath(), Charset.defaultCharset(), false, caller);
    }

    public static FileWriter newFileWriter(File file, boolean append, Class<?> caller) throws IOException {
        return newFileWriter(file.getPath(), Charset.defaultCharset(), append, caller);
    }

    public static FileWriter newFileWriter(String name, Charset charset, Class<?> caller) throws IOException {
        return newFileWriter(name, charset, false, caller);
    }

    public static FileWriter newFileWriter(File file, Charset charset, Class<?> caller) throws IOException {
        return newFileWriter(file.getPath(), charset, false, caller);
    }

    public static FileWriter newFileWriter(File file, Charset charset, boolean append, Class<?> caller)
            throws IOException {
        return newFileWriter(file.getPath(), charset, append, caller);
    }

    public static FileWriter newFileWriter(String name, Charset charset, boolean append, Class<?> caller)
            throws IOException {
        return new RootedStreams.ChannelWriter(open(name, true, append, caller), charset);
    }

    public static PrintStream newPrintStream(String name, Class<?> caller) throws FileNotFoundException {
        return newPrintStream(name, Charset.defaultCharset(), caller);
    }

    public static PrintStream newPrintStream(String name, String csn, Class<?> caller)
            throws FileNotFoundException, UnsupportedEncodingException {
        return newPrintStream(name, charset(csn), caller);
    }

    public static PrintStream newPrintStream(String name, Charset charset, Class<?> caller) throws FileNotFoundException {
        return new PrintStream(new java.io.BufferedOutputStream(new RootedStreams.Out(open(name, true, false, caller))),
                false, charset);
    }

    public static PrintStream newPrintStream(File file, Class<?> caller) throws FileNotFoundException {
        return newPrintStream(file.getPath(), Charset.defaultCharset(), caller);
    }

    public static PrintStream newPrintStream(File file, String csn, Class<?> caller)
            throws FileNotFoundException, UnsupportedEncodingException {
        return newPrintStream(file.getPath(), charset(csn), caller);
    }

    public static PrintStream newPrintStream(File file, Charset charset, Class<?> caller) throws FileNotFoundException {
        return newPrintStream(file.getPath(), charset, caller);
    }

    public static PrintWriter newPrintWriter(String name, Class<?> caller) throws FileNotFoundException {
        return newPrintWriter(name, Charset.defaultCharset(), caller);
    }

    public static PrintWriter newPrintWriter(String name, String csn, Class<?> caller)
            throws FileNotFoundException, UnsupportedEncodingException {
        return newPrintWriter(name, charset(csn), caller);
    }

    public static PrintWriter newPrintWriter(String name, Charset charset, Class<?> caller) throws FileNotFoundException {
        return new PrintWriter(writer(name, charset, caller), false);
    }

    public static PrintWriter newPrintWriter(File file, Class<?> caller) throws FileNotFoundException {
        return newPrintWriter(file.getPath(), Charset.defaultCharset(), caller);
    }

    public static PrintWriter newPrintWriter(File file, String csn, Class<?> caller)
            throws FileNotFoundException, UnsupportedEncodingException {
        return newPrintWriter(file.getPath(), charset(csn), caller);
    }

    public static PrintWriter newPrintWriter(File file, Charset charset, Class<?> caller) throws FileNotFoundException {
        return newPrintWriter(file.getPath(), charset, caller);
    }

    public static java.util.Formatter newFormatter(String name, Class<?> caller) throws FileNotFoundException {
        return newFormatter(name, Charset.defaultCharset(), formatLocale(caller), caller);
    }

    public static java.util.Formatter newFormatter(String name, String csn, Class<?> caller)
            throws FileNotFoundException, UnsupportedEncodingException {
        return newFormatter(name, charset(csn), formatLocale(caller), caller);
    }

    public static java.util.Formatter newFormatter(String name, String csn, Locale locale, Class<?> caller)
            throws FileNotFoundException, UnsupportedEncodingException {
        return newFormatter(name, charset(csn), locale, caller);
    }

    public static java.util.Formatter newFormatter(String name, Charset charset, Locale locale, Class<?> caller)
            throws FileNotFoundException {
        return new java.util.Formatter(writer(name, charset, caller), locale);
    }

    public static java.util.Formatter newFormatter(File file, Class<?> caller) throws FileNotFoundException {
        return newFormatter(file.getPath(), Charset.defaultCharset(), formatLocale(caller), caller);
    }

    public static java.util.Formatter newFormatter(File file, String csn, Class<?> caller)
            throws FileNotFoundException, UnsupportedEncodingException {
        return newFormatter(file.getPath(), charset(csn), formatLocale(caller), caller);
    }

    public static java.util.Formatter newFormatter(File file, String csn, Locale locale, Class<?> caller)
            throws FileNotFoundException, UnsupportedEncodingException {
        return newFormatter(file.getPath(), charset(csn), locale, caller);
    }

    public static java.util.Formatter newFormatter(File file, Charset charset, Locale locale, Class<?> caller)
            throws FileNotFoundException {
        return newFormatter(file.getPath(), charset, locale, caller);
    }

    public static Scanner newScanner(File file, Class<?> caller) throws FileNotFoundException {
        return newScanner(file, Charset.defaultCharset(), caller);
    }

    public static Scanner newScanner(File file, String csn, Class<?> caller) throws FileNotFoundException {
        try {
            return newScanner(file, charset(csn), caller);
        } catch (UnsupportedEncodingException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    public static Scanner newScanner(File file, Charset charset, Class<?> caller) throws FileNotFoundException {
        return new Scanner(Channels.newInputStream(open(file.getPath(), false, false, caller)), charset);
    }

    /** Needs a file the operating system can open: a folder root, not one in memory. */
    public static RandomAccessFile newRandomAccessFile(String name, String mode, Class<?> caller)
            throws FileNotFoundException {
        RootedFileSystem fs = fs(caller);
        Path p = fs.getPath(name);
        try {
            if (!mode.equals("r")) {
                if (fs.files() != null && fs.files().quotaBytes().isPresent()) {
                    throw new FileNotFoundException(name + " (app '" + fs.app() + "' has a file quota, which "
                            + "RandomAccessFile writes would not be counted against; write with FileChannel or Files)");
                }
                fs.checkWrite(p);
            }
            return new RandomAccessFile(fs.realFile(p), mode);
        } catch (FileNotFoundException e) {
            throw e;
        } catch (UnsupportedOperationException e) {
            throw new FileNotFoundException(name + " (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw notFound(name, e);
        }
    }

    public static RandomAccessFile newRandomAccessFile(File file, String mode, Class<?> caller)
            throws FileNotFoundException {
        return newRandomAccessFile(file.getPath(), mode, caller);
    }

    public static ZipFile newZipFile(String name, Class<?> caller) throws IOException {
        return opened(name, () -> new ZipFile(real(name, false, caller)));
    }

    public static ZipFile newZipFile(File file, Class<?> caller) throws IOException {
        return newZipFile(file.getPath(), caller);
    }

    public static ZipFile newZipFile(File file, int mode, Class<?> caller) throws IOException {
        return opened(file.getPath(), () -> new ZipFile(real(file.getPath(), (mode & ZipFile.OPEN_DELETE) != 0, caller), mode));
    }

    public static ZipFile newZipFile(String name, Charset charset, Class<?> caller) throws IOException {
        return opened(name, () -> new ZipFile(real(name, false, caller), charset));
    }

    public static ZipFile newZipFile(File file, Charset charset, Class<?> caller) throws IOException {
        return newZipFile(file.getPath(), charset, caller);
    }

    public static ZipFile newZipFile(File file, int mode, Charset charset, Class<?> caller) throws IOException {
        return opened(file.getPath(), () -> new ZipFile(real(file.getPath(), (mode & ZipFile.OPEN_DELETE) != 0, caller), mode, charset));
    }

    public static JarFile newJarFile(String name, Class<?> caller) throws IOException {
        return opened(name, () -> new JarFile(real(name, false, caller)));
    }

    public static JarFile newJarFile(String name, boolean verify, Class<?> caller) throws IOException {
        return opened(name, () -> new JarFile(real(name, false, caller), verify));
    }

    public static JarFile newJarFile(File file, Class<?> caller) throws IOException {
        return newJarFile(file.getPath(), caller);
    }

    public static JarFile newJarFile(File file, boolean verify, Class<?> caller) throws IOException {
        return newJarFile(file.getPath(), verify, caller);
    }

    public static JarFile newJarFile(File file, boolean verify, int mode, Class<?> caller) throws IOException {
        return opened(file.getPath(), () -> new JarFile(real(file.getPath(), (mode & ZipFile.OPEN_DELETE) != 0, caller), verify, mode));
    }

    public static JarFile newJarFile(File file, boolean verify, int mode, Runtime.Version version, Class<?> caller)
            throws IOException {
        return opened(file.getPath(), () -> new JarFile(real(file.getPath(), (mode & ZipFile.OPEN_DELETE) != 0, caller), verify, mode, version));
    }

    // ----------------------------------------------------------------------------------------------------------

    /** A channel on the app's file {@code name}, opened as {@code java.io} would (reading, or writing and creating). */
    private static FileChannel open(String name, boolean write, boolean append, Class<?> caller)
            throws FileNotFoundException {
        Path p = fs(caller).getPath(name);
        try {
            if (!write) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    throw new FileNotFoundException(name + " (Is a directory)");
                }
                return FileChannel.open(p, StandardOpenOption.READ);
            }
            return FileChannel.open(p, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
        } catch (FileNotFoundException e) {
            throw e;
        } catch (IOException e) {
            throw notFound(name, e);
        }
    }

    private static java.io.Writer writer(String name, Charset charset, Class<?> caller) throws FileNotFoundException {
        return new BufferedWriter(new OutputStreamWriter(new RootedStreams.Out(open(name, true, false, caller)), charset));
    }

    private static File real(String name, boolean deletes, Class<?> caller) throws IOException {
        RootedFileSystem fs = fs(caller);
        Path p = fs.getPath(name);
        if (deletes) {
            fs.checkWrite(p);
        }
        return fs.realFile(p);
    }

    private interface Opener<T> {
        T open() throws IOException;
    }

    /** Opens a zip or jar by its real file; a missing file is reported by the name the app gave, not the host's. */
    private static <T> T opened(String name, Opener<T> opener) throws IOException {
        try {
            return opener.open();
        } catch (UnsupportedOperationException e) {
            throw new FileNotFoundException(name + " (" + e.getMessage() + ")");
        } catch (java.nio.file.NoSuchFileException | FileNotFoundException e) {
            // Not chained: the JDK's exception names the file by its host path.
            throw new FileNotFoundException(name + " (No such file or directory)");
        }
    }

    private static FileNotFoundException notFound(String name, IOException cause) {
        String reason = cause instanceof java.nio.file.NoSuchFileException ? "No such file or directory"
                : cause instanceof java.nio.file.FileSystemException fse && fse.getReason() != null ? fse.getReason()
                : cause.getMessage();
        FileNotFoundException e = new FileNotFoundException(name + " (" + reason + ")");
        e.initCause(cause);
        return e;
    }

    private static Charset charset(String csn) throws UnsupportedEncodingException {
        if (csn == null) {
            throw new NullPointerException("charsetName");
        }
        try {
            return Charset.forName(csn);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new UnsupportedEncodingException(csn);
        }
    }

    private static Locale formatLocale(Class<?> caller) {
        return AppContext.of(caller).locale(Locale.Category.FORMAT);
    }
}
