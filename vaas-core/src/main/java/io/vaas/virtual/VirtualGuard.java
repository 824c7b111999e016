package io.vaas.virtual;

import io.vaas.guard.KillSwitch;
import io.vaas.guard.RunningCall;

import java.lang.invoke.CallSite;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * What the guards in rewritten code call: the bootstrap that binds every {@code invokedynamic} guard of an app's
 * class to the app's {@link KillSwitch}, the guard of class files too old for {@code invokedynamic}, and the size
 * check before array allocations whose size is not a small constant.
 *
 * <p>Takes the calling class last, like every entry point here. Not for direct use.
 */
public final class VirtualGuard {

    /** Arrays up to this many elements are never checked: the check's fast path is one comparison. */
    private static final int SMALL = 1 << 16;

    private VirtualGuard() {
    }

    /** Bootstrap of the {@code vaas$guard ()V} call sites: the app's kill switch. */
    public static CallSite bootstrap(MethodHandles.Lookup lookup, String name, MethodType type) {
        return AppContext.of(lookup.lookupClass()).killSwitch().site();
    }

    /** Bootstrap of the {@code vaas$handlerGuard ()V} call sites, at exception-handler entries. */
    public static CallSite handlerBootstrap(MethodHandles.Lookup lookup, String name, MethodType type) {
        return AppContext.of(lookup.lookupClass()).killSwitch().handlerSite();
    }

    /** The handler guard of classes older than Java 7. */
    public static void pollHandler(Class<?> caller) {
        KillSwitch s = AppContext.of(caller).killSwitch();
        if (s.tripped()) {
            s.checkHandler();
        }
    }

    /** The guard of classes older than Java 7: a plain check of the app's switch. */
    public static void poll(Class<?> caller) {
        KillSwitch s = AppContext.of(caller).killSwitch();
        if (s.tripped()) {
            s.check();
        }
    }

    /** Before {@code new T[length]}; {@code shift} is log2 of an element's size in bytes. */
    public static void newArray(int length, int shift, Class<?> caller) {
        if (length > SMALL) {
            checkArray((long) length << shift, length, caller);
        }
    }

    /** Before {@code new T[d1][d2]…}: the two innermost dimensions, whose product the allocation holds at least. */
    public static void newArray2(int d1, int d2, int shift, Class<?> caller) {
        if (d1 > SMALL || d2 > SMALL || (long) d1 * d2 > SMALL) {
            checkArray(((long) Math.max(d1, 0) * Math.max(d2, 0)) << shift, (long) d1 * d2, caller);
        }
    }

    private static void checkArray(long bytes, long elements, Class<?> caller) {
        AppContext context = AppContext.of(caller);
        long limit = context.maxArrayBytes();
        if (limit > 0 && bytes > limit) {
            RunningCall call = RunningCall.current();
            throw new OutOfMemoryError("app '" + context.app() + "'"
                    + (call != null && call.killSwitch() == context.killSwitch() ? " route '" + call.route() + "'" : "")
                    + ": an array of " + elements + " elements (" + bytes / (1024 * 1024) + " MiB) is over its "
                    + "limits.maxArrayMb of " + limit / (1024 * 1024) + " MiB");
        }
    }
}
