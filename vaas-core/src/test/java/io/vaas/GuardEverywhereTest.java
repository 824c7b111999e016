package io.vaas;

import io.vaas.api.ServerType;
import io.vaas.api.VaasServer;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guest code that repeats where no loop of its own is: recursion, JDK loops calling its lambdas and method
 * references, a handler that jumps back into its try block. Each call is released at its deadline with a 504 while a
 * neighbour answers, no thread runs the app's code once it is released, and after undeploy none of its threads is
 * left.
 */
class GuardEverywhereTest {

    static final GuestApp REPEATER = GuestApp.named("repeater").source("g.Repeater", """
            package g;
            import io.vaas.api.*;
            import java.util.*;
            import java.util.stream.*;
            public class Repeater {
                static volatile long sink;
                // No loop and no handler: exponential recursion, for ever at this size.
                static long fib(long n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
                static int one() { return 1; }
                @VaasServer(type = ServerType.RPC) public String repeat(String how) {
                    return switch (how) {
                        case "recursion" -> String.valueOf(fib(200));
                        case "streamGenerate" -> String.valueOf(Stream.generate(() -> 1).mapToLong(x -> x).sum());
                        // The lambda is a leaf: no call, no loop; the JDK's loop calls it for ever.
                        case "leafLambda" -> String.valueOf(IntStream.generate(() -> 1).sum());
                        case "leafMethodRef" -> String.valueOf(IntStream.generate(Repeater::one).sum());
                        // No app code at all in the loop: a JDK constructor and a JDK method, by reference.
                        case "jdkConstructorRef" -> String.valueOf(Stream.generate(Object::new).count());
                        case "jdkMethodRef" -> String.valueOf(LongStream.generate(System::nanoTime).sum());
                        case "iterate" -> String.valueOf(Stream.iterate(1, x -> x).count());
                        case "sortComparator" -> {
                            List<Integer> list = new ArrayList<>(List.of(3, 1, 2));
                            Collections.sort(list, (a, b) -> { while (true) { sink++; } });
                            yield "sorted";
                        }
                        case "comparatorRecursion" -> {
                            List<Integer> list = new ArrayList<>(List.of(3, 1, 2));
                            list.sort((a, b) -> Long.compare(fib(100 + a), fib(100 + b)));
                            yield "sorted";
                        }
                        default -> "unknown " + how;
                    };
                }
                @VaasServer(type = ServerType.RPC) public String quick() {
                    return fib(10) + " " + IntStream.generate(() -> 1).limit(5).sum() + " "
                            + Stream.generate(Object::new).limit(3).count();
                }
                @VaasServer(type = ServerType.RPC) public String leaveRunning() {
                    new Thread(() -> fib(200), "recursing").start();
                    new Thread(() -> IntStream.generate(() -> 1).sum(), "streaming").start();
                    return "left";
                }
            }
            """);

    @TempDir
    Path dir;

    private Vaas deploy(GuestApp app, String name, String config) {
        return Vaas.builder().deploy(AppSpec.of(app.writeJar(dir.resolve(name + ".jar"))).config(config),
                AppSpec.of(BadInputTest.NEIGHBOUR.writeJar(dir.resolve("neighbour.jar")))).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"recursion", "streamGenerate", "leafLambda", "leafMethodRef", "jdkConstructorRef",
            "jdkMethodRef", "iterate", "sortComparator", "comparatorRecursion"})
    void codeThatRepeatsWithoutALoopOfItsOwnStopsAtTheDeadline(String how) throws Exception {
        try (Vaas vaas = deploy(REPEATER, "repeater", "{\"timeoutMs\": 300}")) {
            VaasCallException e = releasedOnTime(vaas, "repeater.repeat", how);
            assertThat(e.status()).as(how).isEqualTo(504);
            assertThat(e.getMessage()).as(how).contains("app 'repeater' route 'repeat' was stopped: its timeoutMs of "
                    + "300 ms was reached");
            assertThat(noThreadRuns("g.Repeater", 2000)).as(how + ": a thread still runs the app's code").isTrue();
            // The app itself goes on, lambdas and method references included.
            assertThat(vaas.rpc("repeater.quick")).isEqualTo("55 5 3");
        }
    }

    @Test
    void appThreadsRepeatingWithoutLoopsStopAtUndeploy() throws Exception {
        try (Vaas vaas = deploy(REPEATER, "repeater", "{}")) {
            assertThat(vaas.rpc("repeater.leaveRunning")).isEqualTo("left");
            Thread.sleep(100);
            assertThat(appThreads("repeater/")).hasSize(2);
            vaas.undeploy("repeater");
            assertThat(appThreads("repeater/")).as("threads left after undeploy").isEmpty();
            assertThat(noThreadRuns("g.Repeater", 2000)).isTrue();
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        }
    }

    /**
     * A handler placed before its try block: the try block throws, the handler falls back into it; and a handler
     * that covers itself. No instruction jumps backward; only the handler's entry can see the loop.
     */
    @Test
    void loopsThroughExceptionHandlersStopAtTheDeadline() throws Exception {
        ClassWriter cw = routeClass("h/Handler");
        MethodVisitor m = rpcRoute(cw, "spin", "()I");
        Label handler = new Label();
        Label tryStart = new Label();
        Label tryEnd = new Label();
        m.visitTryCatchBlock(tryStart, tryEnd, handler, null);
        m.visitJumpInsn(Opcodes.GOTO, tryStart);
        m.visitLabel(handler);
        m.visitInsn(Opcodes.POP);
        m.visitLabel(tryStart);
        m.visitInsn(Opcodes.ACONST_NULL);
        m.visitInsn(Opcodes.ATHROW);
        m.visitLabel(tryEnd);
        m.visitMaxs(0, 0);
        m.visitEnd();
        // A handler whose range covers itself: it throws into itself for ever (javac's synchronized blocks have this
        // shape, to release their monitor whatever happens).
        MethodVisitor self = rpcRoute(cw, "selfSpin", "()I");
        Label selfHandler = new Label();
        Label selfEnd = new Label();
        Label body = new Label();
        self.visitTryCatchBlock(body, selfHandler, selfHandler, null);
        self.visitTryCatchBlock(selfHandler, selfEnd, selfHandler, null);
        self.visitLabel(body);
        self.visitInsn(Opcodes.ACONST_NULL);
        self.visitInsn(Opcodes.ATHROW);
        self.visitLabel(selfHandler);
        self.visitInsn(Opcodes.POP);
        self.visitInsn(Opcodes.ACONST_NULL);
        self.visitInsn(Opcodes.ATHROW);
        self.visitLabel(selfEnd);
        self.visitMaxs(0, 0);
        self.visitEnd();
        MethodVisitor ok = rpcRoute(cw, "ok", "()I");
        ok.visitIntInsn(Opcodes.BIPUSH, 42);
        ok.visitInsn(Opcodes.IRETURN);
        ok.visitMaxs(0, 0);
        ok.visitEnd();
        cw.visitEnd();
        try (Vaas vaas = Vaas.builder().deploy(AppSpec.of(BadInputTest.NEIGHBOUR.writeJar(dir.resolve("n.jar")))).build()) {
            vaas.deploy(AppSpec.inMemory("handler", Map.of("h/Handler.class", cw.toByteArray())).config("{\"timeoutMs\": 300}"));
            VaasCallException e = releasedOnTime(vaas, "handler.spin", null);
            assertThat(e.status()).isEqualTo(504);
            assertThat(e.getMessage()).contains("app 'handler' route 'spin' was stopped: its timeoutMs of 300 ms");
            assertThat(noThreadRuns("h.Handler", 2000)).isTrue();
            VaasCallException selfLoop = releasedOnTime(vaas, "handler.selfSpin", null);
            assertThat(selfLoop.status()).isEqualTo(504);
            assertThat(selfLoop.getMessage()).contains("app 'handler' route 'selfSpin' was stopped");
            assertThat(noThreadRuns("h.Handler", 2000)).isTrue();
            assertThat(vaas.rpc("handler.ok")).isEqualTo(42);
        }
    }

    /** Runs {@code target}, checks the neighbour answers meanwhile, and returns the failure, which must come soon. */
    static VaasCallException releasedOnTime(Vaas vaas, String target, Object arg) throws Exception {
        long start = System.nanoTime();
        CompletableFuture<Object> running = async(() -> vaas.rpc(target, arg));
        Thread.sleep(50);
        assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        VaasCallException e = failure(running);
        long ms = (System.nanoTime() - start) / 1_000_000;
        // 300 ms of deadline; generous for a shared two-core machine, far short of "never".
        assertThat(ms).as(target + " released after").isLessThan(5_000);
        return e;
    }

    /** The call's failure, which must come within 20 s. */
    static VaasCallException failure(CompletableFuture<Object> call) throws Exception {
        try {
            Object result = call.get(20, TimeUnit.SECONDS);
            throw new AssertionError("the call returned " + result);
        } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(VaasCallException.class);
            return (VaasCallException) e.getCause();
        }
    }

    /** Runs {@code task} on a thread of its own: one that hangs must not hold up the next (as a shared pool's would). */
    static CompletableFuture<Object> async(java.util.function.Supplier<Object> task) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(task.get());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, "test-caller");
        t.setDaemon(true);
        t.start();
        return f;
    }

    /** Whether, within {@code waitMs}, no live thread has a frame of a class whose name starts with {@code prefix}. */
    static boolean noThreadRuns(String prefix, long waitMs) throws InterruptedException {
        long deadline = System.nanoTime() + waitMs * 1_000_000;
        while (true) {
            boolean running = Thread.getAllStackTraces().values().stream()
                    .anyMatch(frames -> java.util.Arrays.stream(frames).anyMatch(f -> f.getClassName().startsWith(prefix)));
            if (!running) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
    }

    /** The live threads whose names start with {@code prefix}. */
    static List<String> appThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith(prefix)).toList();
    }

    /** A public class with a public no-argument constructor, generated as bytecode. */
    static ClassWriter routeClass(String internalName) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, internalName, null, "java/lang/Object", null);
        MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        return cw;
    }

    /** A public method annotated {@code @VaasServer(type = RPC)}, its code begun. */
    static MethodVisitor rpcRoute(ClassWriter cw, String name, String desc) {
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, name, desc, null, null);
        AnnotationVisitor ann = mv.visitAnnotation(Type.getDescriptor(VaasServer.class), true);
        ann.visitEnum("type", Type.getDescriptor(ServerType.class), "RPC");
        ann.visitEnd();
        mv.visitCode();
        return mv;
    }
}
