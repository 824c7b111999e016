/**
 * The runtime support of rewritten app code: each app's own copy of the JDK's global state ({@link
 * io.vaas.virtual.AppContext}) and the static methods rewritten call sites land on ({@code Virtual*}). Guest code
 * cannot name this package: the rewriter refuses classes that do.
 */
package io.vaas.virtual;
