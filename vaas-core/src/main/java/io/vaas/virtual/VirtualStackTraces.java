package io.vaas.virtual;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.invoke.MethodType;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Where rewritten app code lands when it reads a stack trace: {@code Throwable.getStackTrace()},
 * {@code printStackTrace()} (to the app's own standard error, not the JVM's), {@code printStackTrace(PrintStream)},
 * {@code printStackTrace(PrintWriter)} and {@code Thread.getStackTrace()} answer only the app's own frames and the
 * JDK's ({@link StackFrames}); the host's frames below the app's code and the container's above it are cut.
 *
 * <p>The throwable itself is left whole (the host's logs and {@code GuestFailure} copies keep the full trace): the
 * app gets copies. The calls match any owner by name and descriptor, since javac names the static type
 * ({@code e.getStackTrace()} on an {@code IOException} names {@code java/io/IOException}); a receiver that is neither
 * a throwable nor a thread is an app object with a method of its own of that name, and gets its own call.
 *
 * <p>Every method takes the calling class last; it names the app. Not for direct use.
 */
public final class VirtualStackTraces {

    private VirtualStackTraces() {
    }

    public static StackTraceElement[] getStackTrace(Throwable t, Class<?> caller) {
        return StackFrames.visibleTo(AppContext.of(caller), t.getStackTrace());
    }

    /**
     * The frames of a trace the app may read: after an app exception's {@code super.getStackTrace()}, which cannot
     * be redirected (the redirect would call the app's own override again).
     */
    public static StackTraceElement[] visible(StackTraceElement[] frames, Class<?> caller) {
        return StackFrames.visibleTo(AppContext.of(caller), frames);
    }

    public static StackTraceElement[] getStackTrace(Thread t, Class<?> caller) {
        return StackFrames.visibleTo(AppContext.of(caller), t.getStackTrace());
    }

    public static StackTraceElement[] getStackTrace(Object receiver, Class<?> caller) throws Throwable {
        return switch (receiver) {
            case Throwable t -> getStackTrace(t, caller);
            case Thread t -> getStackTrace(t, caller);
            default -> (StackTraceElement[]) ReceiverCalls.call(receiver, "getStackTrace",
                    MethodType.methodType(StackTraceElement[].class));
        };
    }

    public static void printStackTrace(Throwable t, Class<?> caller) {
        printStackTrace(t, AppContext.of(caller).stdio().err(), caller);
    }

    public static void printStackTrace(Throwable t, PrintStream s, Class<?> caller) {
        synchronized (s) {
            print(t, AppContext.of(caller), s::println);
        }
    }

    public static void printStackTrace(Throwable t, PrintWriter s, Class<?> caller) {
        synchronized (s) {
            print(t, AppContext.of(caller), s::println);
        }
    }

    public static void printStackTrace(Object receiver, Class<?> caller) throws Throwable {
        if (receiver instanceof Throwable t) {
            printStackTrace(t, caller);
        } else {
            ReceiverCalls.call(receiver, "printStackTrace", MethodType.methodType(void.class));
        }
    }

    public static void printStackTrace(Object receiver, PrintStream s, Class<?> caller) throws Throwable {
        if (receiver instanceof Throwable t) {
            printStackTrace(t, s, caller);
        } else {
            ReceiverCalls.call(receiver, "printStackTrace", MethodType.methodType(void.class, PrintStream.class), s);
        }
    }

    public static void printStackTrace(Object receiver, PrintWriter s, Class<?> caller) throws Throwable {
        if (receiver instanceof Throwable t) {
            printStackTrace(t, s, caller);
        } else {
            ReceiverCalls.call(receiver, "printStackTrace", MethodType.methodType(void.class, PrintWriter.class), s);
        }
    }

    /** Prints as {@link Throwable#printStackTrace(PrintStream)} does, with only the frames the app may read. */
    private static void print(Throwable t, AppContext context, Consumer<String> out) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.add(t);
        out.accept(String.valueOf(t));
        StackTraceElement[] trace = StackFrames.visibleTo(context, t.getStackTrace());
        for (StackTraceElement f : trace) {
            out.accept("\tat " + f);
        }
        for (Throwable s : t.getSuppressed()) {
            printEnclosed(s, context, out, trace, "Suppressed: ", "\t", seen);
        }
        Throwable cause = t.getCause();
        if (cause != null) {
            printEnclosed(cause, context, out, trace, "Caused by: ", "", seen);
        }
    }

    private static void printEnclosed(Throwable t, AppContext context, Consumer<String> out,
                                      StackTraceElement[] enclosing, String caption, String prefix, Set<Throwable> seen) {
        if (!seen.add(t)) {
            out.accept(prefix + caption + "[CIRCULAR REFERENCE: " + t + "]");
            return;
        }
        StackTraceElement[] trace = StackFrames.visibleTo(context, t.getStackTrace());
        int m = trace.length - 1;
        int n = enclosing.length - 1;
        while (m >= 0 && n >= 0 && trace[m].equals(enclosing[n])) {
            m--;
            n--;
        }
        int inCommon = trace.length - 1 - m;
        out.accept(prefix + caption + t);
        for (int i = 0; i <= m; i++) {
            out.accept(prefix + "\tat " + trace[i]);
        }
        if (inCommon != 0) {
            out.accept(prefix + "\t... " + inCommon + " more");
        }
        for (Throwable s : t.getSuppressed()) {
            printEnclosed(s, context, out, trace, "Suppressed: ", prefix + "\t", seen);
        }
        Throwable cause = t.getCause();
        if (cause != null) {
            printEnclosed(cause, context, out, trace, "Caused by: ", prefix, seen);
        }
    }
}
