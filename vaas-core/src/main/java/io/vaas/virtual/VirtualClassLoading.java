package io.vaas.virtual;

import io.vaas.policy.Violation;
import io.vaas.rewrite.Members;

import java.lang.invoke.MethodHandles;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Where rewritten app code lands when it defines classes from bytes: in a class loader of its own
 * ({@code defineClass} in a {@code ClassLoader} subclass, which needs the {@code classloading} permission to exist at
 * all) or through {@code MethodHandles.Lookup.defineClass/defineHiddenClass}. The bytes go through the same rewriting
 * and policy as the app's own classes before they are defined. An app's loaders must delegate to the app's own
 * loader: that is how the classes they define reach the runtime support and are known as the app's.
 *
 * <p>Every method takes the calling class last; it names the app. Not for direct use.
 */
public final class VirtualClassLoading {

    private VirtualClassLoading() {
    }

    /**
     * The bytes a loader of the app defines, rewritten.
     *
     * @throws SecurityException if {@code self} does not delegate to the app's loader: the classes it defines could
     *                           not reach the app's runtime support, nor would they belong to the app
     */
    public static byte[] rewrite(ClassLoader self, String name, byte[] b, int off, int len, Class<?> caller) {
        AppContext context = AppContext.of(caller);
        boolean delegates = false;
        for (ClassLoader l = self; l != null && !delegates; l = l.getParent()) {
            delegates = l instanceof ContextCarrier carrier && carrier.appContext() == context;
        }
        if (!delegates) {
            throw new io.vaas.api.PolicyDenial("app '" + context.app() + "': class loader " + self.getClass().getName()
                    + " does not delegate to the app's own loader, so the classes it defines could not run as the "
                    + "app's; create it with the app's loader as its parent (getClass().getClassLoader())");
        }
        byte[] bytes = Arrays.copyOfRange(b, off, off + len);
        return context.rewriter().rewrite(name == null ? "(unnamed)" : name, bytes, context.policy()).bytes();
    }

    /** As {@link #rewrite(ClassLoader, String, byte[], int, int, Class)}, from a buffer. */
    public static byte[] rewrite(ClassLoader self, String name, ByteBuffer buffer, Class<?> caller) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return rewrite(self, name, bytes, 0, bytes.length, caller);
    }

    public static Class<?> defineClass(MethodHandles.Lookup lookup, byte[] bytes, Class<?> caller)
            throws IllegalAccessException {
        AppContext context = checked(caller, "defineClass", "([B)Ljava/lang/Class;");
        return lookup.defineClass(context.rewriter().rewrite("(lookup)", bytes, context.policy()).bytes());
    }

    public static MethodHandles.Lookup defineHiddenClass(MethodHandles.Lookup lookup, byte[] bytes, boolean initialize,
                                                         MethodHandles.Lookup.ClassOption[] options, Class<?> caller)
            throws IllegalAccessException {
        AppContext context = checked(caller, "defineHiddenClass",
                "([BZ[Ljava/lang/invoke/MethodHandles$Lookup$ClassOption;)Ljava/lang/invoke/MethodHandles$Lookup;");
        return lookup.defineHiddenClass(context.rewriter().rewrite("(hidden)", bytes, context.policy()).bytes(),
                initialize, options);
    }

    private static AppContext checked(Class<?> caller, String name, String desc) {
        AppContext context = AppContext.of(caller);
        if (context.policy() != null) {
            String owner = "java/lang/invoke/MethodHandles$Lookup";
            List<String> allowedBy = context.policy().deniedBy(owner, name, desc, false);
            if (allowedBy != null) {
                Violation v = new Violation(caller.getName(), "(run time)", -1, Members.describe(owner, name, desc, false),
                        allowedBy);
                throw new io.vaas.api.PolicyDenial("app '" + context.app() + "': " + caller.getName() + " uses " + v.api()
                        + ", which the app's permissions do not allow; " + v.remedy());
            }
        }
        return context;
    }
}
