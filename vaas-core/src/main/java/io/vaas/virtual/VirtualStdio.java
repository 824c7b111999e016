package io.vaas.virtual;

import java.io.Console;
import java.io.InputStream;
import java.io.PrintStream;

/**
 * Where rewritten app code lands for {@code System.out}, {@code System.err}, {@code System.in} and their setters:
 * the app's own streams. There is no console.
 *
 * <p>Every method takes the calling class last; it names the app. Not for direct use.
 */
public final class VirtualStdio {

    private VirtualStdio() {
    }

    public static PrintStream out(Class<?> caller) {
        return AppContext.of(caller).stdio().out();
    }

    public static PrintStream err(Class<?> caller) {
        return AppContext.of(caller).stdio().err();
    }

    public static InputStream in(Class<?> caller) {
        return AppContext.of(caller).stdio().in();
    }

    public static void setOut(PrintStream out, Class<?> caller) {
        AppContext.of(caller).stdio().out(out);
    }

    public static void setErr(PrintStream err, Class<?> caller) {
        AppContext.of(caller).stdio().err(err);
    }

    public static void setIn(InputStream in, Class<?> caller) {
        AppContext.of(caller).stdio().in(in);
    }

    public static Console console(Class<?> caller) {
        AppContext.of(caller);
        return null;
    }

    /** {@code Thread.dumpStack()}: the calling thread's stack, to the app's standard error. */
    public static void dumpStack(Class<?> caller) {
        VirtualStackTraces.printStackTrace(new Exception("Stack trace"), err(caller), caller);
    }
}
