package io.vaas;

import io.vaas.api.HttpResponse;

/**
 * How the host wants failed HTTP calls to look: every error response the container makes for an app (no such app or
 * route, a body that does not bind, an exception the app threw, a limit reached…) goes through it. The default is a
 * JSON body with {@code error}, {@code message}, {@code app}, {@code route} and {@code status}. Responses an app
 * makes itself (an {@code HttpResponse} it returns) are its own and do not pass here.
 */
@FunctionalInterface
public interface ErrorFormatter {

    /**
     * The response for {@code error}; its {@link VaasCallException#status()}, {@link VaasCallException#code()} and
     * message say what happened, and its cause, when the app threw, is the app's exception as a {@link GuestFailure}.
     */
    HttpResponse format(VaasCallException error);
}
