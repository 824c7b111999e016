package io.vaas;

import io.vaas.policy.AllowlistException;
import io.vaas.policy.AllowlistParser;
import io.vaas.policy.PolicyLibrary;
import io.vaas.policy.VerifyReport;
import io.vaas.policy.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The permission policy: allowlists, the verifier's report, lazy denial, strict mode, grants. */
class PolicyTest {

    static final GuestApp RISKY = GuestApp.named("risky").source("risky.Risky", """
            package risky;
            import io.vaas.api.*;
            import java.util.*;
            import java.util.function.*;
            public class Risky {
                @VaasServer(type = ServerType.RPC) public String ok() { return String.join("-", List.of("a", "b")); }
                @VaasServer(type = ServerType.RPC) public String exec() throws Exception {
                    Runtime.getRuntime().exec(new String[] {"true"});
                    return "ran";
                }
                @VaasServer(type = ServerType.RPC) public String start() throws Exception {
                    new ProcessBuilder("true").start();
                    return "ran";
                }
                @VaasServer(type = ServerType.RPC) public String read(String path) throws Exception {
                    try (var in = new java.io.FileInputStream(path)) {
                        return new String(in.readAllBytes()).trim();
                    }
                }
                @VaasServer(type = ServerType.RPC) public String loadLib() {
                    System.loadLibrary("nothing");
                    return "loaded";
                }
                @VaasServer(type = ServerType.RPC) public int threadsByRef() {
                    Supplier<Map<Thread, StackTraceElement[]>> all = Thread::getAllStackTraces;
                    return all.get().size();
                }
                @VaasServer(type = ServerType.RPC) public String swallow() {
                    try {
                        Runtime.getRuntime().exec(new String[] {"true"});
                        return "ran";
                    } catch (SecurityException e) {
                        return "refused: " + e.getMessage();
                    } catch (Exception e) {
                        return "other: " + e;
                    }
                }
            }
            """);

    @Test
    void deniedReferencesLoadAndThrowOnlyWhenReached(@TempDir Path dir) {
        try (Vaas vaas = Vaas.builder().build()) {
            vaas.deploy(AppSpec.of(RISKY.writeJar(dir.resolve("risky.jar"))));
            vaas.deploy(AppSpec.of(BadInputTest.NEIGHBOUR.writeJar(dir.resolve("neighbour.jar"))));
            assertThat(vaas.rpc("risky.ok")).isEqualTo("a-b");
            assertThatThrownBy(() -> vaas.rpc("risky.exec"))
                    .isInstanceOfSatisfying(VaasCallException.class, e -> {
                        assertThat(e.status()).isEqualTo(500);
                        assertThat(e.code()).as("the app's permissions refused it").isEqualTo("permission_denied");
                        assertThat(((GuestFailure) e.getCause()).guestClass()).isEqualTo("io.vaas.api.PolicyDenial");
                    })
                    .hasMessageContaining("app 'risky'")
                    .hasMessageContaining("risky.Risky.exec (line ")
                    .hasMessageContaining("java.lang.Runtime.exec(java.lang.String[])")
                    .hasMessageContaining("permission 'process' allows it");
            assertThatThrownBy(() -> vaas.rpc("risky.start")).hasMessageContaining("java.lang.ProcessBuilder(java.lang.String[])");
            assertThatThrownBy(() -> vaas.rpc("risky.read", "/etc/hostname"))
                    .hasMessageContaining("java.io.FileInputStream(java.lang.String)").hasMessageContaining("'files:read'");
            assertThatThrownBy(() -> vaas.rpc("risky.loadLib")).hasMessageContaining("permission 'native'");
            assertThatThrownBy(() -> vaas.rpc("risky.threadsByRef"))
                    .hasMessageContaining("java.lang.Thread.getAllStackTraces()").hasMessageContaining("'threads'");
            assertThat((String) vaas.rpc("risky.swallow")).startsWith("refused: app 'risky'");
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        }
    }

    static final GuestApp REFLECTIVE = GuestApp.named("reflective").source("r.R", """
            package r;
            import io.vaas.api.*;
            import java.lang.invoke.*;
            import java.lang.reflect.*;
            public class R {
                private String secret = "mine";
                static String attempt(Callable c) {
                    try {
                        return "allowed: " + c.call();
                    } catch (InvocationTargetException e) {
                        return "denied: " + e.getCause();
                    } catch (SecurityException e) {
                        return "denied: " + e.getMessage();
                    } catch (Throwable t) {
                        return "failed: " + t;
                    }
                }
                interface Callable { Object call() throws Throwable; }
                @VaasServer(type = ServerType.RPC) public String attack(String how) {
                    return switch (how) {
                        case "invoke" -> attempt(() -> Runtime.class.getMethod("exec", String[].class)
                                .invoke(Runtime.getRuntime(), (Object) new String[] {"true"}));
                        case "construct" -> attempt(() -> ProcessBuilder.class.getConstructor(String[].class)
                                .newInstance((Object) new String[] {"true"}));
                        case "handle" -> attempt(() -> MethodHandles.lookup().findVirtual(Runtime.class, "exec",
                                MethodType.methodType(Process.class, String[].class)));
                        case "constructorHandle" -> attempt(() -> MethodHandles.lookup().findConstructor(
                                java.io.FileInputStream.class, MethodType.methodType(void.class, String.class)));
                        case "unreflect" -> attempt(() -> MethodHandles.lookup().unreflect(
                                System.class.getMethod("loadLibrary", String.class)));
                        case "jdkAccessible" -> attempt(() -> {
                            Field f = String.class.getDeclaredField("value");
                            f.setAccessible(true);
                            return f;
                        });
                        case "ownAccessible" -> attempt(() -> {
                            Field f = R.class.getDeclaredField("secret");
                            f.setAccessible(true);
                            return f.get(this);
                        });
                        case "allowedInvoke" -> attempt(() -> String.class.getMethod("toUpperCase").invoke("ok"));
                        default -> "unknown";
                    };
                }
            }
            """);

    @Test
    void reflectionReachesOnlyWhatThePolicyAllows(@TempDir Path dir) {
        try (Vaas vaas = Vaas.builder().build()) {
            vaas.deploy(AppSpec.of(REFLECTIVE.writeJar(dir.resolve("reflective.jar"))));
            assertThat((String) vaas.rpc("reflective.attack", "invoke")).startsWith("denied: app 'reflective'")
                    .contains("java.lang.Runtime.exec(java.lang.String[]) by reflection").contains("'process'");
            assertThat((String) vaas.rpc("reflective.attack", "construct")).startsWith("denied: app 'reflective'")
                    .contains("java.lang.ProcessBuilder(java.lang.String[])");
            assertThat((String) vaas.rpc("reflective.attack", "handle")).startsWith("denied: app 'reflective'")
                    .contains("java.lang.Runtime.exec");
            assertThat((String) vaas.rpc("reflective.attack", "constructorHandle")).startsWith("denied: ")
                    .contains("java.io.FileInputStream(java.lang.String)").contains("'files:read'");
            assertThat((String) vaas.rpc("reflective.attack", "unreflect")).startsWith("denied: ")
                    .contains("java.lang.System.loadLibrary").contains("'native'");
            assertThat((String) vaas.rpc("reflective.attack", "jdkAccessible")).startsWith("denied: ")
                    .contains("setAccessible on java.lang.String.value").contains("'reflection'");
            assertThat(vaas.rpc("reflective.attack", "ownAccessible")).isEqualTo("allowed: mine");
            assertThat(vaas.rpc("reflective.attack", "allowedInvoke")).isEqualTo("allowed: OK");
        }
        try (Vaas vaas = Vaas.builder().build()) {
            vaas.deploy(AppSpec.of(dir.resolve("reflective.jar")).permit("process"));
            assertThat((String) vaas.rpc("reflective.attack", "handle")).startsWith("allowed: ");
        }
    }

    /** Classes a guest defines from bytes: one reads the app's environment, one tries to start a process. */
    static final GuestApp GENERATED = GuestApp.library().source("d.Gen", """
            package d;
            public class Gen {
                public static String color() { return System.getenv("COLOR"); }
                public static String exec() throws Exception { Runtime.getRuntime().exec(new String[] {"true"}); return "ran"; }
            }
            """);

    static final GuestApp DEFINER = GuestApp.named("definer").source("d.Definer", """
            package d;
            import io.vaas.api.*;
            import java.lang.invoke.MethodHandles;
            import java.util.Base64;
            public class Definer {
                static final class Loader extends ClassLoader {
                    Loader(ClassLoader parent) { super(parent); }
                    Class<?> define(byte[] b) { return defineClass("d.Gen", b, 0, b.length); }
                }
                static String call(Class<?> c, String method) {
                    try {
                        return (String) c.getMethod(method).invoke(null);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        return "denied: " + e.getCause().getMessage();
                    } catch (ReflectiveOperationException e) {
                        return "failed: " + e;
                    }
                }
                @VaasServer(type = ServerType.RPC) public String viaLoader(String base64) {
                    try {
                        Class<?> c = new Loader(Definer.class.getClassLoader()).define(Base64.getDecoder().decode(base64));
                        return call(c, "color") + " | " + call(c, "exec");
                    } catch (SecurityException e) {
                        return "refused: " + e.getMessage();
                    }
                }
                @VaasServer(type = ServerType.RPC) public String orphanLoader(String base64) {
                    try {
                        new Loader(null).define(Base64.getDecoder().decode(base64));
                        return "defined";
                    } catch (SecurityException e) {
                        return "refused: " + e.getMessage();
                    }
                }
                @VaasServer(type = ServerType.RPC) public String viaLookup(String base64) throws Exception {
                    try {
                        Class<?> c = MethodHandles.lookup().defineClass(Base64.getDecoder().decode(base64));
                        return call(c, "color") + " | " + call(c, "exec");
                    } catch (SecurityException e) {
                        return "refused: " + e.getMessage();
                    }
                }
            }
            """);

    @Test
    void classesAnAppDefinesGoThroughTheSameRewritingAndPolicy(@TempDir Path dir) {
        String gen = java.util.Base64.getEncoder().encodeToString(GENERATED.entries().get("d/Gen.class"));
        Path jar = DEFINER.writeJar(dir.resolve("definer.jar"));
        try (Vaas vaas = Vaas.builder().build()) {
            vaas.deploy(AppSpec.of(jar).env("COLOR", "green"));
            assertThat((String) vaas.rpc("definer.viaLoader", gen)).startsWith("refused: app 'definer'")
                    .contains("java.lang.ClassLoader(java.lang.ClassLoader)").contains("'classloading'");
            assertThat((String) vaas.rpc("definer.viaLookup", gen)).startsWith("refused: app 'definer'")
                    .contains("defineClass").contains("'classloading'");
        }
        try (Vaas vaas = Vaas.builder().build()) {
            vaas.deploy(AppSpec.of(jar).env("COLOR", "green").permit("classloading"));
            // The defined class sees the app's environment (it was rewritten and belongs to the app) and the app's
            // policy (no process).
            assertThat((String) vaas.rpc("definer.viaLoader", gen)).startsWith("green | denied: app 'definer'")
                    .contains("java.lang.Runtime.exec");
            assertThat((String) vaas.rpc("definer.viaLookup", gen)).startsWith("green | denied: app 'definer'");
            assertThat((String) vaas.rpc("definer.orphanLoader", gen)).startsWith("refused: app 'definer'")
                    .contains("does not delegate to the app's own loader");
        }
    }

    static final GuestApp INHERITOR = GuestApp.named("inheritor").source("h.Worker", """
            package h;
            public class Worker extends Thread {
                public Worker() { super("w"); }
                public static int everyone() { return getAllStackTraces().size(); }   // unqualified, inside the subclass
                public ThreadGroup group() { return getThreadGroup(); }
            }
            """).source("h.Sub", """
            package h;
            public class Sub extends Worker {
                public static int activeCount() { return -1; }   // the app's own member, hiding Thread's: allowed
            }
            """).source("h.H", """
            package h;
            import io.vaas.api.*;
            public class H {
                static String attempt(java.util.concurrent.Callable<Object> c) {
                    try { return "allowed: " + c.call(); } catch (SecurityException e) { return "denied: " + e.getMessage(); }
                    catch (Exception e) { return "failed: " + e; }
                }
                @VaasServer(type = ServerType.RPC) public String attack(String how) {
                    return switch (how) {
                        case "qualified" -> attempt(() -> Worker.getAllStackTraces().size());
                        case "inside" -> attempt(Worker::everyone);
                        case "instance" -> attempt(() -> new Worker().group());
                        case "hidden" -> attempt(() -> Sub.activeCount());
                        default -> "unknown";
                    };
                }
            }
            """);

    @Test
    void membersInheritedThroughAppSubclassesAreCheckedAsTheJdksOwn(@TempDir Path dir) {
        try (Vaas vaas = Vaas.builder().build()) {
            vaas.deploy(AppSpec.of(INHERITOR.writeJar(dir.resolve("inheritor.jar"))));
            assertThat((String) vaas.rpc("inheritor.attack", "qualified")).startsWith("denied: app 'inheritor'")
                    .contains("java.lang.Thread.getAllStackTraces()").contains("'threads'");
            assertThat((String) vaas.rpc("inheritor.attack", "inside")).startsWith("denied: ")
                    .contains("java.lang.Thread.getAllStackTraces()");
            assertThat((String) vaas.rpc("inheritor.attack", "instance")).startsWith("denied: ")
                    .contains("java.lang.Thread.getThreadGroup()");
            assertThat(vaas.rpc("inheritor.attack", "hidden")).isEqualTo("allowed: -1");
            VerifyReport report = vaas.verify(AppSpec.of(dir.resolve("inheritor.jar")));
            assertThat(report.violations()).extracting(Violation::api)
                    .contains("java.lang.Thread.getAllStackTraces()", "java.lang.Thread.getThreadGroup()");
        }
    }

    @Test
    void verifyReportsEveryDeniedReferenceAsTextAndJson(@TempDir Path dir) {
        try (Vaas vaas = Vaas.builder().build()) {
            VerifyReport report = vaas.verify(AppSpec.of(RISKY.writeJar(dir.resolve("risky.jar"))));
            assertThat(report.app()).isEqualTo("risky");
            assertThat(report.granted()).containsExactly("core");
            assertThat(report.violations()).extracting(Violation::api).contains(
                    "java.lang.Runtime.exec(java.lang.String[])", "java.lang.ProcessBuilder(java.lang.String[])",
                    "java.lang.ProcessBuilder.start()", "java.io.FileInputStream(java.lang.String)",
                    "java.lang.System.loadLibrary(java.lang.String)", "java.lang.Thread.getAllStackTraces()");
            assertThat(report.violations()).allMatch(v -> v.className().equals("risky.Risky") && v.line() > 0);
            assertThat(report.wouldNeed()).containsKeys("process", "files:read", "native", "threads");
            assertThat(report.toText()).contains("risky.Risky.loadLib (line ").contains("do not allow");
            assertThat(report.toJson()).contains("\"api\" : \"java.lang.System.loadLibrary(java.lang.String)\"")
                    .contains("\"allowedBy\" : [ \"native\" ]");
            assertThat(vaas.apps()).isEmpty();
        }
    }

    @Test
    void strictModeRefusesTheDeployWithTheReport(@TempDir Path dir) {
        try (Vaas vaas = Vaas.builder().strictPolicy(true).build()) {
            assertThatThrownBy(() -> vaas.deploy(AppSpec.of(RISKY.writeJar(dir.resolve("risky.jar")))))
                    .isInstanceOf(AppLoadException.class)
                    .hasMessageContaining("app 'risky'").hasMessageContaining("the policy is strict")
                    .hasMessageContaining("risky.Risky.exec (line ").hasMessageContaining("permission 'process'");
            assertThat(vaas.apps()).isEmpty();
            // Granting what the report asks for makes it deployable.
            vaas.deploy(AppSpec.of(dir.resolve("risky.jar")).permit("process", "files:read", "native", "threads"));
            assertThat(vaas.rpc("risky.ok")).isEqualTo("a-b");
        }
    }

    @Test
    void grantedPermissionsAllowTheirMembers(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("files/risky"));
        Files.writeString(dir.resolve("files/risky/note.txt"), "hello file");
        Path jar = RISKY.writeJar(dir.resolve("risky.jar"));
        try (Vaas vaas = Vaas.builder().fileRoots(dir.resolve("files")).build()) {
            vaas.deploy(AppSpec.of(jar).permit("files:read"));
            assertThat(vaas.rpc("risky.read", "/note.txt")).isEqualTo("hello file");
            assertThatThrownBy(() -> vaas.rpc("risky.exec")).hasMessageContaining("'process'");
            assertThat(vaas.verify(AppSpec.of(jar).permit("files:read")).wouldNeed()).doesNotContainKey("files:read");
        }
        try (Vaas vaas = Vaas.builder().defaultPermissions("threads").build()) {
            vaas.deploy(AppSpec.of(jar));
            assertThat((Integer) vaas.rpc("risky.threadsByRef")).isPositive();
            vaas.deploy(AppSpec.of(jar).permit("files:read"));   // an app that asks gets what it asks, not the default
            assertThatThrownBy(() -> vaas.rpc("risky.threadsByRef")).hasMessageContaining("'threads'");
        }
        try (Vaas vaas = Vaas.builder().build()) {
            assertThatThrownBy(() -> vaas.deploy(AppSpec.of(jar).permit("teleport")))
                    .isInstanceOf(AppLoadException.class).hasMessageContaining("unknown permission 'teleport'")
                    .hasMessageContaining("files:read");
        }
        assertThatThrownBy(() -> Vaas.builder().defaultPermissions("teleport").build())
                .hasMessageContaining("unknown permission 'teleport'");
    }

    static final GuestApp PROXIES = GuestApp.named("proxies").source("p.P", """
            package p;
            import io.vaas.api.*;
            import java.lang.reflect.*;
            import java.util.*;
            public class P {
                public interface Greeter { String greet(String name); }
                @VaasServer(type = ServerType.RPC) public String proxies() {
                    InvocationHandler h = (proxy, method, args) -> switch (method.getName()) {
                        case "greet" -> "hi " + args[0];
                        case "compare" -> ((String) args[0]).length() - ((String) args[1]).length();
                        default -> method.getName();
                    };
                    Greeter own = (Greeter) Proxy.newProxyInstance(P.class.getClassLoader(), new Class<?>[] {Greeter.class}, h);
                    @SuppressWarnings("unchecked")
                    Comparator<String> jdk = (Comparator<String>) Proxy.newProxyInstance(P.class.getClassLoader(),
                            new Class<?>[] {Comparator.class}, h);
                    List<String> words = new ArrayList<>(List.of("ccc", "a", "bb"));
                    words.sort(jdk);
                    return own.greet("ann") + " " + words + " " + Proxy.isProxyClass(own.getClass());
                }
            }
            """);

    @Test
    void dynamicProxiesKeepWorking(@TempDir Path dir) {
        try (Vaas vaas = Vaas.builder().deploy(AppSpec.of(PROXIES.writeJar(dir.resolve("proxies.jar")))).build()) {
            assertThat(vaas.rpc("proxies.proxies")).isEqualTo("hi ann [a, bb, ccc] true");
        }
    }

    @Test
    void hostsCanDefineTheirOwnPermissions(@TempDir Path dir) {
        GuestApp app = GuestApp.named("clock").source("c.C", """
                package c;
                import io.vaas.api.*;
                public class C {
                    @VaasServer(type = ServerType.RPC) public int gc() { Runtime.getRuntime().gc(); return 1; }
                }
                """);
        Path jar = app.writeJar(dir.resolve("clock.jar"));
        String list = "permission housekeeping : lets an app ask for a collection\nclass java.lang.Runtime only\n  + gc()\n";
        try (Vaas vaas = Vaas.builder().allowlist("host/housekeeping.txt", list).build()) {
            vaas.deploy(AppSpec.of(jar));
            assertThatThrownBy(() -> vaas.rpc("clock.gc")).hasMessageContaining("'housekeeping' or 'management'");
            vaas.deploy(AppSpec.of(jar).permit("housekeeping"));
            assertThat(vaas.rpc("clock.gc")).isEqualTo(1);
        }
    }

    @Test
    void allowlistErrorsNameFileAndLine() {
        assertThatThrownBy(() -> new AllowlistParser().parse("a.txt", "package java.util\n"))
                .isInstanceOf(AllowlistException.class).hasMessageContaining("a.txt:1").hasMessageContaining("permission");
        assertThatThrownBy(() -> new AllowlistParser().parse("b.txt", "permission x\nclass java.lang.System\n  - exit(int)\n"))
                .hasMessageContaining("b.txt:3").hasMessageContaining("reason");
        assertThatThrownBy(() -> new AllowlistParser().parse("c.txt", "permission x\nclass java.lang.System\n  - exit(Strin g) : no\n"))
                .hasMessageContaining("c.txt:3");
        assertThatThrownBy(() -> new AllowlistParser().parse("d.txt", "permission x\nclazz java.lang.System\n"))
                .hasMessageContaining("d.txt:2").hasMessageContaining("cannot read");
        assertThatThrownBy(() -> new AllowlistParser().parse("e.txt", "permission x\nclass a.B\nclass a.B\n"))
                .hasMessageContaining("e.txt:2").hasMessageContaining("already listed");
        assertThatThrownBy(() -> new AllowlistParser().parse("f.txt", "permission x\nclass a.B only\n  - m() : why\n"))
                .hasMessageContaining("f.txt:3").hasMessageContaining("'+'");
        assertThatThrownBy(() -> new AllowlistParser().parse("g.txt", "permission x\nclass a.B\n  - m(String) : why\n"))
                .hasMessageContaining("g.txt:3").hasMessageContaining("fully qualified");
        assertThatThrownBy(() -> PolicyLibrary.standard().with("h.txt", "permission Bad Name\n"))
                .hasMessageContaining("h.txt:1");
    }

    @Test
    void standardAllowlistsLoadAndNameEveryPermission() {
        PolicyLibrary library = PolicyLibrary.standard();
        assertThat(library.names()).contains("core", "reflection", "classloading", "threads", "files:read",
                "files:write", "net:connect", "net:listen", "process", "native", "management", "xml");
        assertThat(library.policy(List.of("core")).deniedBy("java/lang/String", "length", "()I", false)).isNull();
        assertThat(library.policy(List.of("core")).deniedBy("java/lang/Runtime", "exec", "(Ljava/lang/String;)Ljava/lang/Process;", false))
                .containsExactly("process");
        assertThat(library.policy(List.of("core")).deniedBy("sun/misc/Unsafe", "getUnsafe", "()Lsun/misc/Unsafe;", false))
                .containsExactly("native");
        assertThat(library.policy(List.of("core")).deniedBy("jdk/internal/misc/Unsafe", "getUnsafe", "()Ljdk/internal/misc/Unsafe;", false))
                .isEmpty();
        assertThat(library.policy(List.of("core")).deniedBy("com/example/Mine", "anything", "()V", false)).isNull();
    }
}
