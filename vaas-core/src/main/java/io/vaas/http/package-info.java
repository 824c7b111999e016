/**
 * The HTTP gateway (needs Jetty 12 on the class path: an optional dependency of vaas-core): {@link
 * io.vaas.http.VaasHandler} serves a container's apps in any Jetty server, choosing the app by the request's host
 * (each app's {@code "hosts"}) or else by the first path segment ({@code /<app>/…}); {@link io.vaas.http.Gateway}
 * is a ready server around it.
 */
package io.vaas.http;
