package io.vaas.run;

import io.vaas.api.VaasException;
import io.vaas.virtual.VirtualRpc;

/**
 * Routes the calls apps make to other apps ({@code io.vaas.api.Rpc}) to the container that loaded them. Made before
 * the container exists (its settings hold it), bound to the container when it is built.
 */
public final class AppRouter implements VirtualRpc.AppCalls {

    private volatile VirtualRpc.AppCalls target;

    /** Binds the router to the container that serves the calls. */
    public void bind(VirtualRpc.AppCalls calls) {
        this.target = calls;
    }

    @Override
    public Object call(String caller, String callTarget, Object argument, Class<?> resultType) {
        VirtualRpc.AppCalls t = target;
        if (t == null) {
            throw new VaasException(503, "no_host", "app '" + caller + "' cannot call " + callTarget
                    + ": the container is not ready");
        }
        return t.call(caller, callTarget, argument, resultType);
    }
}
