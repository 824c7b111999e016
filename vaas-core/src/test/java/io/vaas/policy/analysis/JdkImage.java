package io.vaas.policy.analysis;

import io.vaas.policy.analysis.ClassInfo.FieldInfo;
import io.vaas.policy.analysis.ClassInfo.MethodInfo;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Every class of the running JDK's image ({@code jrt:/}, all modules), read once: class headers, members, the
 * classes code instantiates, the service providers modules declare and the class names reflective code holds.
 * Method bodies are analysed on demand ({@link #facts}).
 */
final class JdkImage {

    /** Methods whose string constants name classes the JDK loads or instantiates by name. */
    private static final Set<String> REFLECTIVE_LOADERS = Set.of(
            "java/lang/Class.forName", "java/lang/ClassLoader.loadClass", "java/lang/Class.newInstance",
            "java/lang/Class.getConstructor", "java/lang/Class.getDeclaredConstructor",
            "jdk/internal/loader/BootLoader.loadClass", "jdk/internal/loader/BuiltinClassLoader.loadClass",
            "jdk/internal/loader/ClassLoaders.loadClass", "java/lang/invoke/MethodHandles$Lookup.findClass");

    final Map<String, ClassInfo> classes;
    /** Service interface (internal name) to the classes modules declare with {@code provides ... with}. */
    final Map<String, List<String>> providers;
    /** Classes some JDK code can create: {@code NEW} anywhere, service providers, classes named for reflection. */
    final Set<String> instantiated;
    /**
     * Classes that exist as soon as the JDK runs: created by static initializers and by the JVM's start-up code
     * (the private static methods of {@code System}); the analysis follows neither, but their objects sit in static
     * fields.
     */
    final Set<String> startup;
    /** Per method, JDK classes named by string constants in a method that loads classes by name. */
    final Map<MethodInfo, Set<String>> reflectiveNames;
    /** Per method, the service types it names as class constants (whose providers it may load). */
    final Map<MethodInfo, Set<String>> serviceConstants;
    private final Map<String, Path> paths;
    private final Map<String, List<String>> subclasses = new HashMap<>();
    private final Map<String, MethodFacts.ClassFacts> facts = new ConcurrentHashMap<>();
    private final Interner interner = new Interner();

    private JdkImage(Map<String, ClassInfo> classes, Map<String, Path> paths, Map<String, List<String>> providers,
                     Set<String> instantiated, Set<String> startup, Map<MethodInfo, Set<String>> reflectiveNames,
                     Map<MethodInfo, Set<String>> serviceConstants) {
        this.classes = classes;
        this.startup = startup;
        this.paths = paths;
        this.providers = providers;
        this.instantiated = instantiated;
        this.reflectiveNames = reflectiveNames;
        this.serviceConstants = serviceConstants;
        for (ClassInfo c : classes.values()) {
            if (c.superName != null) {
                subclasses.computeIfAbsent(c.superName, k -> new ArrayList<>()).add(c.name);
            }
            for (String i : c.interfaces) {
                subclasses.computeIfAbsent(i, k -> new ArrayList<>()).add(c.name);
            }
        }
    }

    /** Reads the image of the JDK this code runs on. */
    static JdkImage load() {
        FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
        List<Path> files;
        try (Stream<Path> s = Files.walk(jrt.getPath("/modules"))) {
            files = s.filter(p -> p.toString().endsWith(".class") && !p.getFileName().toString().equals("module-info.class"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, ClassInfo> classes = new ConcurrentHashMap<>();
        Map<String, Path> paths = new ConcurrentHashMap<>();
        Set<String> instantiated = ConcurrentHashMap.newKeySet();
        Set<String> startup = ConcurrentHashMap.newKeySet();
        Map<MethodInfo, Set<String>> names = new ConcurrentHashMap<>();
        Map<MethodInfo, Set<String>> classConstants = new ConcurrentHashMap<>();
        Interner interner = new Interner();
        files.parallelStream().forEach(p -> {
            String module = p.getName(1).toString();
            byte[] bytes = read(p);
            Header h = new Header(module, interner, instantiated, startup, names, classConstants);
            new ClassReader(bytes).accept(h, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
            // The first module holding a class wins (no JDK class is in two modules).
            if (classes.putIfAbsent(h.info.name, h.info) == null) {
                paths.put(h.info.name, p);
            }
        });
        Map<String, List<String>> providers = new TreeMap<>();
        for (ModuleReference ref : ModuleFinder.ofSystem().findAll()) {
            for (ModuleDescriptor.Provides pr : ref.descriptor().provides()) {
                for (String impl : pr.providers()) {
                    String internal = impl.replace('.', '/');
                    providers.computeIfAbsent(pr.service().replace('.', '/'), k -> new ArrayList<>()).add(internal);
                    instantiated.add(internal);
                }
            }
        }
        // ModuleFinder's order is not stable from one run to the next; the graph's must be.
        providers.replaceAll((service, impls) -> impls.stream().sorted().distinct().toList());
        // Only names of real classes count, and only those are instantiable by name.
        Map<MethodInfo, Set<String>> reflective = new HashMap<>();
        names.forEach((m, ns) -> {
            Set<String> known = new java.util.TreeSet<>();
            for (String n : ns) {
                if (classes.containsKey(n)) {
                    known.add(n);
                    instantiated.add(n);
                }
            }
            if (!known.isEmpty()) {
                reflective.put(m, known);
            }
        });
        Map<MethodInfo, Set<String>> services = new HashMap<>();
        classConstants.forEach((m, cs) -> {
            Set<String> svc = new java.util.TreeSet<>();
            for (String c : cs) {
                if (providers.containsKey(c)) {
                    svc.add(c);
                }
            }
            if (!svc.isEmpty()) {
                services.put(m, svc);
            }
        });
        return new JdkImage(Map.copyOf(classes), Map.copyOf(paths), providers, Set.copyOf(instantiated),
                Set.copyOf(startup), reflective, services);
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ClassInfo get(String name) {
        return name == null ? null : classes.get(name);
    }

    /** The direct subclasses and implementors of a class or interface. */
    List<String> directSubtypes(String name) {
        return subclasses.getOrDefault(name, List.of());
    }

    /** The analysed bodies of a class's methods, computed on first use. */
    MethodFacts facts(MethodInfo m) {
        MethodFacts.ClassFacts cf = facts.computeIfAbsent(m.owner.name,
                n -> MethodFacts.analyse(classes.get(n), read(paths.get(n)), interner));
        return cf.of(m);
    }

    /** Analyses every class ahead of use, on all cores. */
    void analyseAll(Collection<String> names) {
        names.parallelStream().forEach(n -> facts.computeIfAbsent(n,
                k -> MethodFacts.analyse(classes.get(k), read(paths.get(k)), interner)));
    }

    /** The JDK's version, for the generated files' headers. */
    static String version() {
        return Runtime.version().toString();
    }

    /** Shares equal strings across classes: the image names the same members hundreds of thousands of times. */
    static final class Interner {
        private final ConcurrentHashMap<String, String> strings = new ConcurrentHashMap<>();

        String of(String s) {
            if (s == null) {
                return null;
            }
            String known = strings.putIfAbsent(s, s);
            return known == null ? s : known;
        }
    }

    /** Reads a class header, its members, and the instantiation facts of its code. */
    private static final class Header extends ClassVisitor {
        private final String module;
        private final Interner interner;
        private final Set<String> instantiated;
        private final Set<String> startup;
        private final Map<MethodInfo, Set<String>> names;
        private final Map<MethodInfo, Set<String>> classConstants;
        ClassInfo info;

        Header(String module, Interner interner, Set<String> instantiated, Set<String> startup,
               Map<MethodInfo, Set<String>> names, Map<MethodInfo, Set<String>> classConstants) {
            super(Opcodes.ASM9);
            this.module = module;
            this.interner = interner;
            this.instantiated = instantiated;
            this.startup = startup;
            this.names = names;
            this.classConstants = classConstants;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
            List<String> is = new ArrayList<>();
            for (String i : interfaces) {
                is.add(interner.of(i));
            }
            info = new ClassInfo(interner.of(name), access, interner.of(superName), List.copyOf(is), module);
        }

        @Override
        public void visitInnerClass(String name, String outerName, String innerName, int access) {
            // A nested class's own header has no 'protected' or 'private'; its InnerClasses entry does.
        }

        @Override
        public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
            info.fields.put(interner.of(name), new FieldInfo(info, interner.of(name), interner.of(descriptor), access));
            return null;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            MethodInfo m = new MethodInfo(info, interner.of(name), interner.of(descriptor), access);
            info.methods.put(interner.of(name + descriptor), m);
            // System's private static methods are its start-up phases and the SharedSecrets they register.
            boolean atStartup = name.equals("<clinit>") || (info.name.equals("java/lang/System")
                    && (access & Opcodes.ACC_STATIC) != 0 && (access & Opcodes.ACC_PRIVATE) != 0);
            return new MethodVisitor(Opcodes.ASM9) {
                private List<String> strings;
                private List<String> types;
                private boolean loadsByName;

                @Override
                public void visitTypeInsn(int opcode, String type) {
                    if (opcode == Opcodes.NEW) {
                        instantiated.add(interner.of(type));
                        if (atStartup) {
                            startup.add(interner.of(type));
                        }
                    }
                }

                @Override
                public void visitLdcInsn(Object value) {
                    if (value instanceof String s && s.length() < 200 && s.indexOf(' ') < 0 && s.indexOf('.') > 0) {
                        (strings == null ? strings = new ArrayList<>() : strings).add(s.replace('.', '/'));
                    } else if (value instanceof Type t && t.getSort() == Type.OBJECT) {
                        (types == null ? types = new ArrayList<>() : types).add(t.getInternalName());
                    }
                }

                @Override
                public void visitMethodInsn(int opcode, String owner, String mName, String mDesc, boolean itf) {
                    if (REFLECTIVE_LOADERS.contains(owner + "." + mName)) {
                        loadsByName = true;
                    }
                }

                @Override
                public void visitEnd() {
                    if (loadsByName && strings != null) {
                        names.put(m, Set.copyOf(strings));
                    }
                    if (types != null) {
                        classConstants.put(m, Set.copyOf(types));
                    }
                }
            };
        }
    }
}
