package io.vaas.rewrite;

import io.vaas.policy.Policy;
import io.vaas.policy.Violation;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Rewrites guest classes as their loader defines them: one ASM pass per class, skipped entirely for classes whose
 * constant pool names no ruled class, and cached by content and rules version ({@link RewriteCache}).
 *
 * <p>Thread-safe; one rewriter serves every app of a container.
 */
public final class Rewriter {

    private static final byte[] SUPPORT = Rules.SUPPORT_PACKAGE.getBytes(StandardCharsets.US_ASCII);
    /** A class with no code may still declare an abstract {@code finalize()}, which the pass renames. */
    private static final byte[] FINALIZE = "finalize".getBytes(StandardCharsets.US_ASCII);
    private static final int CONSTANT_FIELDREF = 9;
    private static final int CONSTANT_METHODREF = 10;
    private static final int CONSTANT_INTERFACE_METHODREF = 11;

    private static final java.util.Set<String> TRACKED_CONSTRUCTORS = java.util.Set.of(
            "java/util/concurrent/ThreadPoolExecutor", "java/util/concurrent/ScheduledThreadPoolExecutor",
            "java/util/concurrent/ForkJoinPool", "java/util/Timer");

    private final Rules rules;
    private final RewriteCache cache;

    /**
     * @param rules what to rewrite
     * @param cache where rewritten classes are kept; its entries are keyed by content and rules version
     */
    public Rewriter(Rules rules, RewriteCache cache) {
        this.rules = rules;
        this.cache = cache;
    }

    /** The rules this rewriter applies. */
    public Rules rules() {
        return rules;
    }

    /**
     * This rewriter with more substitutions on top of its rules (see {@link Rules#with}), sharing its cache: the
     * rules' version is part of every cache key, so the two never mix their entries.
     */
    public Rewriter with(List<Rule> substitutions) {
        return substitutions.isEmpty() ? this : new Rewriter(rules.with(substitutions), cache);
    }

    /** The cache this rewriter uses. */
    public RewriteCache cache() {
        return cache;
    }

    /**
     * The class as the app must see it, without a policy: only the virtual globals are rewritten.
     *
     * @see #rewrite(String, byte[], Policy)
     */
    public byte[] rewrite(String className, byte[] bytes) {
        return rewrite(className, bytes, null).bytes();
    }

    /**
     * The class as an app holding {@code policy} must see it.
     *
     * @param className the binary name, for messages
     * @param bytes     the class file
     * @param policy    what the app may use of the JDK; null to check nothing
     * @return the class file to define ({@code bytes} itself when nothing changed) and the denied references
     * @throws RewriteException if the class is malformed or names the runtime-support package itself
     */
    public Rewritten rewrite(String className, byte[] bytes, Policy policy) {
        return rewrite(className, bytes, policy, TypeHierarchy.NONE);
    }

    /**
     * As {@link #rewrite(String, byte[], Policy)}, following app-class-qualified references up the app's own class
     * hierarchy to the JDK member they inherit. A result that depended on other classes is not cached.
     */
    public Rewritten rewrite(String className, byte[] bytes, Policy policy, TypeHierarchy hierarchy) {
        String version = policy == null ? rules.version() : rules.version() + "/" + policy.digest();
        Rewritten remembered = cache.inMemory(version, bytes);
        if (remembered != null) {
            return remembered.bytes().length == 0 ? new Rewritten(bytes, remembered.violations()) : remembered;
        }
        if (ClassBytes.mentions(bytes, SUPPORT)) {
            throw new RewriteException("class " + className + " refers to io.vaas.virtual, the container's runtime "
                    + "support for rewritten code; guest code may not use it directly", null);
        }
        ClassReader reader;
        try {
            reader = new ClassReader(bytes);
            // The constant pool says whether a member reference needs the pass; the code, whether a guard does.
            if (!needsPass(reader, policy) && !inheritsRefused(reader, policy)) {
                if (!hasCode(reader) && !ClassBytes.mentions(bytes, FINALIZE)) {
                    return new Rewritten(bytes, List.of());
                }
                if (!GuardScan.needsGuards(reader)) {
                    // The walk of the code costs more than a cache hit: remember the verdict.
                    cache.put(version, bytes, new Rewritten(new byte[0], List.of()));
                    return new Rewritten(bytes, List.of());
                }
            }
        } catch (RuntimeException e) {
            throw new RewriteException("class " + className + " is not a valid class file: " + e, e);
        }
        Rewritten stored = cache.onDisk(version, bytes);
        if (stored != null) {
            return stored.bytes().length == 0 ? new Rewritten(bytes, stored.violations()) : stored;
        }
        ClassWriter writer = new ClassWriter(reader, 0);
        ClassRewriter pass = new ClassRewriter(writer, rules, policy, hierarchy).reading(reader);
        try {
            reader.accept(pass, 0);
        } catch (RuntimeException e) {
            throw new RewriteException("class " + className + " cannot be rewritten: " + e, e);
        }
        List<Violation> violations = pass.violations();
        byte[] out = pass.changed() ? writer.toByteArray() : null;
        if (!pass.usedHierarchy()) {
            cache.put(version, bytes, new Rewritten(out == null ? new byte[0] : out, violations));
        }
        return new Rewritten(out == null ? bytes : out, violations);
    }

    /** Whether the class extends or implements a JDK type its app may inherit nothing from. */
    private static boolean inheritsRefused(ClassReader reader, Policy policy) {
        if (policy == null) {
            return false;
        }
        String superName = reader.getSuperName();
        if (superName != null && ClassRewriter.refusesSupertype(policy, superName)) {
            return true;
        }
        for (String i : reader.getInterfaces()) {
            if (ClassRewriter.refusesSupertype(policy, i)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the class has a method with code: an entry of its constant pool names the Code attribute. */
    private static boolean hasCode(ClassReader reader) {
        for (int i = 1, n = reader.getItemCount(); i < n; i++) {
            int offset = reader.getItem(i);
            // A CONSTANT_Utf8 (tag 1) of length 4 reading "Code".
            if (offset != 0 && reader.readByte(offset - 1) == 1 && reader.readUnsignedShort(offset) == 4
                    && reader.readByte(offset + 2) == 'C' && reader.readByte(offset + 3) == 'o'
                    && reader.readByte(offset + 4) == 'd' && reader.readByte(offset + 5) == 'e') {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the pass would change anything: whether the constant pool holds a reference to a member some rule is
     * about, a no-argument {@code start()}, or a JDK member the policy denies. Method handles, bootstrap methods and
     * lambdas all refer to such references, so nothing escapes this look.
     */
    private boolean needsPass(ClassReader reader, Policy policy) {
        char[] buffer = new char[reader.getMaxStringLength()];
        for (int i = 1, n = reader.getItemCount(); i < n; i++) {
            int offset = reader.getItem(i);
            if (offset == 0) {
                continue;
            }
            int tag = reader.readByte(offset - 1);
            if (tag != CONSTANT_FIELDREF && tag != CONSTANT_METHODREF && tag != CONSTANT_INTERFACE_METHODREF) {
                continue;
            }
            String owner = reader.readClass(offset, buffer);
            int nameAndType = reader.getItem(reader.readUnsignedShort(offset + 2));
            String name = reader.readUTF8(nameAndType, buffer);
            String desc = reader.readUTF8(nameAndType + 2, buffer);
            boolean field = tag == CONSTANT_FIELDREF;
            if (rules.hasOwner(owner) && rules.find(owner, name, desc) != null) {
                return true;
            }
            if (!field && rules.find("*", name, desc) != null) {
                return true;
            }
            if (!field && name.equals("<init>")
                    && (TRACKED_CONSTRUCTORS.contains(owner) || owner.equals(ClassRewriter.OBJECT_INPUT)
                    || ClassRewriter.mayNotExtend(owner))) {
                return true;
            }
            boolean jdk = io.vaas.policy.JdkPackages.containsClass(owner);
            if (jdk && !name.equals("<init>")) {
                // Rules and the policy hold for the class that declares the member, whichever class is named.
                String declaring = MemberResolution.declaringJdkClass(owner, name, desc, field);
                if (!declaring.equals(owner) && (rules.find(declaring, name, desc) != null || (policy != null
                        && policy.mentions(declaring) && policy.deniedBy(declaring, name, desc, field) != null))) {
                    return true;
                }
            }
            if (policy != null && !policy.allowsWhole(owner) && policy.deniedBy(owner, name, desc, field) != null) {
                return true;
            }
            if (!jdk && rules.isInheritableName(name) && !rules.hasOwner(owner)) {
                return true;
            }
            if (policy != null && policy.isSensitiveName(name) && !rules.hasOwner(owner)) {
                // Possibly inherited from a JDK class through an app class: the pass follows the hierarchy.
                if (!io.vaas.policy.JdkPackages.containsClass(owner)) {
                    return true;
                }
            }
        }
        return false;
    }
}
