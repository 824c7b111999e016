package io.vaas.files;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An app's file root on a folder of the host ({@code "folder"}) and on an in-memory file system ({@code "memory"}):
 * both must behave the same, and nothing must reach, or name, what is outside the root.
 */
class RootedFileSystemTest {

    private static final String SYMLINK_REFUSED =
            "app 'orders': symbolic links are not followed in an app's file root";
    private static final String READ_ONLY = "app 'orders' has a read-only file root (AppFiles.readOnly)";

    @TempDir
    Path temp;

    private FileSystem memory;
    /** The host's folder that is the app's "/". */
    private Path hostRoot;
    /** A host folder next to the root, holding secret.txt, which the app must never reach. */
    private Path outside;

    @AfterEach
    void closeMemory() throws IOException {
        if (memory != null) {
            memory.close();
        }
    }

    private RootedFileSystem open(String kind) throws IOException {
        return open(kind, files -> files);
    }

    private RootedFileSystem open(String kind, UnaryOperator<AppFiles> settings) throws IOException {
        Path base = switch (kind) {
            case "folder" -> temp;
            case "memory" -> {
                memory = Jimfs.newFileSystem(Configuration.unix());
                yield memory.getPath("/host");
            }
            default -> throw new IllegalArgumentException(kind);
        };
        hostRoot = base.resolve("apps").resolve("orders");
        outside = base.resolve("outside");
        Files.createDirectories(outside);
        Files.writeString(outside.resolve("secret.txt"), "secret");
        return RootedFileSystem.open("orders", settings.apply(AppFiles.folder(hostRoot)));
    }

    private void assertNamesNoHostPath(Object shown) throws IOException {
        String text = String.valueOf(shown);
        assertThat(text).doesNotContain(hostRoot.toString()).doesNotContain("apps/orders");
        if (Files.exists(hostRoot)) {
            assertThat(text).doesNotContain(hostRoot.toRealPath().toString());
        }
    }

    // Files on the app's paths --------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"folder", "memory"})
    void filesWritesReadsListsMovesCopiesAndDeletesUnderTheRoot(String kind) throws IOException {
        RootedFileSystem fs = open(kind);
        Path dir = fs.getPath("/data/in");
        Files.createDirectories(dir);
        Path x = dir.resolve("x.txt");
        Files.writeString(x, "hello");

        assertThat(Files.readString(hostRoot.resolve("data/in/x.txt"))).isEqualTo("hello");
        assertThat(Files.readString(x)).isEqualTo("hello");
        assertThat(Files.isDirectory(dir)).isTrue();
        assertThat(Files.isRegularFile(x)).isTrue();
        assertThat(Files.size(x)).isEqualTo(5);
        try (Stream<Path> list = Files.list(dir)) {
            assertThat(list.map(Path::toString).toList()).containsExactly("/data/in/x.txt");
        }

        Path copy = fs.getPath("/data/copy.txt");
        Files.copy(x, copy);
        Path moved = fs.getPath("/data/moved.txt");
        Files.move(x, moved);
        assertThat(Files.exists(x)).isFalse();
        assertThat(Files.readString(moved)).isEqualTo("hello");
        assertThat(Files.readString(hostRoot.resolve("data/copy.txt"))).isEqualTo("hello");

        Files.writeString(copy, "other");
        Files.copy(copy, moved, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.readString(moved)).isEqualTo("other");

        Files.delete(copy);
        assertThat(Files.exists(hostRoot.resolve("data/copy.txt"))).isFalse();
        assertThat(Files.deleteIfExists(copy)).isFalse();
        assertThatThrownBy(() -> Files.delete(dir.getParent()))
                .isInstanceOf(java.nio.file.DirectoryNotEmptyException.class)
                .satisfies(e -> assertNamesNoHostPath(e.getMessage()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"folder", "memory"})
    void attributesAreReadAndSetThroughTheAppsPaths(String kind) throws IOException {
        RootedFileSystem fs = open(kind);
        Path x = fs.getPath("/x.txt");
        Files.writeString(x, "abc");
        FileTime time = FileTime.fromMillis(1_600_000_000_000L);

        Files.setLastModifiedTime(x, time);

        assertThat(Files.getLastModifiedTime(x)).isEqualTo(time);
        assertThat(Files.getLastModifiedTime(hostRoot.resolve("x.txt"))).isEqualTo(time);
        assertThat(Files.getAttribute(x, "size")).isEqualTo(3L);
        assertThat(Files.readAttributes(x, "basic:size,isDirectory")).containsEntry("isDirectory", false);
        assertThat(Files.isSameFile(x, fs.getPath("/./x.txt"))).isTrue();
        assertThat(Files.isHidden(fs.getPath("/.hidden"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"folder", "memory"})
    void walkAndDirectoryStreamsGiveTheAppsPathsOnly(String kind) throws IOException {
        RootedFileSystem fs = open(kind);
        Files.createDirectories(fs.getPath("/a/c"));
        Files.writeString(fs.getPath("/a/b.txt"), "b");
        Files.writeString(fs.getPath("/a/c/d.txt"), "d");
        Files.writeString(fs.getPath("/a/e.log"), "e");

        List<Path> walked;
        try (Stream<Path> walk = Files.walk(fs.getPath("/"))) {
            walked = walk.toList();
        }
        assertThat(walked).allMatch(p -> p instanceof RootedPath && p.getFileSystem() == fs);
        assertThat(walked.stream().map(Path::toString).sorted())
                .containsExactly("/", "/a", "/a/b.txt", "/a/c", "/a/c/d.txt", "/a/e.log");
        assertNamesNoHostPath(walked);

        List<String> listed = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(fs.getPath("/a"), "*.txt")) {
            stream.forEach(p -> listed.add(p.toString()));
        }
        assertThat(listed).containsExactly("/a/b.txt");

        try (Stream<Path> relative = Files.list(fs.getPath("a"))) {
            assertThat(relative.map(Path::toString).sorted()).containsExactly("a/b.txt", "a/c", "a/e.log");
        }
        try (Stream<Path> found = Files.find(fs.getPath("/"), 10, (p, attributes) -> attributes.isRegularFile()
                && fs.getPathMatcher("glob:**.txt").matches(p))) {
            assertThat(found.map(Path::toString).sorted()).containsExactly("/a/b.txt", "/a/c/d.txt");
        }
    }

    // Staying inside --------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"folder", "memory"})
    void dotDotAndAbsolutePathsStayInsideTheRoot(String kind) throws IOException {
        RootedFileSystem fs = open(kind);
        Path hostname = fs.getPath("/../../etc/hostname");

        assertThatThrownBy(() -> Files.readString(hostname))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("/etc/hostname")
                .satisfies(e -> assertNamesNoHostPath(e.getMessage()));

        Files.createDirectories(hostRoot.resolve("etc"));
        Files.writeString(hostRoot.resolve("etc/hostname"), "inside");
        assertThat(Files.readString(hostname)).isEqualTo("inside");
        assertThat(Files.readString(fs.getPath("../../../../etc/hostname"))).isEqualTo("inside");
        assertThat(Files.readString(fs.getPath("/etc/../../etc/./hostname"))).isEqualTo("inside");

        Files.writeString(fs.getPath("/../escaped.txt"), "x");
        assertThat(Files.exists(hostRoot.resolve("escaped.txt"))).isTrue();
        assertThat(Files.exists(hostRoot.getParent().resolve("escaped.txt"))).isFalse();
        assertThat(fs.realPath(fs.getPath("/../../outside/secret.txt")))
                .isEqualTo(hostRoot.toRealPath().resolve("outside/secret.txt"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"folder", "memory"})
    void theRootItselfCannotBeDeletedOrReplaced(String kind) throws IOException {
        RootedFileSystem fs = open(kind);
        Files.writeString(fs.getPath("/a.txt"), "a");
        Files.delete(fs.getPath("/a.txt"));

        assertThatThrownBy(() -> Files.delete(fs.getPath("/..")))
                .isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("cannot delete, move or replace the root");
        assertThatThrownBy(() -> Files.move(fs.getPath("/"), fs.getPath("/elsewhere")))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(Files.isDirectory(hostRoot)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"folder", "memory"})
    void aSymbolicLinkTheHostPutInTheRootIsNotFollowed(String kind) throws IOException {
        RootedFileSystem fs = open(kind);
        Files.createDirectories(hostRoot);
        Files.createSymbolicLink(hostRoot.resolve("link.txt"), outside.resolve("secret.txt"));
        Path link = fs.getPath("/link.txt");

        assertThatThrownBy(() -> Files.readString(link))
                .isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining(SYMLINK_REFUSED)
                .hasMessageContaining("/link.txt");
        assertThatThrownBy(() -> Files.writeString(link, "pwned")).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> Files.delete(link)).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> Files.readSymbolicLink(link)).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> fs.realPath(link)).isInstanceOf(AccessDeniedException.class);
        BasicFileAttributeView view = Files.getFileAttributeView(link, BasicFileAttributeView.class);
        assertThat(view.name()).isEqualTo("basic");
        assertThatThrownBy(view::readAttributes).isInstanceOf(AccessDeniedException.class);
        assertThat(Files.exists(link)).isFalse();
        assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo("secret");
    }

    @ParameterizedTest
    @ValueSource(strings = {"folder", "memory"})
    void aSymbolicLinkInTheMiddleOfAPathIsNotFollowed(String kind) throws IOException {
        RootedFileSystem fs = open(kind);
        Files.createDirectories(hostRoot.resolve("data"));
        Files.createSymbolicLink(hostRoot.resolve("data/dir"), outside);

        assertThatThrownBy(() -> Files.readString(fs.getPath("/data/dir/secret.txt")))
                .isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining(SYMLINK_REFUSED);
        assertThatThrownBy(() -> Files.writeString(fs.getPath("/data/dir/new.txt"), "x"))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> Files.newDirectoryStream(fs.getPath("data/dir")))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> Files.createDirectories(fs.getPath("/data/dir/sub")))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(Files.exists(outside.resolve("new.txt"))).isFalse();
        assertThat(Files.exists(outside.resolve("sub"))).isFalse();
        // Lexically, /data/dir/.. is /data: it does not go through the link.
        assertThat(Files.isDirectory(fs.getPath("/data/dir/.."))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"folder", "memory"})
    void theHostMayReachTheRootThroughALink(String kind) throws IOException {
        RootedFileSystem fs = open(kind, files -> AppFiles.folder(outside.resolve("linked")));
        Files.createDirectories(hostRoot.getParent());
        Files.createSymbolicLink(outside.resolve("linked"), hostRoot.getParent());

        Files.writeString(fs.getPath("/x.txt"), "via link");

        assertThat(Files.readString(hostRoot.getParent().resolve("x.txt"))).isEqualTo("via link");
        assertThat(Files.readString(fs.getPath("/x.txt"))).isEqualTo("via link");
    }

    @ParameterizedTest
    @ValueSource(strings = {"folder", "memory"})
    void theAppCannotMakeLinks(String kind) throws IOException {
        RootedFileSystem fs = open(kind);
        Path file = fs.getPath("/a.txt");
        Files.writeString(file, "a");

        assertThatThrownBy(() -> Files.createSymbolicLink(fs.getPath("/l"), fs.getPath("/../../outside")))
                .isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("app 'orders': links cannot be made in an app's file root");
        assertThatThrownBy(() -> Files.createLink(fs.getPath("/h"), file))
                .isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("links cannot be made");
        assertThatThrownBy(() -> Files.readSymbolicLink(file)).isInstanceOf(NotLinkException.class);
        assertThat(Files.exists(hostRoot.resolve("l"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.exists(hostRoot.resolve("h"))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"folder", "memory"})
    void toRealPathGivesTheAppsNormalizedPath(String kind) throws IOException {
        RootedFileSystem fs = open(kind);
        Files.createDirectories(fs.getPath("/a"));
        Files.writeString(fs.getPath("/a/b.txt"), "b");

        Path real = fs.getPath("/a/./c/../b.txt").toRealPath();

        assertThat(real).isInstanceOf(RootedPath.class).hasToString("/a/b.txt");
        assertThat(fs.getPath("a").toRealPath()).hasToString("/a");
        assertThatThrownBy(() -> fs.getPath("missing.txt").toRealPath())
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("/missing.txt")
                .satisfies(e -> assertNamesNoHostPath(e.getMessage()));
    }

    // Read-only ----------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"folder", "memory"})
    void aReadOnlyRootRefusesWritesAndAllowsReads(String kind) throws IOException {
        RootedFileSystem fs = open(kind, AppFiles::readOnly);
        Files.createDirectories(hostRoot.resolve("d"));
        Files.writeString(hostRoot.resolve("a.txt"), "host");
        Path a = fs.getPath("/a.txt");

        assertThat(fs.isReadOnly()).isTrue();
        assertThat(Files.readString(a)).isEqualTo("host");
        try (Stream<Path> list = Files.list(fs.getPath("/"))) {
            assertThat(list.map(Path::toString).sorted()).containsExactly("/a.txt", "/d");
        }
        assertThat(Files.getLastModifiedTime(a)).isNotNull();

        assertThatThrownBy(() -> Files.writeString(a, "app"))
                .isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining(READ_ONLY);
        assertThatThrownBy(() -> Files.writeString(fs.getPath("/new.txt"), "app"))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> Files.newByteChannel(a, StandardOpenOption.APPEND))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> Files.delete(a)).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> Files.createDirectory(fs.getPath("/e"))).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> Files.move(a, fs.getPath("/b.txt"))).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> Files.copy(a, fs.getPath("/b.txt"))).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> Files.setLastModifiedTime(a, FileTime.fromMillis(0)))
                .isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining(READ_ONLY);
        assertThatThrownBy(() -> Files.setAttribute(a, "lastModifiedTime", FileTime.fromMillis(0)))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> fs.checkWrite(a)).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(fs::tempDirectory).isInstanceOf(AccessDeniedException.class);
        assertThat(Files.getFileStore(a).isReadOnly()).isTrue();
        assertThat(Files.readString(hostRoot.resolve("a.txt"))).isEqualTo("host");
        assertThat(Files.exists(hostRoot.resolve("b.txt"))).isFalse();
        assertThat(Files.getLastModifiedTime(a)).isNotEqualTo(FileTime.fromMillis(0));
    }

    // Quota ----------------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"folder", "memory"})
    void writesFitTheQuotaUpToTheLastByte(String kind) throws IOException {
        RootedFileSystem fs = open(kind, files -> files.quotaBytes(100));
        Path a = fs.getPath("/a.bin");
        Path b = fs.getPath("/b.bin");
        Files.write(a, new byte[60]);
        Files.write(b, new byte[40]);

        assertThatThrownBy(() -> Files.write(a, new byte[1], StandardOpenOption.APPEND))
                .isInstanceOf(FileSystemException.class)
                .hasMessageContaining("app 'orders' exceeded its file quota of 100 bytes (AppFiles.quotaBytes); used 100")
                .hasMessageContaining("/a.bin");
        assertThat(Files.size(a)).isEqualTo(60);
        assertThatThrownBy(() -> fs.checkWrite(fs.getPath("/c.bin"))).isInstanceOf(FileSystemException.class);

        // Overwriting in place does not grow the file.
        try (SeekableByteChannel channel = Files.newByteChannel(a, StandardOpenOption.WRITE)) {
            assertThat(channel.write(ByteBuffer.wrap(new byte[60]))).isEqualTo(60);
        }
        // Rewriting it smaller gives back what it lost.
        Files.write(a, new byte[10]);
        Files.write(fs.getPath("/c.bin"), new byte[50]);
        assertThatThrownBy(() -> Files.write(fs.getPath("/d.bin"), new byte[1]))
                .isInstanceOf(FileSystemException.class)
                .hasMessageContaining("used 100");
    }

    @ParameterizedTest
    @ValueSource(strings = {"folder", "memory"})
    void deletingFreesQuotaAndCopiesAreCharged(String kind) throws IOException {
        RootedFileSystem fs = open(kind, files -> files.quotaBytes(100));
        Path a = fs.getPath("/a.bin");
        Files.write(a, new byte[60]);

        assertThatThrownBy(() -> Files.copy(a, fs.getPath("/copy.bin")))
                .isInstanceOf(FileSystemException.class)
                .hasMessageContaining("exceeded its file quota of 100 bytes");
        assertThat(Files.exists(fs.getPath("/copy.bin"))).isFalse();

        Files.write(fs.getPath("/b.bin"), new byte[40]);
        Files.delete(fs.getPath("/b.bin"));
        Files.move(a, fs.getPath("/moved.bin"));
        Files.write(fs.getPath("/c.bin"), new byte[40]);
        assertThatThrownBy(() -> Files.write(fs.getPath("/d.bin"), new byte[1]))
                .isInstanceOf(FileSystemException.class);

        Files.delete(fs.getPath("/moved.bin"));
        fs.checkWrite(fs.getPath("/copy.bin"));
        Files.copy(fs.getPath("/c.bin"), fs.getPath("/copy.bin"));
        assertThat(Files.size(fs.getPath("/copy.bin"))).isEqualTo(40);
    }

    @ParameterizedTest
    @ValueSource(strings = {"folder", "memory"})
    void theQuotaCountsWhatIsThereBeforeTheFirstWrite(String kind) throws IOException {
        RootedFileSystem fs = open(kind, files -> files.quotaBytes(100));
        Files.createDirectories(hostRoot.resolve("old"));
        Files.write(hostRoot.resolve("old/data.bin"), new byte[90]);

        assertThatThrownBy(() -> Files.write(fs.getPath("/new.bin"), new byte[11]))
                .isInstanceOf(FileSystemException.class)
                .hasMessageContaining("used 90");
        Files.write(fs.getPath("/new.bin"), new byte[10]);
        assertThat(Files.size(hostRoot.resolve("new.bin"))).isEqualTo(10);

        FileStore store = Files.getFileStore(fs.getPath("/"));
        assertThat(store.getTotalSpace()).isLessThanOrEqualTo(100);
        assertThat(store.getUsableSpace()).isZero();
        assertThat(fs.getFileStores()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"folder", "memory"})
    void fileChannelsAreChargedToo(String kind) throws IOException {
        RootedFileSystem fs = open(kind, files -> files.quotaBytes(100));
        Path p = fs.getPath("/data.bin");
        try (FileChannel channel = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            assertThat(channel.write(ByteBuffer.allocate(50))).isEqualTo(50);
            assertThatThrownBy(() -> channel.write(ByteBuffer.allocate(30), 80))
                    .isInstanceOf(FileSystemException.class)
                    .hasMessageContaining("quota of 100 bytes");
            assertThat(channel.size()).isEqualTo(50);
            assertThat(channel.write(ByteBuffer.allocate(30), 70)).isEqualTo(30);
            assertThat(channel.size()).isEqualTo(100);
            assertThat(channel.write(ByteBuffer.allocate(10), 0)).isEqualTo(10);
            channel.position(100);
            assertThatThrownBy(() -> channel.write(ByteBuffer.allocate(1))).isInstanceOf(FileSystemException.class);
            assertThatThrownBy(() -> channel.write(new ByteBuffer[] {ByteBuffer.allocate(1)}, 0, 1))
                    .isInstanceOf(FileSystemException.class);
            assertThatThrownBy(() -> channel.map(FileChannel.MapMode.READ_WRITE, 0, 10))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot map a file READ_WRITE while it has a file quota");
            assertThat(channel.size()).isEqualTo(100);

            channel.truncate(40);
            assertThatThrownBy(() -> channel.transferFrom(source(70), 40, 70))
                    .isInstanceOf(FileSystemException.class);
            assertThat(channel.size()).isEqualTo(40);
            assertThat(channel.transferFrom(source(60), 40, 60)).isEqualTo(60);
            assertThat(channel.size()).isEqualTo(100);

            FileLock lock = channel.lock();
            assertThat(lock.channel()).isSameAs(channel);
            lock.release();
        }
        assertThat(Files.size(hostRoot.resolve("data.bin"))).isEqualTo(100);
    }

    @ParameterizedTest
    @ValueSource(strings = {"folder", "memory"})
    void asynchronousChannelsMayReadButNotWriteUnderAQuota(String kind) throws Exception {
        RootedFileSystem fs = open(kind, files -> files.quotaBytes(100));
        Path p = fs.getPath("/a.txt");
        Files.writeString(p, "abc");

        assertThatThrownBy(() -> AsynchronousFileChannel.open(p, StandardOpenOption.WRITE))
                .isInstanceOf(FileSystemException.class)
                .hasMessageContaining("cannot write through an AsynchronousFileChannel while it has a file quota");
        try (AsynchronousFileChannel channel = AsynchronousFileChannel.open(p, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(3);
            assertThat(channel.read(buffer, 0).get()).isEqualTo(3);
            assertThat(new String(buffer.array(), UTF_8)).isEqualTo("abc");
        }
    }

    private static java.nio.channels.ReadableByteChannel source(int bytes) {
        return Channels.newChannel(new ByteArrayInputStream(new byte[bytes]));
    }

    // Host-facing helpers ------------------------------------------------------------------------------------------

    @Test
    void realFileNamesTheHostFileOfAFolderRoot() throws IOException {
        RootedFileSystem fs = open("folder");
        Files.writeString(fs.getPath("/data.txt"), "x");

        File file = fs.realFile(fs.getPath("/data.txt"));

        assertThat(file.toPath()).isEqualTo(hostRoot.toRealPath().resolve("data.txt"));
        assertThat(Files.readString(file.toPath())).isEqualTo("x");
    }

    @Test
    void realFileIsRefusedForARootInMemory() throws IOException {
        RootedFileSystem fs = open("memory");
        Path p = fs.getPath("/data.txt");
        Files.writeString(p, "x");

        assertThat(fs.realPath(p)).isEqualTo(hostRoot.resolve("data.txt"));
        assertThatThrownBy(() -> fs.realFile(p))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("app 'orders' has its files in memory: java.io.RandomAccessFile/ZipFile need a folder root;"
                        + " use java.nio.file.Files instead");
    }

    @ParameterizedTest
    @ValueSource(strings = {"folder", "memory"})
    void tempDirectoryIsTmpUnderTheRoot(String kind) throws IOException {
        RootedFileSystem fs = open(kind);

        Path tmp = fs.tempDirectory();
        Path file = Files.createTempFile(tmp, "job", ".tmp");

        assertThat(tmp).hasToString("/tmp");
        assertThat(fs.tempDirectory()).isEqualTo(tmp);
        assertThat(Files.isDirectory(hostRoot.resolve("tmp"))).isTrue();
        assertThat(file.toString()).startsWith("/tmp/job").endsWith(".tmp");
        assertThat(Files.exists(hostRoot.resolve("tmp").resolve(file.getFileName().toString()))).isTrue();
    }

    @Test
    void anUnrootedFileSystemHasPathsButNoFiles() {
        RootedFileSystem fs = RootedFileSystem.unrooted("orders");
        Path p = fs.getPath("/data").resolve("x.txt");

        assertThat(p).hasToString("/data/x.txt");
        assertThat(fs.isReadOnly()).isTrue();
        assertThat(fs.files()).isNull();
        assertThatThrownBy(() -> Files.readString(p))
                .isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("app 'orders' has no file root")
                .hasMessageContaining("AppSpec.files");
        assertThatThrownBy(() -> Files.writeString(p, "x")).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(fs::tempDirectory).isInstanceOf(AccessDeniedException.class);
        assertThat(Files.exists(p)).isFalse();
    }

    @Test
    void appFilesIsAnImmutableDescription() {
        AppFiles plain = AppFiles.folder(temp);
        AppFiles limited = plain.readOnly().quotaBytes(10);

        assertThat(plain.isReadOnly()).isFalse();
        assertThat(plain.quotaBytes()).isEmpty();
        assertThat(limited.root()).isEqualTo(temp);
        assertThat(limited.isReadOnly()).isTrue();
        assertThat(limited.quotaBytes()).isEqualTo(OptionalLong.of(10));
        assertThat(limited.toString()).contains("read-only", "quota 10 bytes");
        assertThat(limited).isEqualTo(AppFiles.folder(temp).quotaBytes(10).readOnly());
        assertThatThrownBy(() -> plain.quotaBytes(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AppFiles.quotaBytes must be more than 0 bytes, was 0");
    }

    // Lexical path operations -------------------------------------------------------------------------------------

    @Test
    void pathsAreUnixStyleAndLexical() {
        RootedFileSystem fs = RootedFileSystem.open("orders", AppFiles.folder(temp));
        RootedPath p = fs.getPath("/data/x.txt");

        assertThat(fs.getSeparator()).isEqualTo("/");
        assertThat(fs.getRootDirectories()).containsExactly(fs.getPath("/"));
        assertThat(p.isAbsolute()).isTrue();
        assertThat(p.getRoot()).hasToString("/");
        assertThat(p.getFileName()).hasToString("x.txt");
        assertThat(p.getParent()).hasToString("/data");
        assertThat(p.getParent().getParent()).hasToString("/");
        assertThat(fs.getPath("/").getParent()).isNull();
        assertThat(fs.getPath("/").getFileName()).isNull();
        assertThat(fs.getPath("x").getParent()).isNull();
        assertThat(p.getNameCount()).isEqualTo(2);
        assertThat(p.getName(0)).hasToString("data");
        assertThat(p.subpath(0, 2)).hasToString("data/x.txt");
        assertThat(fs.getPath("/data", "in", "x.txt")).hasToString("/data/in/x.txt");
        assertThat(fs.getPath("a//b/", "", "c")).hasToString("a/b/c");
        assertThat(fs.getPath("").getNameCount()).isEqualTo(1);
        List<String> names = new ArrayList<>();
        p.forEach(name -> names.add(name.toString()));
        assertThat(names).containsExactly("data", "x.txt");
        assertThatThrownBy(() -> p.getName(2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.subpath(1, 1)).isInstanceOf(IllegalArgumentException.class);

        assertThat(fs.getPath("/../a/./b/../c").normalize()).hasToString("/a/c");
        assertThat(fs.getPath("a/../../b").normalize()).hasToString("../b");
        assertThat(fs.getPath("a/..").normalize()).hasToString("");

        assertThat(fs.getPath("/data").resolve("x")).hasToString("/data/x");
        assertThat(fs.getPath("/data").resolve("/abs")).hasToString("/abs");
        assertThat(fs.getPath("/data").resolve("")).hasToString("/data");
        assertThat(fs.getPath("").resolve("a")).hasToString("a");
        assertThat(fs.getPath("/a/b").resolveSibling("c")).hasToString("/a/c");

        Path base = fs.getPath("/a/b");
        Path rel = fs.getPath("c/d");
        assertThat(base.relativize(fs.getPath("/a/c/d"))).hasToString("../c/d");
        assertThat(base.relativize(base.resolve(rel))).isEqualTo(rel);
        assertThat(base.relativize(base)).hasToString("");
        assertThat(fs.getPath("/").relativize(base)).hasToString("a/b");
        assertThatThrownBy(() -> base.relativize(rel)).isInstanceOf(IllegalArgumentException.class);

        assertThat(base.startsWith(fs.getPath("/a"))).isTrue();
        assertThat(base.startsWith("/")).isTrue();
        assertThat(base.startsWith("a")).isFalse();
        assertThat(base.startsWith("/a/b/c")).isFalse();
        assertThat(base.startsWith(Path.of("/a"))).isFalse();
        assertThat(base.endsWith("b")).isTrue();
        assertThat(base.endsWith("a/b")).isTrue();
        assertThat(base.endsWith("/a/b")).isTrue();
        assertThat(base.endsWith("/b")).isFalse();

        assertThat(fs.getPath("a/b").toAbsolutePath()).hasToString("/a/b");
        assertThat(fs.getPath("").toAbsolutePath()).hasToString("/");
        assertThat(p.toFile()).isEqualTo(new File("/data/x.txt"));

        assertThat(fs.getPath("/a", "b")).isEqualTo(base).hasSameHashCodeAs(base);
        assertThat(fs.getPath("/a/a").compareTo(base)).isNegative();
        assertThatThrownBy(() -> fs.getPath("a\0b")).isInstanceOf(InvalidPathException.class);
        assertThatThrownBy(() -> p.register(null)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(fs::newWatchService)
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("app 'orders'");
    }

    @Test
    void urisRoundTripThroughTheProvider() {
        RootedFileSystem fs = RootedFileSystem.open("orders", AppFiles.folder(temp));
        RootedPath p = fs.getPath("/data/x y.txt");

        URI uri = p.toUri();

        assertThat(uri).hasToString("file:///data/x%20y.txt");
        assertThat(fs.provider().getPath(uri)).isEqualTo(p);
        assertThat(fs.getPath("rel/x").toUri()).hasToString("file:///rel/x");
        assertThat(fs.provider().getPath(URI.create("vaas-file:///a/b"))).hasToString("/a/b");
        assertThat(fs.provider().getScheme()).isEqualTo("vaas-file");
        assertThatThrownBy(() -> fs.provider().getPath(URI.create("http://example.com/x")))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> fs.provider().getPath(URI.create("file://host/x")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pathsOfAnotherProviderOrAppDoNotMix() throws IOException {
        RootedFileSystem fs = open("folder");
        RootedFileSystem billing = RootedFileSystem.open("billing", AppFiles.folder(temp.resolve("billing")));
        Path mine = fs.getPath("/a.txt");
        Files.writeString(mine, "a");

        assertThatThrownBy(() -> mine.resolve(Path.of("x"))).isInstanceOf(ProviderMismatchException.class);
        assertThatThrownBy(() -> mine.resolve(billing.getPath("x"))).isInstanceOf(ProviderMismatchException.class);
        assertThatThrownBy(() -> fs.provider().copy(mine, billing.getPath("/a.txt")))
                .isInstanceOf(ProviderMismatchException.class);
        assertThatThrownBy(() -> fs.provider().move(mine, Path.of("/tmp/a.txt")))
                .isInstanceOf(ProviderMismatchException.class);
        assertThatThrownBy(() -> fs.realPath(billing.getPath("/a.txt")))
                .isInstanceOf(ProviderMismatchException.class);
        assertThat(mine).isNotEqualTo(billing.getPath("/a.txt"));
        assertThat(Files.readString(mine, UTF_8)).isEqualTo("a");
    }

    @Test
    void pathMatchersUseTheAppsPathText() {
        RootedFileSystem fs = RootedFileSystem.unrooted("orders");

        PathMatcher anyTxt = fs.getPathMatcher("glob:**.txt");
        PathMatcher nameTxt = fs.getPathMatcher("glob:*.txt");
        assertThat(anyTxt.matches(fs.getPath("/a/b.txt"))).isTrue();
        assertThat(nameTxt.matches(fs.getPath("/a/b.txt"))).isFalse();
        assertThat(nameTxt.matches(fs.getPath("b.txt"))).isTrue();
        assertThat(fs.getPathMatcher("glob:/a/{b,c}.txt").matches(fs.getPath("/a/c.txt"))).isTrue();
        assertThat(fs.getPathMatcher("glob:/a/[!x]?.txt").matches(fs.getPath("/a/bc.txt"))).isTrue();
        assertThat(fs.getPathMatcher("glob:/a/[!x]?.txt").matches(fs.getPath("/a/xc.txt"))).isFalse();
        assertThat(fs.getPathMatcher("glob:/a/[a-c]?").matches(fs.getPath("/a/b/"))).isFalse();
        assertThat(fs.getPathMatcher("glob:a.(txt)").matches(fs.getPath("a.(txt)"))).isTrue();
        assertThat(fs.getPathMatcher("regex:/a/.*").matches(fs.getPath("/a/b/c"))).isTrue();
        assertThatThrownBy(() -> fs.getPathMatcher("*.txt")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> fs.getPathMatcher("bogus:x")).isInstanceOf(UnsupportedOperationException.class);
    }
}
