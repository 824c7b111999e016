package io.vaas.virtual;

import io.vaas.guard.RunningCall;

/**
 * Which app a call to another app ({@code io.vaas.api.Rpc}) is made by, from the container's own record: the app
 * whose call is running on this thread ({@link RunningCall#current()}), or, on a thread running no call, the app that
 * started the thread ({@link AppThreads}). The class that called {@code Rpc} is what the app controls (its code can
 * run inside another app's call: an overridden method of its {@code Thread} subclass that the other app or the host
 * calls, a callback; or it can get another app's classes to run on its own thread), so it only has to agree with the
 * record: when it does not, the call is refused rather than made in either app's name.
 */
final class RpcCaller {

    private RpcCaller() {
    }

    /**
     * The app making the call, which is the app of {@code code} (the calling class's) when the record agrees.
     *
     * @throws SecurityException naming both apps (or the thread) when the record does not agree
     */
    static AppContext of(AppContext code, String target) {
        RunningCall call = RunningCall.current();
        if (call != null) {
            if (call.killSwitch() != code.killSwitch()) {
                throw new io.vaas.api.PolicyDenial("app '" + code.app() + "' called " + target + " from inside a call of "
                        + (call.app().equals(code.app()) ? "another version of it" : "app '" + call.app() + "'")
                        + " (route '" + call.route() + "'): calls between apps are made by the app whose call runs "
                        + "on the thread, and code of one app running in another's call (a callback, a method of its "
                        + "Thread subclass) may not call in either's name; make the call from the app's own route");
            }
            return code;
        }
        Thread thread = Thread.currentThread();
        if (!code.threads().owns(thread)) {
            throw new io.vaas.api.PolicyDenial("app '" + code.app() + "' called " + target + " on thread '" + thread.getName()
                    + "', which runs no call of the app and was not started by it: calls between apps are made from "
                    + "the app's routes, or from threads and executors the app starts");
        }
        return code;
    }
}
