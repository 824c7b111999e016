package io.vaas.load;

import io.vaas.rewrite.TypeHierarchy;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

import java.io.IOException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The class hierarchy of one app, read from its class path on demand (class headers and member names only). */
public final class AppTypes implements TypeHierarchy {

    private record Info(String superName, Set<String> members) {
    }

    private final AppClassPath classPath;
    private final ConcurrentHashMap<String, Optional<Info>> infos = new ConcurrentHashMap<>();

    /** @param classPath the app's class path */
    public AppTypes(AppClassPath classPath) {
        this.classPath = classPath;
    }

    @Override
    public String superName(String internalName) {
        return info(internalName).map(Info::superName).orElse(null);
    }

    @Override
    public boolean declares(String internalName, String name, String desc) {
        return info(internalName).map(i -> i.members().contains(desc.startsWith("(") ? name + desc : name + ":" + desc))
                .orElse(false);
    }

    private Optional<Info> info(String internalName) {
        return infos.computeIfAbsent(internalName, this::read);
    }

    private Optional<Info> read(String internalName) {
        try {
            AppClassPath.Entry entry = classPath.find(internalName + ".class");
            if (entry == null) {
                return Optional.empty();
            }
            ClassReader reader = new ClassReader(entry.bytes());
            Set<String> members = new HashSet<>();
            reader.accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                                 String[] exceptions) {
                    members.add(name + descriptor);
                    return null;
                }

                @Override
                public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
                    members.add(name + ":" + descriptor);
                    return null;
                }
            }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
            return Optional.of(new Info(reader.getSuperName(), Set.copyOf(members)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
