package io.vaas;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.vaas.files.AppFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Files from guest code: every path an app names, through java.nio.file or java.io, is under its own root; `..`,
 * absolute paths and symbolic links stay inside; read-only roots and quotas hold; apps without a root have no files.
 */
class VirtualFilesTest {

    static final GuestApp FILER = GuestApp.withDescriptor("""
            {"name": "filer", "permissions": ["files:read", "files:write"]}
            """).source("f.Filer", """
            package f;
            import io.vaas.api.*;
            import java.io.*;
            import java.nio.charset.StandardCharsets;
            import java.nio.file.*;
            import java.util.*;
            public class Filer {
                interface Step { Object run() throws Throwable; }
                static String attempt(Step s) {
                    try {
                        return String.valueOf(s.run());
                    } catch (Throwable t) {
                        return "failed: " + t + (t.getCause() != null ? " / " + t.getCause() : "");
                    }
                }
                @VaasServer(type = ServerType.RPC) public String nio(String spec) {
                    String path = spec.substring(0, spec.indexOf('|'));
                    String text = spec.substring(spec.indexOf('|') + 1);
                    return attempt(() -> {
                        Path p = Path.of(path);
                        Files.createDirectories(p.toAbsolutePath().getParent());
                        Files.writeString(p, text);
                        return p.toAbsolutePath() + "=" + Files.readString(Paths.get(path));
                    });
                }
                @VaasServer(type = ServerType.RPC) public String read(String path) {
                    return attempt(() -> Files.readString(Path.of(path)));
                }
                @VaasServer(type = ServerType.RPC) public String list(String path) {
                    return attempt(() -> {
                        try (var s = Files.walk(Path.of(path))) {
                            return s.map(Path::toString).sorted().toList();
                        }
                    });
                }
                @VaasServer(type = ServerType.RPC) public String javaIo() {
                    return attempt(() -> {
                        List<String> out = new ArrayList<>();
                        File dir = new File("io");
                        out.add("mkdirs " + dir.mkdirs() + " " + dir.isDirectory() + " " + dir.getAbsolutePath());
                        try (FileOutputStream o = new FileOutputStream(new File(dir, "a.bin"))) {
                            o.write(new byte[] {1, 2, 3});
                            o.getChannel().write(java.nio.ByteBuffer.wrap(new byte[] {4}));
                        }
                        try (FileOutputStream o = new FileOutputStream("/io/a.bin", true)) {
                            o.write(5);
                        }
                        try (FileInputStream in = new FileInputStream("io/a.bin")) {
                            out.add("bytes " + Arrays.toString(in.readAllBytes()));
                        }
                        try (Writer w = new FileWriter("/io/w.txt", StandardCharsets.UTF_8)) {
                            w.write("héllo");
                        }
                        try (BufferedReader r = new BufferedReader(new FileReader(new File("/io/w.txt"), StandardCharsets.UTF_8))) {
                            out.add("reader " + r.readLine());
                        }
                        try (PrintWriter pw = new PrintWriter("/io/p.txt")) {
                            pw.println("line one");
                        }
                        try (PrintStream ps = new PrintStream(new File("/io/s.txt"))) {
                            ps.print(42);
                        }
                        try (Formatter f = new Formatter("/io/f.txt")) {
                            f.format("%d-%s", 7, "x");
                        }
                        try (Scanner sc = new Scanner(new File("/io/p.txt"))) {
                            out.add("scanner " + sc.nextLine());
                        }
                        out.add("raf " + attempt(() -> {
                            try (RandomAccessFile raf = new RandomAccessFile("/io/s.txt", "r")) {
                                return raf.readLine();
                            }
                        }));
                        out.add("f " + Files.readString(Path.of("/io/f.txt")));
                        out.add("list " + new TreeSet<>(Arrays.asList(dir.list())));
                        out.add("length " + new File("/io/a.bin").length());
                        File tmp = File.createTempFile("vaas", ".tmp");
                        out.add("temp " + tmp.getParent() + " " + tmp.exists());
                        out.add("delete " + tmp.delete() + " " + tmp.exists());
                        out.add("rename " + new File("/io/f.txt").renameTo(new File("/io/g.txt")) + " "
                                + new File("/io/g.txt").exists());
                        java.util.function.Function<String, FileInputStream> open = name -> {
                            try { return new FileInputStream(name); } catch (IOException e) { throw new UncheckedIOException(e); }
                        };
                        try (FileInputStream in = open.apply("/io/a.bin")) {
                            out.add("lambda " + in.read());
                        }
                        try (InputStream in = new java.net.URI("file:///io/p.txt").toURL().openStream()) {
                            out.add("url " + new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
                        }
                        out.add("props " + System.getProperty("user.dir") + " " + System.getProperty("java.io.tmpdir"));
                        out.add("roots " + Arrays.toString(File.listRoots()));
                        return String.join("\\n", out);
                    });
                }
                @VaasServer(type = ServerType.RPC) public String io(String how) {
                    return attempt(() -> switch (how) {
                        case "exists" -> new File("/etc/hostname").exists();
                        case "outside" -> new FileInputStream("../../../../../etc/hostname").readAllBytes().length;
                        case "ioWrite" -> { try (var o = new FileOutputStream("/w.txt")) { o.write(new byte[600]); } yield "wrote"; }
                        case "nioWrite" -> Files.write(Path.of("/n.txt"), new byte[600]);
                        case "delete" -> new File("/w.txt").delete() + " " + Files.deleteIfExists(Path.of("/n.txt"));
                        case "raf" -> new RandomAccessFile("/r.txt", "rw").length();
                        case "subclass" -> new File("/x") { }.exists();
                        case "reflective" -> FileInputStream.class.getConstructor(String.class).newInstance("/w.txt");
                        case "zip" -> new java.util.zip.ZipFile("/none.zip").size();
                        case "deleteOnExit" -> {
                            Files.writeString(Path.of("/gone.txt"), "bye");
                            new File("/gone.txt").deleteOnExit();
                            yield "registered";
                        }
                        case "value" -> Path.of("a", "b").resolve("../c").normalize() + " " + new File("x/y").getPath();
                        default -> "unknown " + how;
                    });
                }
            }
            """);

    @Test
    void nioPathsAreUnderTheAppsRootAndNeverLeaveIt(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/hostname"), "inside");
        try (Vaas vaas = Vaas.builder().deploy(AppSpec.of(FILER.writeJar(dir.resolve("filer.jar")))
                .files(AppFiles.folder(root))).deploy(AppSpec.of(BadInputTest.NEIGHBOUR.writeJar(dir.resolve("n.jar"))))
                .build()) {
            assertThat(vaas.rpc("filer.nio", "data/a.txt|hello")).isEqualTo("/data/a.txt=hello");
            assertThat(root.resolve("data/a.txt")).hasContent("hello");
            assertThat(vaas.rpc("filer.read", "/../../../../etc/hostname")).isEqualTo("inside");
            assertThat(vaas.rpc("filer.read", "../../../../../../etc/hostname")).isEqualTo("inside");
            assertThat((String) vaas.rpc("filer.list", "/")).contains("/data/a.txt", "/etc/hostname")
                    .doesNotContain(root.toString());
            assertThat(vaas.rpc("filer.io", "exists")).isEqualTo("true");
            Files.delete(root.resolve("etc/hostname"));
            assertThat(vaas.rpc("filer.io", "exists")).isEqualTo("false");
            assertThat((String) vaas.rpc("filer.io", "outside")).startsWith("failed: java.io.FileNotFoundException");
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        }
    }

    @Test
    void javaIoReachesTheSameRoot(@TempDir Path dir) {
        Path root = dir.resolve("root");
        try (Vaas vaas = Vaas.builder().deploy(AppSpec.of(FILER.writeJar(dir.resolve("filer.jar")))
                .files(AppFiles.folder(root))).build()) {
            String out = (String) vaas.rpc("filer.javaIo");
            assertThat(out).contains("mkdirs true true /io", "bytes [1, 2, 3, 4, 5]", "reader héllo",
                    "scanner line one", "raf 42", "f 7-x", "list [a.bin, f.txt, p.txt, s.txt, w.txt]", "length 5",
                    "temp /tmp true", "delete true false", "rename true true", "lambda 1", "url line one",
                    "props / /tmp", "roots [/]");
            assertThat(root.resolve("io/a.bin")).hasBinaryContent(new byte[] {1, 2, 3, 4, 5});
            assertThat(root.resolve("io/g.txt")).hasContent("7-x");
        }
    }

    @Test
    void anInMemoryRootServesJavaIoAndNio(@TempDir Path dir) throws Exception {
        try (FileSystem memory = Jimfs.newFileSystem(Configuration.unix());
             Vaas vaas = Vaas.builder().deploy(AppSpec.of(FILER.writeJar(dir.resolve("filer.jar")))
                     .files(AppFiles.folder(memory.getPath("/apps/filer")))).build()) {
            assertThat(vaas.rpc("filer.nio", "/data/a.txt|in memory")).isEqualTo("/data/a.txt=in memory");
            assertThat(Files.readString(memory.getPath("/apps/filer/data/a.txt"))).isEqualTo("in memory");
            String out = (String) vaas.rpc("filer.javaIo");
            assertThat(out).contains("bytes [1, 2, 3, 4, 5]", "reader héllo", "scanner line one", "f 7-x");
            // RandomAccessFile needs a file the operating system can open.
            assertThat(out).contains("raf failed: java.io.FileNotFoundException: /io/s.txt (app 'filer' has its files "
                    + "in memory");
        }
    }

    @Test
    void symbolicLinksInTheRootAreNotFollowed(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path secret = Files.writeString(dir.resolve("secret.txt"), "host secret");
        Files.createSymbolicLink(root.resolve("link.txt"), secret);
        Files.createSymbolicLink(root.resolve("linkdir"), dir);
        try (Vaas vaas = Vaas.builder().deploy(AppSpec.of(FILER.writeJar(dir.resolve("filer.jar")))
                .files(AppFiles.folder(root))).build()) {
            assertThat((String) vaas.rpc("filer.read", "/link.txt")).startsWith("failed: ")
                    .contains("symbolic link").doesNotContain("host secret");
            assertThat((String) vaas.rpc("filer.read", "/linkdir/secret.txt")).startsWith("failed: ")
                    .contains("symbolic link");
        }
    }

    @Test
    void readOnlyRootsAndQuotasHold(@TempDir Path dir) throws Exception {
        Path ro = Files.createDirectories(dir.resolve("ro"));
        Files.writeString(ro.resolve("r.txt"), "readable");
        Path jar = FILER.writeJar(dir.resolve("filer.jar"));
        try (Vaas vaas = Vaas.builder().deploy(AppSpec.of(jar).files(AppFiles.folder(ro).readOnly()),
                AppSpec.of("quota", jar).files(AppFiles.folder(dir.resolve("q")).quotaBytes(1000))).build()) {
            assertThat(vaas.rpc("filer.read", "/r.txt")).isEqualTo("readable");
            assertThat((String) vaas.rpc("filer.io", "ioWrite")).startsWith("failed: java.io.FileNotFoundException")
                    .contains("read-only");
            assertThat((String) vaas.rpc("filer.io", "nioWrite")).contains("read-only");
            assertThat(ro.resolve("w.txt")).doesNotExist();

            assertThat(vaas.rpc("quota.io", "ioWrite")).isEqualTo("wrote");
            assertThat((String) vaas.rpc("quota.io", "nioWrite")).contains("quota of 1000 bytes");
            assertThat((String) vaas.rpc("quota.io", "raf")).contains("quota");
            // The refused write created its file (as the JDK would) but wrote nothing to it.
            assertThat(vaas.rpc("quota.io", "delete")).isEqualTo("true true");
            assertThat((String) vaas.rpc("quota.io", "nioWrite")).startsWith("/n.txt");
        }
    }

    @Test
    void theSideDoorsAreClosed(@TempDir Path dir) {
        try (Vaas vaas = Vaas.builder().deploy(AppSpec.of(FILER.writeJar(dir.resolve("filer.jar")))
                .files(AppFiles.folder(dir.resolve("root")))).build()) {
            assertThat((String) vaas.rpc("filer.io", "subclass")).startsWith("failed: ")
                    .contains("extends java.io.File, which apps may not extend");
            assertThat((String) vaas.rpc("filer.io", "reflective")).contains("PolicyDenial")
                    .contains("by reflection, which cannot be routed");
            assertThat((String) vaas.rpc("filer.io", "zip")).contains("FileNotFoundException: /none.zip")
                    .doesNotContain(dir.toString());
        }
    }

    @Test
    void eachAppHasItsOwnRootAndFilesDeletedOnExitGoWithTheApp(@TempDir Path dir) {
        Path jar = FILER.writeJar(dir.resolve("filer.jar"));
        try (Vaas vaas = Vaas.builder().fileRoots(dir.resolve("roots")).deploy(AppSpec.of(jar), AppSpec.of("other", jar))
                .build()) {
            assertThat(vaas.rpc("filer.nio", "/mine.txt|filer's")).isEqualTo("/mine.txt=filer's");
            assertThat((String) vaas.rpc("other.read", "/mine.txt")).contains("NoSuchFileException");
            assertThat(dir.resolve("roots/filer/mine.txt")).hasContent("filer's");
            assertThat(vaas.rpc("other.io", "deleteOnExit")).isEqualTo("registered");
            assertThat(dir.resolve("roots/other/gone.txt")).exists();
            vaas.undeploy("other");
            assertThat(dir.resolve("roots/other/gone.txt")).doesNotExist();
        }
    }

    @Test
    void withoutARootPathsAreValuesOnly(@TempDir Path dir) {
        try (Vaas vaas = Vaas.builder().deploy(AppSpec.of(FILER.writeJar(dir.resolve("filer.jar")))).build()) {
            assertThat(vaas.rpc("filer.io", "value")).isEqualTo("a/c x/y");
            assertThat((String) vaas.rpc("filer.read", "/etc/hostname")).startsWith("failed: ")
                    .contains("app 'filer' has no file root").contains("fileRoots");
            assertThat(vaas.rpc("filer.io", "exists")).isEqualTo("false");
        }
    }
}
