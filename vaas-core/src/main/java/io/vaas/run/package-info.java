/**
 * Running apps: a loaded {@link io.vaas.run.AppInstance} with its calls in flight, and how failures reach callers.
 */
package io.vaas.run;
