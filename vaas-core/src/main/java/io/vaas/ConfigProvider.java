package io.vaas;

/**
 * The host's source of configuration for its apps (a file per app, a key-value store, …): a JSON object merged over
 * each app's {@code vaas.json} when it loads (and reloads: an idle or exited app picks up what the provider says
 * then), under what {@link AppSpec#config(String)} sets. Checked as {@code vaas.json} is, unknown keys included.
 *
 * <pre>{@code
 * Vaas.builder().configProvider(app -> app.equals("orders") ? "{\"timeoutMs\": 2000}" : null)
 * }</pre>
 */
@FunctionalInterface
public interface ConfigProvider {

    /**
     * The JSON object to merge over app {@code app}'s {@code vaas.json}, or null for nothing.
     *
     * @param app the app's name (from its {@code vaas.json}, or the one the host gave it)
     */
    String configFor(String app);
}
