package io.vaas.rewrite;

/** Quick looks into class files without parsing them. */
public final class ClassBytes {

    private ClassBytes() {
    }

    /**
     * Whether {@code classFile} contains {@code ascii}: a class or descriptor name in the constant pool (names are
     * stored as modified UTF-8, the same bytes for ASCII). A quick filter: a match may also be inside a string
     * constant.
     */
    public static boolean mentions(byte[] classFile, byte[] ascii) {
        outer:
        for (int i = 0, last = classFile.length - ascii.length; i <= last; i++) {
            for (int j = 0; j < ascii.length; j++) {
                if (classFile[i + j] != ascii[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
