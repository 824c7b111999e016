/**
 * The one-pass bytecode rewriter: the {@link io.vaas.rewrite.Rules} that say which JDK members guest code reaches
 * through the container's runtime support instead ({@code io.vaas.virtual}), the pass itself, and its cache.
 */
package io.vaas.rewrite;
