package io.vaas;

import io.vaas.api.VaasServer;
import io.vaas.rewrite.Rule;
import io.vaas.rewrite.RewriteCache;
import io.vaas.rewrite.RewriteException;
import io.vaas.rewrite.Rewriter;
import io.vaas.rewrite.Rules;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rewriter on its own: its table, its refusals, its cache. */
class RewriterTest {

    @Test
    void everyRuleTargetExistsWithTheExactSignature() throws Exception {
        ClassLoader host = RewriterTest.class.getClassLoader();
        for (Rule rule : Rules.standard().all()) {
            switch (rule.action()) {
                case Rule.Redirect r -> assertStaticMethod(host, r.targetOwner(), r.targetName(), r.targetDesc(), rule);
                case Rule.Substitute sub -> assertStaticMethod(host, sub.targetOwner(), sub.targetName(),
                        sub.targetDesc(), rule);
                case Rule.Factory f -> {
                    assertStaticMethod(host, f.targetOwner(), f.targetName(), f.targetDesc(), rule);
                    Class<?> owner = Class.forName(rule.owner().replace('/', '.'));
                    MethodType made = MethodType.fromMethodDescriptorString(rule.desc(), host);
                    assertThat(owner.getConstructor(made.parameterArray())).as(rule.toString()).isNotNull();
                }
                case Rule.DefineBridge d -> {
                    assertStaticMethod(host, d.targetOwner(), "rewrite",
                            "(Ljava/lang/ClassLoader;Ljava/lang/String;[BIILjava/lang/Class;)[B", rule);
                    assertStaticMethod(host, d.targetOwner(), "rewrite",
                            "(Ljava/lang/ClassLoader;Ljava/lang/String;Ljava/nio/ByteBuffer;Ljava/lang/Class;)[B", rule);
                }
                case Rule.Observe o -> assertStaticMethod(host, o.targetOwner(), o.targetName(),
                        "(Ljava/lang/Object;Ljava/lang/Class;)V", rule);
                case Rule.Checked ch -> assertStaticMethod(host, ch.targetOwner(), ch.targetName(),
                        "(Ljava/lang/Object;Ljava/lang/Class;)V", rule);
                case Rule.ReflectiveInvoke ri -> assertStaticMethod(host, ri.targetOwner(), ri.targetName(),
                        "(Ljava/lang/reflect/Method;Ljava/lang/Object;[Ljava/lang/Object;Ljava/lang/Class;)[Ljava/lang/Object;", rule);
                case Rule.Extend e -> {
                    for (Rule.Push p : e.pushes()) {
                        if (p instanceof Rule.PushHelper h) {
                            assertStaticMethod(host, h.targetOwner(), h.targetName(), h.targetDesc(), rule);
                        }
                    }
                    if (!rule.owner().equals("*")) {
                        Class<?> owner = Class.forName(rule.owner().replace('/', '.'));
                        MethodType extended = MethodType.fromMethodDescriptorString(e.newDesc(), host);
                        if (rule.kind() == Rule.Kind.CONSTRUCTOR) {
                            assertThat(owner.getConstructor(extended.parameterArray())).as(rule.toString()).isNotNull();
                        } else {
                            assertThat(owner.getMethod(rule.name(), extended.parameterArray())).as(rule.toString()).isNotNull();
                        }
                    }
                }
            }
        }
    }

    private static void assertStaticMethod(ClassLoader host, String owner, String name, String desc, Rule rule)
            throws Exception {
        Class<?> c = Class.forName(owner.replace('/', '.'), false, host);
        MethodType type = MethodType.fromMethodDescriptorString(desc, host);
        Method m = c.getMethod(name, type.parameterArray());
        assertThat(Modifier.isStatic(m.getModifiers())).as(rule.toString()).isTrue();
        assertThat(m.getReturnType()).as(rule.toString()).isEqualTo(type.returnType());
    }

    @Test
    void classesThatNameTheRuntimeSupportAreRefused(@TempDir Path dir) {
        GuestApp sneaky = GuestApp.named("sneaky").source("s.S", """
                package s;
                import io.vaas.api.*;
                public class S {
                    @VaasServer(type = ServerType.RPC)
                    public String env() { return io.vaas.virtual.VirtualEnvironment.getenv("HOME", String.class); }
                }
                """);
        try (Vaas vaas = Vaas.builder().build()) {
            assertThatThrownBy(() -> vaas.deploy(AppSpec.of(sneaky.writeJar(dir.resolve("sneaky.jar")))))
                    .isInstanceOf(AppLoadException.class)
                    .hasMessageContaining("app 'sneaky'").hasMessageContaining("class s.S")
                    .hasMessageContaining("io.vaas.virtual");
        }
    }

    @Test
    void runtimeSupportRefusesCallersThatAreNotApps() {
        assertThatThrownBy(() -> io.vaas.virtual.VirtualEnvironment.getenv("PATH", String.class))
                .isInstanceOf(SecurityException.class).hasMessageContaining("java.lang.String");
    }

    @Test
    void malformedClassesGiveAClearError() {
        Rewriter rewriter = new Rewriter(Rules.standard(), RewriteCache.inMemory(1 << 20));
        byte[] garbage = {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 65, 0, 99, 1, 2};
        assertThatThrownBy(() -> rewriter.rewrite("x.Broken", garbage))
                .isInstanceOf(RewriteException.class).hasMessageContaining("class x.Broken");
    }

    /** A public class {@code internalName} with a public no-argument constructor, generated as bytecode. */
    private static ClassWriter routeClass(String internalName) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
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
    private static MethodVisitor rpcRoute(ClassWriter cw, String name, String desc) {
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, name, desc, null, new String[] {"java/lang/Throwable"});
        AnnotationVisitor ann = mv.visitAnnotation(Type.getDescriptor(VaasServer.class), true);
        ann.visitEnum("type", "Lio/vaas/api/ServerType;", "RPC");
        ann.visitEnd();
        mv.visitCode();
        return mv;
    }

    @Test
    void classesThatFailVerificationNameAppAndClass() {
        ClassWriter cw = routeClass("bad/Bad");
        MethodVisitor v = rpcRoute(cw, "v", "()I");
        v.visitFieldInsn(Opcodes.GETSTATIC, "java/lang/System", "out", "Ljava/io/PrintStream;");
        v.visitInsn(Opcodes.IRETURN);   // a reference returned as an int: the verifier must refuse it
        v.visitMaxs(0, 0);
        v.visitEnd();
        cw.visitEnd();
        try (Vaas vaas = Vaas.builder().build()) {
            assertThatThrownBy(() -> vaas.deploy(AppSpec.inMemory("unverifiable", Map.of("bad/Bad.class", cw.toByteArray()))))
                    .isInstanceOf(AppLoadException.class)
                    .hasMessageContaining("app 'unverifiable'").hasMessageContaining("bad.Bad")
                    .hasMessageContaining("VerifyError");
        }
    }

    @Test
    void ldcMethodHandleConstantsReachTheVirtualVersion() {
        // javac never emits an ldc of a method handle; other compilers and bytecode tools do.
        ClassWriter cw = routeClass("ldc/Ldc");
        MethodVisitor env = rpcRoute(cw, "env", "(Ljava/lang/String;)Ljava/lang/String;");
        env.visitLdcInsn(new net.bytebuddy.jar.asm.Handle(Opcodes.H_INVOKESTATIC, "java/lang/System", "getenv",
                "(Ljava/lang/String;)Ljava/lang/String;", false));
        env.visitVarInsn(Opcodes.ALOAD, 1);
        env.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/invoke/MethodHandle", "invokeExact",
                "(Ljava/lang/String;)Ljava/lang/String;", false);
        env.visitInsn(Opcodes.ARETURN);
        env.visitMaxs(0, 0);
        env.visitEnd();
        MethodVisitor out = rpcRoute(cw, "sameOut", "()Z");
        out.visitLdcInsn(new net.bytebuddy.jar.asm.Handle(Opcodes.H_GETSTATIC, "java/lang/System", "out",
                "Ljava/io/PrintStream;", false));
        out.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/invoke/MethodHandle", "invokeExact",
                "()Ljava/io/PrintStream;", false);
        out.visitFieldInsn(Opcodes.GETSTATIC, "java/lang/System", "out", "Ljava/io/PrintStream;");
        out.visitMethodInsn(Opcodes.INVOKESTATIC, "java/util/Objects", "equals", "(Ljava/lang/Object;Ljava/lang/Object;)Z", false);
        out.visitInsn(Opcodes.IRETURN);
        out.visitMaxs(0, 0);
        out.visitEnd();
        cw.visitEnd();
        try (Vaas vaas = Vaas.builder().build()) {
            vaas.deploy(AppSpec.inMemory("ldc", Map.of("ldc/Ldc.class", cw.toByteArray())).env("COLOR", "green"));
            assertThat(vaas.rpc("ldc.env", "COLOR")).isEqualTo("green");
            assertThat(vaas.rpc("ldc.env", "PATH")).isNull();
            assertThat(vaas.rpc("ldc.sameOut")).isEqualTo(true);
            assertThat(System.out).isNotSameAs(vaas.instance("ldc").context().stdio().out());
        }
    }

    @Test
    void classFilesOlderThanJava5AreUpgradedSoTheyCanNameTheirCaller() {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V1_4, Opcodes.ACC_PUBLIC, "old/Old", null, "java/lang/Object", null);
        MethodVisitor m = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "home", "()Ljava/lang/String;", null, null);
        m.visitCode();
        m.visitLdcInsn("HOME");
        m.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/System", "getenv", "(Ljava/lang/String;)Ljava/lang/String;", false);
        m.visitInsn(Opcodes.ARETURN);
        m.visitMaxs(0, 0);
        m.visitEnd();
        cw.visitEnd();
        byte[] out = new Rewriter(Rules.standard(), RewriteCache.inMemory(1 << 20)).rewrite("old.Old", cw.toByteArray());
        assertThat(new ClassReader(out).readShort(6)).isEqualTo((short) Opcodes.V1_5);
    }

    @Test
    void untouchedClassesAreReturnedAsTheyAre() {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "p/Plain", null, "java/lang/Object", null);
        cw.visitEnd();
        byte[] in = cw.toByteArray();
        RewriteCache cache = RewriteCache.inMemory(1 << 20);
        assertThat(new Rewriter(Rules.standard(), cache).rewrite("p.Plain", in)).isSameAs(in);
        assertThat(cache.misses() + cache.hits()).isZero();
    }

    @Test
    void redeployingTheSameCodeHitsTheCacheAndAFolderSurvivesRestarts(@TempDir Path dir) throws Exception {
        Path jar = VirtualGlobalsTest.GLOBALS.writeJar(dir.resolve("globals.jar"));
        Path folder = dir.resolve("rewrite-cache");
        try (Vaas vaas = Vaas.builder().rewriteCache(folder).build()) {
            vaas.deploy(AppSpec.of("a", jar)).rpc("count");
            long missesAfterFirst = vaas.rewriteCache().misses();
            assertThat(missesAfterFirst).isPositive();
            vaas.deploy(AppSpec.of("a", jar)).rpc("count");
            assertThat(vaas.rewriteCache().misses()).isEqualTo(missesAfterFirst);
            assertThat(vaas.rewriteCache().hits()).isGreaterThanOrEqualTo(missesAfterFirst);
        }
        try (Stream<Path> files = Files.walk(folder)) {
            assertThat(files.filter(p -> p.toString().endsWith(".class")).count()).isPositive();
        }
        try (Vaas restarted = Vaas.builder().rewriteCache(folder).build()) {
            restarted.deploy(AppSpec.of("a", jar)).rpc("count");
            assertThat(restarted.rewriteCache().misses()).isZero();
            assertThat(restarted.rewriteCache().hits()).isPositive();
        }
    }

    @Test
    void rulesVersionChangesWithTheTable() {
        assertThat(Rules.standard().version()).hasSize(16);
        Map<String, Integer> owners = new HashMap<>();
        Rules.standard().all().forEach(r -> owners.merge(r.owner(), 1, Integer::sum));
        assertThat(owners).containsKeys("java/lang/System", "java/lang/Runtime", "java/util/concurrent/Executors",
                "java/sql/DriverManager", "java/lang/reflect/Method");
        assertThat(List.copyOf(owners.keySet())).doesNotContain("io/vaas/virtual/VirtualEnvironment");
    }
}
