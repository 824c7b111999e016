package io.vaas;

import io.vaas.config.ConfigOverrides;
import io.vaas.files.AppFiles;
import io.vaas.load.AppSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to deploy: where the app's code is, and what the host sets on top of its {@code vaas.json}. Immutable; each
 * method returns a changed copy.
 *
 * <pre>{@code
 * vaas.deploy(AppSpec.of("orders", Path.of("orders.jar")).env("DB", "jdbc:…").permit("net:connect"));
 * vaas.deploy(AppSpec.inMemory("gen", Map.of("vaas.json", json, "gen/App.class", bytes)));
 * }</pre>
 */
public final class AppSpec {

    private final AppSource source;
    private final String name;
    private final String configJson;
    private final Map<String, String> env;
    private final Map<String, String> properties;
    private final List<String> permissions;
    private final Map<Class<?>, Object> services;
    private final AppFiles files;
    private final Map<java.lang.reflect.Method, java.lang.reflect.Method> substitutions;

    private AppSpec(AppSource source, String name, String configJson, Map<String, String> env,
                    Map<String, String> properties, List<String> permissions, Map<Class<?>, Object> services,
                    AppFiles files, Map<java.lang.reflect.Method, java.lang.reflect.Method> substitutions) {
        this.files = files;
        this.substitutions = substitutions;
        this.source = source;
        this.name = name;
        this.configJson = configJson;
        this.env = env;
        this.properties = properties;
        this.permissions = permissions;
        this.services = services;
    }

    /** The app at {@code path} (a folder or a jar), named by its {@code vaas.json}. */
    public static AppSpec of(Path path) {
        return of(AppSource.of(path));
    }

    /** The app at {@code path} (a folder or a jar) under {@code name}, whatever its {@code vaas.json} says. */
    public static AppSpec of(String name, Path path) {
        return of(AppSource.of(path)).named(name);
    }

    /** The app whose code comes from {@code source}. */
    public static AppSpec of(AppSource source) {
        return new AppSpec(Objects.requireNonNull(source, "source"), null, null, Map.of(), Map.of(), List.of(), Map.of(), null, Map.of());
    }

    /**
     * An app whose code the host holds in memory: resource names ({@code com/example/Hello.class},
     * {@code vaas.json}, {@code lib/x.jar}) to bytes. Without a {@code vaas.json} the defaults apply.
     */
    public static AppSpec inMemory(String name, Map<String, byte[]> entries) {
        return of(AppSource.memory("memory:" + name, entries)).named(name);
    }

    /** Deploys under {@code newName} instead of the name in {@code vaas.json}. */
    public AppSpec named(String newName) {
        return new AppSpec(source, Objects.requireNonNull(newName, "name"), configJson, env, properties, permissions,
                services, files, substitutions);
    }

    /** Grants the app environment variable {@code key}. */
    public AppSpec env(String key, String value) {
        return env(Map.of(key, value));
    }

    /** Grants the app these environment variables. */
    public AppSpec env(Map<String, String> more) {
        Map<String, String> copy = new LinkedHashMap<>(env);
        copy.putAll(more);
        return new AppSpec(source, name, configJson, Map.copyOf(copy), properties, permissions, services, files, substitutions);
    }

    /** Sets system property {@code key} as the app sees it. */
    public AppSpec property(String key, String value) {
        return properties(Map.of(key, value));
    }

    /** Sets these system properties as the app sees them. */
    public AppSpec properties(Map<String, String> more) {
        Map<String, String> copy = new LinkedHashMap<>(properties);
        copy.putAll(more);
        return new AppSpec(source, name, configJson, env, Map.copyOf(copy), permissions, services, files, substitutions);
    }

    /** Grants permission groups such as {@code "files:read"} on top of those the app asks for. */
    public AppSpec permit(String... more) {
        List<String> copy = new ArrayList<>(permissions);
        copy.addAll(Arrays.asList(more));
        return new AppSpec(source, name, configJson, env, properties, List.copyOf(copy), services, files, substitutions);
    }

    /**
     * Merges a JSON object over the app's {@code vaas.json}: maps ({@code env}, {@code properties}, {@code limits})
     * key by key, other values replaced. Checked like {@code vaas.json} itself, unknown keys included.
     */
    public AppSpec config(String jsonObject) {
        return new AppSpec(source, name, Objects.requireNonNull(jsonObject, "jsonObject"), env, properties,
                permissions, services, files, substitutions);
    }

    /**
     * Hands this app a service of its own, on top of those the host gives every app; {@code type} must be an
     * interface of a package the host exports ({@code Vaas.Builder.exportPackages}). The app gets it with
     * {@code io.vaas.api.Services.get(type)}.
     */
    public <T> AppSpec service(Class<T> type, T service) {
        Map<Class<?>, Object> copy = new java.util.LinkedHashMap<>(services);
        copy.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(service, "service"));
        return new AppSpec(source, name, configJson, env, properties, permissions, Map.copyOf(copy), files, substitutions);
    }

    /**
     * Gives this app its own file root (instead of the host's default, {@code Vaas.Builder.fileRoots}): with
     * {@code files:read} / {@code files:write} the app's {@code java.io} and {@code java.nio.file} calls reach
     * files there and nowhere else. {@code AppFiles.folder(Path)} takes a folder of the host's or a path on any
     * other file system, such as an in-memory one; it may be read-only and carry a write quota.
     */
    public AppSpec files(AppFiles root) {
        return new AppSpec(source, name, configJson, env, properties, permissions, services,
                Objects.requireNonNull(root, "root"), substitutions);
    }

    /**
     * Substitutes, for this app only, a method of the host's for {@code original}, on top of the host's own
     * substitutions ({@code Vaas.Builder.substitute}, same rules): {@code replacement} must be a public static method
     * of an exported package taking what {@code original} takes (its receiver first, for an instance method) and
     * returning the same type. Checked when the app is deployed.
     */
    public AppSpec substitute(java.lang.reflect.Method original, java.lang.reflect.Method replacement) {
        Map<java.lang.reflect.Method, java.lang.reflect.Method> more = new LinkedHashMap<>(substitutions);
        more.put(Objects.requireNonNull(original, "original"), Objects.requireNonNull(replacement, "replacement"));
        return new AppSpec(source, name, configJson, env, properties, permissions, services, files, more);
    }

    /** The services this app gets besides the host's. */
    public Map<Class<?>, Object> services() {
        return services;
    }

    /** Where the app's code comes from. */
    public AppSource source() {
        return source;
    }

    /** The name the host gives the app, or null to use its {@code vaas.json}'s. */
    public String name() {
        return name;
    }

    /** Everything the host sets on top of the app's {@code vaas.json}. */
    public ConfigOverrides overrides() {
        return new ConfigOverrides(name, configJson, env, properties, permissions, files, substitutions);
    }

    @Override
    public String toString() {
        return (name == null ? "" : name + " from ") + source.location();
    }
}
