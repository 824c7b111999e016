/**
 * The host API: {@link io.vaas.Vaas} (build it, deploy apps, call them), {@link io.vaas.AppSpec} (what to deploy),
 * {@link io.vaas.AppHandle} (a deployed app by name), {@link io.vaas.AppConfig} and the errors a host sees.
 */
package io.vaas;
