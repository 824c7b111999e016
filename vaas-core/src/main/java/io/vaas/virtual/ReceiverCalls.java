package io.vaas.virtual;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Calls a method on an object that turned out not to be what a rule matching by name (any owner) is about: an app
 * class of its own with a method named {@code getStackTrace()} or {@code getContextClassLoader()}. The call is
 * made as the app's code would have made it, on the object's own class (app classes are open to the container).
 */
final class ReceiverCalls {

    private ReceiverCalls() {
    }

    static Object call(Object receiver, String name, MethodType type, Object... args) throws Throwable {
        java.util.Objects.requireNonNull(receiver);
        Class<?> c = receiver.getClass();
        MethodHandle m;
        try {
            m = MethodHandles.privateLookupIn(c, MethodHandles.lookup()).findVirtual(c, name, type);
        } catch (IllegalAccessException closed) {
            // A JDK class (ThreadInfo.getStackTrace()): its public methods, as the app reaches them.
            m = MethodHandles.publicLookup().findVirtual(c, name, type);
        }
        Object[] all = new Object[args.length + 1];
        all[0] = receiver;
        System.arraycopy(args, 0, all, 1, args.length);
        return m.invokeWithArguments(all);
    }
}
