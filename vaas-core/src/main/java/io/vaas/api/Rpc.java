package io.vaas.api;

import io.vaas.virtual.VirtualRpc;

/**
 * Calls the RPC route of another app of the same host: {@code Rpc.call("orders.total", request)}. The call goes
 * through the host, as any call does: the other app runs in its own loader and context, the argument travels as
 * JSON-like values (maps, lists, strings, numbers, booleans, null), the result comes back as such values or as
 * {@code type}. It inherits what is left of the calling route's deadline; chains are limited to 8 calls deep, and a
 * call back into an app already in the chain is refused. Needs the {@code rpc} permission.
 *
 * <pre>{@code
 * Total total = Rpc.call("orders.total", new TotalRequest(cart), Total.class);
 * }</pre>
 *
 * @see VaasException what a failed call throws: the other app's status, code and message
 */
public final class Rpc {

    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private Rpc() {
    }

    /**
     * Calls {@code target} ({@code "app.route"}) with {@code argument}.
     *
     * @return the result as JSON-like values
     * @throws VaasException with the status, code and message of the failure: no such app or route (404), a call
     *                       cycle or a chain too deep (508), the other app's own error, its deadline
     */
    public static Object call(String target, Object argument) {
        return VirtualRpc.call(target, argument, null, WALKER.getCallerClass());
    }

    /** Calls {@code target} with {@code argument} and converts the result to {@code type}, one of the app's types. */
    public static <T> T call(String target, Object argument, Class<T> type) {
        return type.cast(VirtualRpc.call(target, argument, type, WALKER.getCallerClass()));
    }
}
