package io.vaas.rewrite;

import java.util.List;

/**
 * What the rewriter does with one JDK member when guest code reaches it: by a call, a field read, a constructor, a
 * method reference or a method handle constant.
 *
 * @param owner  the member's class, internal name ({@code java/lang/System})
 * @param name   the member's name ({@code <init>} for constructors)
 * @param desc   its descriptor
 * @param kind   method, static field read, or constructor
 * @param action the replacement
 */
public record Rule(String owner, String name, String desc, Kind kind, Action action) {

    /** What kind of member a rule matches. */
    public enum Kind {
        /** A static or instance method. */
        METHOD,
        /** A static field, read. */
        STATIC_FIELD,
        /** A constructor. */
        CONSTRUCTOR
    }

    /** The replacement of a matched member. */
    public sealed interface Action {
    }

    /**
     * Call a static method of the runtime-support package instead: same arguments (the receiver first for an
     * instance method), plus the calling class last, from which the target finds its app.
     */
    public record Redirect(String targetOwner, String targetName, String targetDesc) implements Action {
    }

    /**
     * Keep the member but call the overload with more arguments, pushed by {@code pushes} just before the call: the
     * app's executor or thread factory where the JDK would use a JVM-wide default.
     */
    public record Extend(String newDesc, List<Push> pushes) implements Action {
    }

    /**
     * Keep the call, but first hand its receiver (an instance method with no arguments) to a static method of the
     * runtime-support package, with the calling class: how threads started by guest code become the app's.
     */
    public record Observe(String targetOwner, String targetName) implements Action {
    }

    /**
     * {@code Method.invoke}: the call goes to a synthetic bridge in the calling class, which asks
     * {@code targetOwner.targetName(method, receiver, args, caller)} for a plan (the method, receiver and arguments
     * to use: the member's virtual version when it is redirected, else the call as given) and performs the
     * {@code Method.invoke} itself, so that caller-sensitive methods invoked reflectively still see the app's class
     * as their caller.
     */
    public record ReflectiveInvoke(String targetOwner, String targetName) implements Action {
    }

    /**
     * A reflective operation performed by the guest on a member object ({@code Constructor.newInstance},
     * {@code Field.set}, {@code setAccessible}, …): the call goes to a synthetic bridge in the calling class that first
     * hands the member object to {@code targetOwner.targetName(member, caller)}, which throws if the app may not use
     * that member, then performs the call itself, so the JDK's own access checks still see the app's class as caller.
     */
    public record Checked(String targetOwner, String targetName) implements Action {
    }

    /**
     * {@code defineClass} in an app's own class loader (any owner, since javac names the app's subclass): the call
     * goes to a synthetic bridge that passes the bytes through {@code targetOwner.rewrite(loader, name, bytes…,
     * caller)} first, so classes the app defines get the same rewriting and policy as its own.
     */
    public record DefineBridge(String targetOwner) implements Action {
    }

    /**
     * The host's own replacement of a member: a public static method of an exported host package taking what the
     * member takes (the receiver first for an instance method) and returning what it returns. Called as it is, with
     * no caller class: it is the host's code, serving every app.
     */
    public record Substitute(String targetOwner, String targetName, String targetDesc) implements Action {
    }

    /**
     * A constructor replaced by a static factory of the runtime-support package taking what the constructor takes,
     * plus the calling class, and returning the new object (of the constructor's class or a subclass): how
     * {@code new FileInputStream(name)} comes to read from the app's own file root. Only {@code new X(…)} is replaced;
     * a guest subclass calling that constructor as {@code super(…)} cannot be, and is denied.
     */
    public record Factory(String targetOwner, String targetName, String targetDesc) implements Action {
    }

    /** One instruction of an {@link Extend}. */
    public sealed interface Push {
    }

    /** Push the result of {@code targetOwner.targetName(Class caller)}. */
    public record PushHelper(String targetOwner, String targetName, String targetDesc) implements Push {
    }

    /** Swap the two values on top of the stack (both one slot). */
    public record Swap() implements Push {
    }

    /** Push {@code null}. */
    public record PushNull() implements Push {
    }

    /** Push the int {@code 0} ({@code false}). */
    public record PushZero() implements Push {
    }
}
