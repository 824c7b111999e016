package io.vaas;

import io.vaas.api.VaasServer;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.ConstantDynamic;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One decision for every way to reach a member: a table of sensitive JDK members, each reached by every path the
 * JVM offers (a direct call, a method reference, reflection at depth 1 to 3, a handle found, unreflected or bound,
 * a handle to the reflective API itself, reflection on the lookup API, a bootstrap called directly, and in bytecode
 * {@code ldc} handles of each kind and dynamic constants), must meet the same outcome as the direct call: denied
 * naming the permission, or the app's own virtual version.
 */
class ReflectionClosureTest {

    static final GuestApp REACHER = GuestApp.withDescriptor("""
            {"name": "reacher", "env": {"GREETING": "from-the-app"}}""").source("r.Reach", """
            package r;
            import io.vaas.api.*;
            import java.lang.invoke.*;
            import java.lang.reflect.*;
            import java.util.*;
            import java.util.concurrent.*;
            import java.util.function.*;
            public class Reach {
                static final Method INVOKE;
                static {
                    try { INVOKE = Method.class.getMethod("invoke", Object.class, Object[].class); }
                    catch (NoSuchMethodException e) { throw new AssertionError(e); }
                }
                interface Exec { Process run(String command) throws Exception; }
                record Target(Class<?> owner, String name, MethodType type, Object receiver, Object[] args,
                              Callable<Object> direct, Callable<Object> reference) { }

                static Target target(String member) {
                    TimeZone apia = TimeZone.getTimeZone("Pacific/Apia");
                    return switch (member) {
                        case "exec" -> new Target(Runtime.class, "exec", MethodType.methodType(Process.class, String.class),
                                Runtime.getRuntime(), new Object[] {"true"}, () -> Runtime.getRuntime().exec("true"),
                                () -> { Exec e = Runtime.getRuntime()::exec; return e.run("true"); });
                        case "allThreads" -> new Target(Thread.class, "getAllStackTraces", MethodType.methodType(Map.class),
                                null, new Object[0], () -> Thread.getAllStackTraces(), () -> {
                                    Supplier<Map<Thread, StackTraceElement[]>> s = Thread::getAllStackTraces; return s.get(); });
                        case "allThreadsViaJdkSubclass" -> new Target(ForkJoinWorkerThread.class, "getAllStackTraces",
                                MethodType.methodType(Map.class), null, new Object[0],
                                () -> ForkJoinWorkerThread.getAllStackTraces(), () -> {
                                    Supplier<Map<Thread, StackTraceElement[]>> s = ForkJoinWorkerThread::getAllStackTraces;
                                    return s.get(); });
                        case "getenv" -> new Target(System.class, "getenv", MethodType.methodType(String.class, String.class),
                                null, new Object[] {"GREETING"}, () -> System.getenv("GREETING"), () -> {
                                    UnaryOperator<String> f = System::getenv; return f.apply("GREETING"); });
                        case "zoneViaJdkSubclass" -> new Target(SimpleTimeZone.class, "setDefault",
                                MethodType.methodType(void.class, TimeZone.class), null, new Object[] {apia},
                                () -> { SimpleTimeZone.setDefault(apia); return null; },
                                () -> { Consumer<TimeZone> f = SimpleTimeZone::setDefault; f.accept(apia); return null; });
                        default -> throw new IllegalArgumentException(member);
                    };
                }

                static Object reach(Target t, String path) throws Throwable {
                    boolean isStatic = t.receiver() == null;
                    Method m = t.owner().getMethod(t.name(), t.type().parameterArray());
                    Object[] a = t.args();
                    List<Object> withReceiver = new ArrayList<>();
                    if (!isStatic) {
                        withReceiver.add(t.receiver());
                    }
                    withReceiver.addAll(Arrays.asList(a));
                    MethodHandles.Lookup lookup = MethodHandles.lookup();
                    String find = isStatic ? "findStatic" : "findVirtual";
                    return switch (path) {
                        case "direct" -> t.direct().call();
                        case "reference" -> t.reference().call();
                        case "reflect1" -> m.invoke(t.receiver(), a);
                        case "reflect2" -> INVOKE.invoke(m, t.receiver(), a);
                        case "reflect3" -> INVOKE.invoke(INVOKE, m, new Object[] {t.receiver(), a});
                        case "find" -> (isStatic ? lookup.findStatic(t.owner(), t.name(), t.type())
                                : lookup.findVirtual(t.owner(), t.name(), t.type())).invokeWithArguments(withReceiver);
                        case "publicLookup" -> (isStatic ? MethodHandles.publicLookup().findStatic(t.owner(), t.name(), t.type())
                                : MethodHandles.publicLookup().findVirtual(t.owner(), t.name(), t.type()))
                                .invokeWithArguments(withReceiver);
                        case "unreflect" -> lookup.unreflect(m).invokeWithArguments(withReceiver);
                        case "handleToInvoke" -> lookup.findVirtual(Method.class, "invoke",
                                MethodType.methodType(Object.class, Object.class, Object[].class)).invoke(m, t.receiver(), a);
                        case "unreflectInvoke" -> lookup.unreflect(INVOKE).invoke(m, t.receiver(), a);
                        case "bindInvoke" -> lookup.bind(m, "invoke",
                                MethodType.methodType(Object.class, Object.class, Object[].class)).invoke(t.receiver(), a);
                        case "reflectFind" -> ((MethodHandle) MethodHandles.Lookup.class.getMethod(find, Class.class,
                                String.class, MethodType.class).invoke(lookup, t.owner(), t.name(), t.type()))
                                .invokeWithArguments(withReceiver);
                        case "reflectUnreflect" -> ((MethodHandle) MethodHandles.Lookup.class.getMethod("unreflect",
                                Method.class).invoke(lookup, m)).invokeWithArguments(withReceiver);
                        case "bind" -> isStatic ? lookup.findStatic(t.owner(), t.name(), t.type()).invokeWithArguments(a)
                                : lookup.bind(t.receiver(), t.name(), t.type()).invokeWithArguments(a);
                        case "reflectBind" -> isStatic ? lookup.unreflect(m).invokeWithArguments(a)
                                : ((MethodHandle) MethodHandles.Lookup.class.getMethod("bind", Object.class, String.class,
                                MethodType.class).invoke(lookup, t.receiver(), t.name(), t.type())).invokeWithArguments(a);
                        case "constantBootstrap" -> ConstantBootstraps.invoke(lookup, "x", Object.class,
                                lookup.unreflect(m), withReceiver.toArray());
                        case "proxy" -> MethodHandleProxies.asInterfaceInstance(Callable.class,
                                MethodHandles.insertArguments(lookup.unreflect(m), 0, withReceiver.toArray())).call();
                        default -> throw new IllegalArgumentException(path);
                    };
                }

                interface Attempt { Object run() throws Throwable; }
                static String outcome(Attempt c) {
                    try {
                        return "value: " + c.run();
                    } catch (Throwable t) {
                        Throwable cause = t;
                        while ((cause instanceof InvocationTargetException || cause instanceof UndeclaredThrowableException)
                                && cause.getCause() != null) {
                            cause = cause.getCause();
                        }
                        return cause instanceof SecurityException ? "denied: " + cause.getMessage() : "failed: " + cause;
                    }
                }

                @VaasServer(type = ServerType.RPC) public String attack(String spec) {
                    String[] parts = spec.split("/");
                    String result = outcome(() -> reach(target(parts[0]), parts[1]));
                    return parts[0].equals("zoneViaJdkSubclass") && result.startsWith("value: ")
                            ? "value: " + TimeZone.getDefault().getID() : result;
                }

                @VaasServer(type = ServerType.RPC) public String construct(String path) {
                    return outcome(() -> {
                        MethodHandles.Lookup lookup = MethodHandles.lookup();
                        Constructor<ProcessBuilder> c = ProcessBuilder.class.getConstructor(String[].class);
                        Object[] args = {new String[] {"true"}};
                        Method newInstance = Constructor.class.getMethod("newInstance", Object[].class);
                        return switch (path) {
                            case "direct" -> new ProcessBuilder("true");
                            case "reference" -> { Function<String[], ProcessBuilder> f = ProcessBuilder::new;
                                yield f.apply(new String[] {"true"}); }
                            case "newInstance" -> c.newInstance(args);
                            case "reflectNewInstance" -> newInstance.invoke(c, new Object[] {args});
                            case "reflect2NewInstance" -> INVOKE.invoke(newInstance, c, new Object[] {args});
                            case "handleToNewInstance" -> lookup.findVirtual(Constructor.class, "newInstance",
                                    MethodType.methodType(Object.class, Object[].class)).invoke(c, args);
                            case "findConstructor" -> lookup.findConstructor(ProcessBuilder.class,
                                    MethodType.methodType(void.class, String[].class)).invoke(new String[] {"true"});
                            case "unreflectConstructor" -> lookup.unreflectConstructor(c).invoke(new String[] {"true"});
                            default -> throw new IllegalArgumentException(path);
                        };
                    });
                }

                static class Own extends java.io.IOException {
                    @Override public StackTraceElement[] getStackTrace() { return super.getStackTrace(); }
                    @Override public void printStackTrace(java.io.PrintStream s) { super.printStackTrace(s); }
                }
                static String hostFrames(StackTraceElement[] frames) {
                    return Arrays.stream(frames).map(StackTraceElement::getClassName)
                            .filter(n -> n.startsWith("io.vaas.") || n.startsWith("org.junit.")).findFirst().orElse("none");
                }
                @VaasServer(type = ServerType.RPC) public String frames(String path) {
                    return outcome(() -> {
                        Own e = new Own();
                        return hostFrames(switch (path) {
                            case "direct" -> e.getStackTrace();
                            case "superCall" -> e.getStackTrace();
                            case "handleViaSubclass" -> (StackTraceElement[]) MethodHandles.lookup().findVirtual(
                                    java.io.IOException.class, "getStackTrace",
                                    MethodType.methodType(StackTraceElement[].class)).invoke((java.io.IOException) e);
                            case "reflectViaSubclass" -> (StackTraceElement[]) java.io.IOException.class
                                    .getMethod("getStackTrace").invoke(e);
                            case "superPrint" -> {
                                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                                e.printStackTrace(new java.io.PrintStream(out, true));
                                yield out.toString().lines().filter(l -> l.startsWith("\tat "))
                                        .map(l -> new StackTraceElement(l.substring(4, l.indexOf('(')), "m", null, 0))
                                        .toArray(StackTraceElement[]::new);
                            }
                            default -> throw new IllegalArgumentException(path);
                        });
                    });
                }

                @VaasServer(type = ServerType.RPC) public String field(String path) {
                    return outcome(() -> {
                        MethodHandles.Lookup lookup = MethodHandles.lookup();
                        Field f = System.class.getField("out");
                        Object seen = switch (path) {
                            case "direct" -> System.out;
                            case "fieldGet" -> f.get(null);
                            case "reflectFieldGet" -> Field.class.getMethod("get", Object.class).invoke(f, (Object) null);
                            case "reflect2FieldGet" -> INVOKE.invoke(Field.class.getMethod("get", Object.class), f,
                                    new Object[] {null});
                            case "staticGetter" -> lookup.findStaticGetter(System.class, "out", java.io.PrintStream.class).invoke();
                            case "unreflectGetter" -> lookup.unreflectGetter(f).invoke();
                            case "getStaticFinal" -> ConstantBootstraps.getStaticFinal(lookup, "out", java.io.PrintStream.class,
                                    System.class);
                            case "reflectGetStaticFinal" -> ConstantBootstraps.class.getMethod("getStaticFinal",
                                    MethodHandles.Lookup.class, String.class, Class.class, Class.class)
                                    .invoke(null, lookup, "out", java.io.PrintStream.class, System.class);
                            case "handleGetStaticFinal" -> lookup.findStatic(ConstantBootstraps.class, "getStaticFinal",
                                    MethodType.methodType(Object.class, MethodHandles.Lookup.class, String.class, Class.class,
                                    Class.class)).invoke(lookup, "out", java.io.PrintStream.class, System.class);
                            case "staticVarHandle" -> lookup.findStaticVarHandle(System.class, "out", java.io.PrintStream.class)
                                    .get();
                            case "unreflectVarHandle" -> lookup.unreflectVarHandle(f).get();
                            case "bootstrapVarHandle" -> ConstantBootstraps.staticFieldVarHandle(lookup, "out",
                                    VarHandle.class, System.class, java.io.PrintStream.class).get();
                            default -> throw new IllegalArgumentException(path);
                        };
                        return seen == System.out ? "the app's own" : "another stream: " + seen;
                    });
                }
            }
            """);

    static final List<String> PATHS = List.of("direct", "reference", "reflect1", "reflect2", "reflect3", "find",
            "publicLookup", "unreflect", "handleToInvoke", "unreflectInvoke", "bindInvoke", "reflectFind",
            "reflectUnreflect", "bind", "reflectBind", "constantBootstrap", "proxy");

    static Vaas vaas;
    static TimeZone jvmZone;

    @BeforeAll
    static void deploy(@TempDir Path dir) {
        jvmZone = TimeZone.getDefault();
        vaas = REACHER.deployWithNeighbour(dir, "reacher.jar");
    }

    @AfterAll
    static void close() {
        vaas.close();
    }

    static Stream<Arguments> combinations() {
        Map<String, String> expected = Map.of(
                "exec", "denied: .*app 'reacher'.*java\\.lang\\.Runtime\\.exec.*'process'.*",
                "allThreads", "denied: .*app 'reacher'.*java\\.lang\\.Thread\\.getAllStackTraces.*'threads'.*",
                "allThreadsViaJdkSubclass", "denied: .*app 'reacher'.*java\\.lang\\.Thread\\.getAllStackTraces.*'threads'.*",
                "getenv", "value: from-the-app",
                "zoneViaJdkSubclass", "value: Pacific/Apia");
        List<Arguments> out = new ArrayList<>();
        expected.forEach((member, outcome) -> PATHS.forEach(path -> out.add(Arguments.of(member, path, outcome))));
        return out.stream().sorted((a, b) -> (a.get()[0] + "/" + a.get()[1]).compareTo(b.get()[0] + "/" + b.get()[1]));
    }

    @ParameterizedTest(name = "{0} by {1}")
    @MethodSource("combinations")
    void everyWayToReachAMemberMeetsTheSameDecision(String member, String path, String outcome) {
        String result = (String) vaas.rpc("reacher.attack", member + "/" + path);
        assertThat(result).as(member + " by " + path).matches("(?s)" + outcome);
        assertThat(TimeZone.getDefault()).as("the JVM's default time zone").isEqualTo(jvmZone);
        assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
    }

    @ParameterizedTest(name = "System.out by {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"direct", "fieldGet", "reflectFieldGet", "reflect2FieldGet",
            "staticGetter", "unreflectGetter", "getStaticFinal", "reflectGetStaticFinal", "handleGetStaticFinal"})
    void everyWayToReadARedirectedFieldGivesTheAppsOwn(String path) {
        assertThat(vaas.rpc("reacher.field", path)).isEqualTo("value: the app's own");
    }

    @ParameterizedTest(name = "System.out by {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"staticVarHandle", "unreflectVarHandle", "bootstrapVarHandle"})
    void varHandlesOnRedirectedFieldsAreRefused(String path) {
        assertThat((String) vaas.rpc("reacher.field", path)).startsWith("denied: app 'reacher'")
                .contains("VarHandle on java.lang.System.out").contains("read it directly");
        assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
    }

    @ParameterizedTest(name = "a denied constructor by {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"direct", "reference", "newInstance", "reflectNewInstance",
            "reflect2NewInstance", "handleToNewInstance", "findConstructor", "unreflectConstructor"})
    void everyWayToConstructMeetsTheSameDecision(String path) {
        assertThat((String) vaas.rpc("reacher.construct", path)).startsWith("denied: ").contains("app 'reacher'")
                .contains("java.lang.ProcessBuilder(java.lang.String[])").contains("'process'");
        assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
    }

    @ParameterizedTest(name = "stack frames by {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"direct", "superCall", "handleViaSubclass",
            "reflectViaSubclass", "superPrint"})
    void hostFramesAreCutHoweverATraceIsRead(String path) {
        assertThat(vaas.rpc("reacher.frames", path)).isEqualTo("value: none");
    }

    /** Handles and dynamic constants in bytecode: kinds javac never emits, from other compilers and tools. */
    @Test
    void ldcHandlesOfEveryKindAndDynamicConstantsMeetTheSameDecision() {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        // A Thread subclass, so that a REF_invokeSpecial handle to a Thread method is legal in it.
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "b/Crafted", null, "java/lang/Thread", null);
        MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Thread", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();

        // ldc REF_invokeSpecial Thread.getThreadGroup, invoked on this: needs 'threads'.
        MethodVisitor special = route(cw, "special", "()Ljava/lang/Object;");
        special.visitLdcInsn(new Handle(Opcodes.H_INVOKESPECIAL, "java/lang/Thread", "getThreadGroup",
                "()Ljava/lang/ThreadGroup;", false));
        special.visitVarInsn(Opcodes.ALOAD, 0);
        special.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/invoke/MethodHandle", "invoke",
                "(Lb/Crafted;)Ljava/lang/ThreadGroup;", false);
        special.visitInsn(Opcodes.ARETURN);
        special.visitMaxs(0, 0);
        special.visitEnd();

        // ldc REF_invokeStatic Thread.getAllStackTraces named through a JDK subclass.
        MethodVisitor sub = route(cw, "viaSubclass", "()Ljava/lang/Object;");
        sub.visitLdcInsn(new Handle(Opcodes.H_INVOKESTATIC, "java/util/concurrent/ForkJoinWorkerThread",
                "getAllStackTraces", "()Ljava/util/Map;", false));
        sub.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/invoke/MethodHandle", "invoke", "()Ljava/util/Map;", false);
        sub.visitInsn(Opcodes.ARETURN);
        sub.visitMaxs(0, 0);
        sub.visitEnd();

        // A dynamic constant bootstrapped by ConstantBootstraps.getStaticFinal: System.out is the app's own.
        MethodVisitor condy = route(cw, "condyOut", "()Z");
        Handle getStaticFinal = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/invoke/ConstantBootstraps", "getStaticFinal",
                "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;Ljava/lang/Class;)"
                        + "Ljava/lang/Object;", false);
        condy.visitLdcInsn(new ConstantDynamic("out", "Ljava/io/PrintStream;", getStaticFinal,
                Type.getObjectType("java/lang/System")));
        condy.visitFieldInsn(Opcodes.GETSTATIC, "java/lang/System", "out", "Ljava/io/PrintStream;");
        Label different = new Label();
        condy.visitJumpInsn(Opcodes.IF_ACMPNE, different);
        condy.visitInsn(Opcodes.ICONST_1);
        condy.visitInsn(Opcodes.IRETURN);
        condy.visitLabel(different);
        condy.visitFrame(Opcodes.F_SAME, 0, null, 0, null);
        condy.visitInsn(Opcodes.ICONST_0);
        condy.visitInsn(Opcodes.IRETURN);
        condy.visitMaxs(0, 0);
        condy.visitEnd();

        // A dynamic constant bootstrapped by ConstantBootstraps.invoke over a handle to Runtime.exec: 'process'.
        MethodVisitor condyExec = route(cw, "condyExec", "()Ljava/lang/Object;");
        Handle invoke = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/invoke/ConstantBootstraps", "invoke",
                "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;Ljava/lang/invoke/MethodHandle;"
                        + "[Ljava/lang/Object;)Ljava/lang/Object;", false);
        Handle getRuntime = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/Runtime", "getRuntime", "()Ljava/lang/Runtime;",
                false);
        Handle exec = new Handle(Opcodes.H_INVOKEVIRTUAL, "java/lang/Runtime", "exec",
                "(Ljava/lang/String;)Ljava/lang/Process;", false);
        ConstantDynamic runtime = new ConstantDynamic("runtime", "Ljava/lang/Runtime;", invoke, getRuntime);
        condyExec.visitLdcInsn(new ConstantDynamic("process", "Ljava/lang/Object;", invoke, exec, runtime, "true"));
        condyExec.visitInsn(Opcodes.ARETURN);
        condyExec.visitMaxs(0, 0);
        condyExec.visitEnd();
        cw.visitEnd();

        try (Vaas v = Vaas.builder().build()) {
            v.deploy(AppSpec.inMemory("crafted", Map.of("b/Crafted.class", cw.toByteArray())));
            v.deploy(AppSpec.inMemory("neighbour", BadInputTest.NEIGHBOUR.entries()));
            assertThat(failure(v, "crafted.special")).contains("app 'crafted'")
                    .contains("java.lang.Thread.getThreadGroup()").contains("'threads'");
            assertThat(failure(v, "crafted.viaSubclass")).contains("app 'crafted'")
                    .contains("java.lang.Thread.getAllStackTraces()").contains("'threads'");
            assertThat(v.rpc("crafted.condyOut")).isEqualTo(true);
            assertThat(failure(v, "crafted.condyExec")).contains("app 'crafted'")
                    .contains("java.lang.Runtime.exec(java.lang.String)").contains("'process'");
            assertThat(v.rpc("neighbour.ping")).isEqualTo("pong");
        }
    }

    private static String failure(Vaas v, String target) {
        try {
            return "answered " + v.rpc(target);
        } catch (VaasCallException e) {
            StringBuilder all = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                all.append(t.getMessage()).append(" | ");
            }
            return all.toString();
        }
    }

    private static MethodVisitor route(ClassWriter cw, String name, String desc) {
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, name, desc, null, new String[] {"java/lang/Throwable"});
        AnnotationVisitor ann = mv.visitAnnotation(Type.getDescriptor(VaasServer.class), true);
        ann.visitEnum("type", "Lio/vaas/api/ServerType;", "RPC");
        ann.visitEnd();
        mv.visitCode();
        return mv;
    }

    private static final class Label extends net.bytebuddy.jar.asm.Label {
    }
}
