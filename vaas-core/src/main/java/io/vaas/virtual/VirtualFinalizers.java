package io.vaas.virtual;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * Explicit calls of a guest {@code finalize()}. The rewriter renames every {@code finalize()} an app class declares
 * to {@code vaas$finalize}, so that the JVM never registers the app's objects for finalization and its single
 * Finalizer thread never runs guest code (one that blocked would stop the finalization of every host object). The
 * method stays an ordinary one: calls the app makes itself ({@code x.finalize()}, {@code super.finalize()}) land
 * here and reach it.
 *
 * <p>Every method takes the calling class last, like every entry point here. Not for direct use.
 */
public final class VirtualFinalizers {

    private static final String RENAMED = "vaas$finalize";
    private static final MethodType VOID = MethodType.methodType(void.class);

    /** The class's own renamed finalizer, or null when it declares none. */
    private static final ClassValue<Method> DECLARED = new ClassValue<>() {
        @Override
        protected Method computeValue(Class<?> type) {
            try {
                Method m = type.getDeclaredMethod(RENAMED);
                return Modifier.isStatic(m.getModifiers()) ? null : m;
            } catch (NoSuchMethodException e) {
                return null;
            }
        }
    };

    private VirtualFinalizers() {
    }

    /** {@code target.finalize()}: the renamed finalizer of the target's class, or of the nearest superclass with one. */
    public static void finalize(Object target, Class<?> caller) throws Throwable {
        Class<?> declaring = declaring(target.getClass());
        if (declaring != null) {
            MethodHandles.privateLookupIn(declaring, MethodHandles.lookup())
                    .findVirtual(declaring, RENAMED, VOID).invoke(target);
        }
        // None: the class inherits the JDK's finalize(), which for Object and every JDK class an app can extend
        // does nothing.
    }

    /** {@code super.finalize()} in {@code caller}, naming {@code owner}: the one {@code owner} has or inherits. */
    public static void finalizeSuper(Object target, Class<?> owner, Class<?> caller) throws Throwable {
        Class<?> declaring = declaring(owner);
        if (declaring != null) {
            MethodHandle special = MethodHandles.privateLookupIn(caller, MethodHandles.lookup())
                    .findSpecial(declaring, RENAMED, VOID, caller);
            special.invoke(target);
        }
    }

    private static Class<?> declaring(Class<?> from) {
        for (Class<?> c = from; c != null && c.getClassLoader() != null; c = c.getSuperclass()) {
            if (DECLARED.get(c) != null) {
                return c;
            }
        }
        return null;
    }
}
