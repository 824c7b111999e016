/**
 * Reading {@code vaas.json} and the host's overrides into an {@link io.vaas.AppConfig}.
 */
package io.vaas.config;
