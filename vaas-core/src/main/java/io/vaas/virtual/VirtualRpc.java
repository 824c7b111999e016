package io.vaas.virtual;

import io.vaas.api.VaasException;

/**
 * The runtime side of {@link io.vaas.api.Rpc}: finds which app is calling from the container's record
 * ({@link RpcCaller}), checks that app's permission, then hands the call to the host's {@link AppCalls}, and turns
 * the host's failure into the guest API's {@link VaasException}.
 */
public final class VirtualRpc {

    private VirtualRpc() {
    }

    /** What the host provides to route one app's call to another. */
    public interface AppCalls {
        /**
         * Calls {@code target} for app {@code caller}.
         *
         * @param resultType the caller's type to convert the result to, or null for JSON-like values
         * @throws VaasException the failure, as the guest API says it
         */
        Object call(String caller, String target, Object argument, Class<?> resultType);
    }

    /**
     * Calls {@code target} for the app the container's record says is calling ({@link RpcCaller}), with that app's
     * permission.
     */
    public static Object call(String target, Object argument, Class<?> resultType, Class<?> caller) {
        AppContext context = RpcCaller.of(AppContext.of(caller), target);
        context.requirePermission("rpc", "io.vaas.api.Rpc.call(\"" + target + "\")");
        AppCalls calls = context.appCalls();
        if (calls == null) {
            throw new VaasException(503, "no_host", "app '" + context.app() + "' cannot call " + target
                    + ": its host routes no calls between apps");
        }
        try {
            return calls.call(context.app(), target, argument, resultType);
        } catch (RuntimeException e) {
            // Made by the container on its way back: the app gets it with its own frames and the JDK's only.
            throw StackFrames.scrub(e, context);
        }
    }
}
