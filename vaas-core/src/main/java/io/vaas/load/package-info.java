/**
 * Loading apps in isolation: where code comes from ({@link io.vaas.load.AppSource}), its archives, and the
 * {@link io.vaas.load.AppClassLoader} that gives each app instance its own classes while showing it only the JDK and
 * the packages the host exports ({@link io.vaas.load.HostExports}).
 */
package io.vaas.load;
