package io.vaas.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vaas.GuestFailure;
import io.vaas.VaasCallException;
import io.vaas.api.HttpResponse;
import io.vaas.api.VaasException;

import java.lang.reflect.InvocationTargetException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Turns what went wrong in a call into the caller's form: a {@link VaasCallException}, or an error response. */
public final class Failures {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private Failures() {
    }

    /** A failure thrown by guest code in route {@code route} of {@code app}. */
    public static VaasCallException fromGuest(String app, String route, Throwable thrown) {
        Throwable t = thrown instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : thrown;
        GuestFailure copy = GuestFailure.copyOf(t);
        if (t instanceof VaasException ve) {
            return new VaasCallException(app, route, ve.status(), ve.code(),
                    "app '" + app + "' route '" + route + "' failed: " + copy.getMessage(), copy);
        }
        if (t instanceof io.vaas.api.PolicyDenial) {
            // The app's own permissions refused its code: the app's fault, and the fix is in its vaas.json or code.
            return new VaasCallException(app, route, 500, "permission_denied", "app '" + app + "' route '" + route
                    + "' was refused by the app's permissions: " + t.getMessage(), copy);
        }
        return new VaasCallException(app, route, 500, "internal_error",
                "app '" + app + "' route '" + route + "' failed: " + copy, copy);
    }

    /**
     * The app's own code failed while the container bound its argument or converted its result (setters, getters,
     * {@code toString}, a stream it returned): 500 {@code bad_response}, keeping a copy of what it threw as the cause,
     * for every protocol alike (so {@code showErrorStack} shows it for HTTP as for RPC).
     */
    public static VaasCallException badResponse(String app, String route, Throwable thrown) {
        Throwable t = thrown;
        while ((t instanceof InvocationTargetException || t instanceof java.io.UncheckedIOException
                || t.getClass().getName().startsWith("com.fasterxml.jackson.")) && t.getCause() != null) {
            t = t.getCause();
        }
        GuestFailure copy = GuestFailure.copyOf(t);
        return new VaasCallException(app, route, 500, "bad_response", "app '" + app + "' route '" + route + "': "
                + (thrown == t ? copy.getMessage() : thrown.getMessage()), copy);
    }

    /** A failure of the call itself, before or after guest code ran. */
    public static VaasCallException of(String app, String route, int status, String code, String message) {
        return new VaasCallException(app, route, status, code, message, null);
    }

    /** The error response for a failed call: its status and a JSON body with code, message, app and route. */
    public static HttpResponse toResponse(VaasCallException e) {
        return toResponse(e, false);
    }

    /**
     * The error response for a failed call; with {@code withStack} (the app's {@code showErrorStack}), the body also
     * carries the stack of the exception the app threw, and of its causes, as {@code "stack"}.
     */
    public static HttpResponse toResponse(VaasCallException e, boolean withStack) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.code());
        body.put("message", e.getMessage());
        if (e.app() != null) {
            body.put("app", e.app());
        }
        if (e.route() != null) {
            body.put("route", e.route());
        }
        body.put("status", e.status());
        if (withStack && e.getCause() instanceof io.vaas.GuestFailure failure) {
            java.util.List<String> stack = new java.util.ArrayList<>();
            for (Throwable t = failure; t != null && stack.size() < 1000; t = t.getCause()) {
                stack.add((t == failure ? "" : "Caused by: ") + t);
                for (StackTraceElement el : t.getStackTrace()) {
                    // The app's frames and the JDK's it called; the container's and the host's below are not the
                    // app's to show.
                    boolean app = el.getClassLoaderName() != null && el.getClassLoaderName().startsWith("vaas-app:");
                    if (!app && el.getModuleName() == null) {
                        break;
                    }
                    stack.add("    at " + el);
                }
            }
            body.put("stack", stack);
        }
        try {
            return HttpResponse.of(e.status(), HttpResponse.JSON, JSON.writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException impossible) {
            return HttpResponse.text(e.status(), e.getMessage());
        }
    }
}
