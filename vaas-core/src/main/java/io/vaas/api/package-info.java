/**
 * The guest API: the only host package a guest app can see at run time.
 *
 * <p>A guest app is a set of plain classes whose public methods carry {@link io.vaas.api.VaasServer}. The return
 * value of such a method is the response; a thrown {@link io.vaas.api.VaasException} is an error with its own status
 * and code, any other exception an error with status 500. HTTP routes may take {@link io.vaas.api.HttpParams} (or an
 * {@link io.vaas.api.HttpRequest}) to see the request; RPC routes take one JSON-bound argument.
 *
 * <p>Compile guest apps against {@code vaas-core} with {@code provided} scope: the container supplies these classes,
 * and every other host class (the host's Jackson, SLF4J, the container's own internals) is invisible to the app.
 */
package io.vaas.api;
