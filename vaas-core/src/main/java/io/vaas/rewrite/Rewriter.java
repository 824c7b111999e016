package io.vaas.rewrite;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;

import java.nio.charset.StandardCharsets;

/**
 * Rewrites guest classes as their loader defines them: one ASM pass per class, skipped entirely for classes whose
 * constant pool names no ruled class, and cached by content and rules version ({@link RewriteCache}).
 *
 * <p>Thread-safe; one rewriter serves every app of a container.
 */
public final class Rewriter {

    private static final byte[] SUPPORT = Rules.SUPPORT_PACKAGE.getBytes(StandardCharsets.US_ASCII);
    private static final int CONSTANT_CLASS = 7;
    private static final int CONSTANT_NAME_AND_TYPE = 12;

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

    /** The cache this rewriter uses. */
    public RewriteCache cache() {
        return cache;
    }

    /**
     * The class as the app must see it.
     *
     * @param className the binary name, for messages
     * @param bytes     the class file
     * @return the rewritten class file, or {@code bytes} itself when nothing needed rewriting
     * @throws RewriteException if the class is malformed or names the runtime-support package itself
     */
    public byte[] rewrite(String className, byte[] bytes) {
        String version = rules.version();
        byte[] remembered = cache.inMemory(version, bytes);
        if (remembered != null) {
            return remembered.length == 0 ? bytes : remembered;
        }
        if (ClassBytes.mentions(bytes, SUPPORT)) {
            throw new RewriteException("class " + className + " refers to io.vaas.virtual, the container's runtime "
                    + "support for rewritten code; guest code may not use it directly", null);
        }
        ClassReader reader;
        try {
            reader = new ClassReader(bytes);
            if (!mentionsRuledMember(reader)) {
                return bytes;
            }
        } catch (RuntimeException e) {
            throw new RewriteException("class " + className + " is not a valid class file: " + e, e);
        }
        byte[] stored = cache.onDisk(version, bytes);
        if (stored != null) {
            return stored.length == 0 ? bytes : stored;
        }
        byte[] result = transform(className, reader);
        cache.put(version, bytes, result == null ? new byte[0] : result);
        return result == null ? bytes : result;
    }

    /** Runs the pass; null when the class had nothing to change after all. */
    private byte[] transform(String className, ClassReader reader) {
        try {
            ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
            ClassRewriter rewriter = new ClassRewriter(writer, rules);
            reader.accept(rewriter, 0);
            return rewriter.changed() ? writer.toByteArray() : null;
        } catch (RuntimeException e) {
            throw new RewriteException("class " + className + " cannot be rewritten: " + e, e);
        }
    }

    /** Whether the constant pool names a class some rule is about, or a no-argument {@code start()}. */
    private boolean mentionsRuledMember(ClassReader reader) {
        char[] buffer = new char[reader.getMaxStringLength()];
        for (int i = 1, n = reader.getItemCount(); i < n; i++) {
            int offset = reader.getItem(i);
            if (offset == 0) {
                continue;
            }
            int tag = reader.readByte(offset - 1);
            if (tag == CONSTANT_CLASS) {
                if (rules.hasOwner(reader.readUTF8(offset, buffer))) {
                    return true;
                }
            } else if (tag == CONSTANT_NAME_AND_TYPE) {
                if ("start".equals(reader.readUTF8(offset, buffer)) && "()V".equals(reader.readUTF8(offset + 2, buffer))) {
                    return true;
                }
            }
        }
        return false;
    }
}
