package io.vaas.rewrite;

/**
 * What the rewriter may ask about an app's other classes: their superclass and the members they declare. Calls
 * qualified by an app class that inherit a JDK member ({@code MyThread.getAllStackTraces()}) are checked as that
 * JDK member.
 */
public interface TypeHierarchy {

    /** Knows no class: every reference is taken as it is named. */
    TypeHierarchy NONE = new TypeHierarchy() {
        @Override
        public String superName(String internalName) {
            return null;
        }

        @Override
        public boolean declares(String internalName, String name, String desc) {
            return false;
        }
    };

    /** The internal name of the superclass of app class {@code internalName}, or null when it is not an app class. */
    String superName(String internalName);

    /** Whether app class {@code internalName} declares member {@code name desc} itself. */
    boolean declares(String internalName, String name, String desc);
}
