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
        return new VaasCallException(app, route, 500, "internal_error",
                "app '" + app + "' route '" + route + "' failed: " + copy, copy);
    }

    /** A failure of the call itself, before or after guest code ran. */
    public static VaasCallException of(String app, String route, int status, String code, String message) {
        return new VaasCallException(app, route, status, code, message, null);
    }

    /** The error response for a failed call: its status and a JSON body with code, message, app and route. */
    public static HttpResponse toResponse(VaasCallException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.code());
        body.put("message", e.getMessage());
        body.put("app", e.app());
        if (e.route() != null) {
            body.put("route", e.route());
        }
        body.put("status", e.status());
        try {
            return HttpResponse.of(e.status(), HttpResponse.JSON, JSON.writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException impossible) {
            return HttpResponse.text(e.status(), e.getMessage());
        }
    }
}
