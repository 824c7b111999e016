package io.vaas.run;

import net.bytebuddy.jar.asm.ClassReader;


/**
 * Whether making an instance of an app class runs code of the app's: a static initializer (its own, an app
 * superclass's, or an app interface's, which the JVM initializes with the class), or a constructor that does more
 * than call its superclass's no-argument constructor. Read from the class files as the app ships them. Only such
 * classes need a thread and a deadline of their own (see {@link InitThread}): the others run nothing of the app's.
 */
final class InitCode {

    private InitCode() {
    }

    /**
     * Whether {@code c}'s construction may run the app's code; true when in doubt.
     *
     * @param known what {@link #runsCode} found for the classes it read at deploy, by binary name
     */
    static boolean runs(Class<?> c, ClassLoader appLoader, java.util.Map<String, Boolean> known) {
        for (Class<?> k = c; k != null && k.getClassLoader() == appLoader; k = k.getSuperclass()) {
            if (known.getOrDefault(k.getName(), true)) {
                return true;
            }
            for (Class<?> i : k.getInterfaces()) {
                if (i.getClassLoader() == appLoader && known.getOrDefault(i.getName(), true)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether a class file has a static initializer, or a no-argument constructor that does more than call its
     * superclass's ({@code aload_0; invokespecial <init>()V; return}); true without such a constructor. Read straight
     * from the method table, with no visitor: it runs for every route class at every deploy.
     */
    static boolean runsCode(byte[] bytes) {
        if (io.vaas.rewrite.ClassBytes.mentions(bytes, CLINIT)) {
            return true;
        }
        try {
            ClassReader r = new ClassReader(bytes);
            char[] buf = new char[r.getMaxStringLength()];
            int u = r.header + 6;
            u += 2 + 2 * r.readUnsignedShort(u);
            int fields = r.readUnsignedShort(u);
            u += 2;
            for (int i = 0; i < fields; i++) {
                u = skipAttributes(r, u + 6);
            }
            int methods = r.readUnsignedShort(u);
            u += 2;
            for (int i = 0; i < methods; i++) {
                boolean noArgConstructor = "<init>".equals(r.readUTF8(u + 2, buf)) && "()V".equals(r.readUTF8(u + 4, buf));
                int attributes = r.readUnsignedShort(u + 6);
                u += 8;
                for (int a = 0; a < attributes; a++) {
                    int length = r.readInt(u + 2);
                    if (noArgConstructor && "Code".equals(r.readUTF8(u, buf))) {
                        return !callsSuperOnly(r, bytes, u + 6, buf);
                    }
                    u += 6 + length;
                }
            }
            return true;
        } catch (RuntimeException e) {
            return true;
        }
    }

    private static int skipAttributes(ClassReader r, int u) {
        int attributes = r.readUnsignedShort(u);
        u += 2;
        for (int a = 0; a < attributes; a++) {
            u += 6 + r.readInt(u + 2);
        }
        return u;
    }

    /** Whether the Code attribute body at {@code code} is {@code aload_0; invokespecial X.<init>()V; return}. */
    private static boolean callsSuperOnly(ClassReader r, byte[] b, int code, char[] buf) {
        int length = r.readInt(code + 4);
        int start = code + 8;
        if (length != 5 || (b[start] & 0xFF) != 0x2A || (b[start + 1] & 0xFF) != 0xB7 || (b[start + 4] & 0xFF) != 0xB1
                || r.readUnsignedShort(start + length) != 0) {
            return false;
        }
        int nameAndType = r.getItem(r.readUnsignedShort(r.getItem(r.readUnsignedShort(start + 2)) + 2));
        return "<init>".equals(r.readUTF8(nameAndType, buf)) && "()V".equals(r.readUTF8(nameAndType + 2, buf));
    }

    private static final byte[] CLINIT = "<clinit>".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
}
