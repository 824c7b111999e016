/**
 * Routes: discovery of {@code @VaasServer} methods ({@link io.vaas.route.RouteScanner}), path patterns, the route
 * table, and the per-app JSON codec.
 */
package io.vaas.route;
