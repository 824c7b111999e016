package io.vaas.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vaas.AppConfig;
import io.vaas.AppLoadException;
import io.vaas.Limits;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads {@code vaas.json} (comments allowed) and the host's overrides into an {@link AppConfig}.
 *
 * <p>Every unknown key is reported at once, each with its line and column, so a typo costs one round trip.
 */
public final class AppConfigReader {

    /** The name of the descriptor file at the root of an app folder or jar. */
    public static final String DESCRIPTOR = "vaas.json";

    static final int DEFAULT_WORKERS = 4;
    static final int DEFAULT_QUEUE = 256;
    static final long DEFAULT_TIMEOUT_MS = 30_000;
    private static final Pattern APP_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final Pattern PERMISSION = Pattern.compile("[a-z][a-z0-9-]*(:[a-z][a-z0-9-]*)?(=\\S+)?");

    private static final ObjectReader READER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build()
            .readerFor(RawConfig.class);

    private AppConfigReader() {
    }

    /**
     * Resolves the configuration of one app.
     *
     * @param descriptor         the bytes of its {@code vaas.json}, or null when it has none
     * @param descriptorLocation where those bytes came from, for messages
     * @param overrides          what the host sets on top
     * @throws AppLoadException naming the file, line and column of what is wrong
     */
    public static AppConfig read(byte[] descriptor, String descriptorLocation, ConfigOverrides overrides) {
        return read(descriptor, descriptorLocation, overrides, null);
    }

    /**
     * As {@link #read(byte[], String, ConfigOverrides)}, with the host's provider's JSON for the app merged over its
     * {@code vaas.json} and under the overrides' JSON.
     *
     * @param provider the host's config provider, or null
     */
    public static AppConfig read(byte[] descriptor, String descriptorLocation, ConfigOverrides overrides,
                                 io.vaas.ConfigProvider provider) {
        RawConfig raw = descriptor == null ? RawConfig.EMPTY : parse(descriptor, descriptorLocation);
        String appName = overrides.name() != null ? overrides.name() : raw.name();
        String provided = provider == null || appName == null ? null : provider.configFor(appName);
        if (provided != null) {
            raw = raw.overlay(parse(provided.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "the host's config provider for app '" + appName + "'"));
        }
        if (overrides.json() != null) {
            raw = raw.overlay(parse(overrides.json().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "the host's config overrides"));
        }
        if (overrides.name() != null) {
            raw = raw.withName(overrides.name());
        }
        raw = raw.plus(overrides.env(), overrides.properties(), overrides.permissions());
        if (raw.name() == null) {
            throw new AppLoadException(null, descriptorLocation, descriptor == null
                    ? "there is no " + DESCRIPTOR + "; add one with a \"name\", or name the app in AppSpec.of(name, path)"
                    : "\"name\" is missing; add \"name\": \"<app>\" or name the app in AppSpec.of(name, path)");
        }
        return resolve(raw, descriptor == null ? "AppSpec" : descriptorLocation);
    }

    static RawConfig parse(byte[] json, String location) {
        List<String> unknown = new ArrayList<>();
        try {
            RawConfig raw = READER.withHandler(new UnknownKeyCollector(unknown)).readValue(json);
            if (!unknown.isEmpty()) {
                throw new AppLoadException(null, location, "unknown key" + (unknown.size() > 1 ? "s " : " ")
                        + positioned(json, unknown) + ". Known keys: name, version, entry, env, properties, workers, "
                        + "queue, timeoutMs, idleUnloadMs, permissions, limits (cpuMsPerCall, allocMbPerCall, maxThreads, "
                        + "maxArrayMb, maxWebSockets, maxDirectMb, maxOutputLinesPerSec, maxOutputKbPerSec), hosts, showErrorStack, workerThreads, prewarm");
            }
            if (raw == null) {
                throw new AppLoadException(null, location, "expected a JSON object, found null");
            }
            return raw;
        } catch (MismatchedInputException e) {
            String path = e.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            throw new AppLoadException(null, location, at(e.getLocation())
                    + (path.isEmpty() ? "" : "'" + path + "' has the wrong type: ") + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new AppLoadException(null, location, "malformed JSON " + at(e.getLocation()) + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new AppLoadException(null, location, "cannot read it: " + e.getMessage(), e);
        }
    }

    /**
     * The unknown keys with line and column, in file order. Jackson buffers record properties, so positions are
     * read in a second, streaming pass, paid only when there is something to report.
     */
    private static final List<String> KNOWN_KEYS = List.of("name", "version", "entry", "env", "properties", "workers",
            "queue", "timeoutMs", "idleUnloadMs", "permissions", "limits", "hosts", "showErrorStack", "workerThreads",
            "prewarm");
    private static final List<String> KNOWN_LIMITS = List.of("cpuMsPerCall", "allocMbPerCall", "maxThreads",
            "maxArrayMb", "maxWebSockets", "maxDirectMb", "maxOutputLinesPerSec", "maxOutputKbPerSec");

    private static String positioned(byte[] json, List<String> keys) {
        Map<String, JsonLocation> positions = new java.util.HashMap<>();
        try (JsonParser p = READER.createParser(json)) {
            java.util.ArrayDeque<String> path = new java.util.ArrayDeque<>();
            String pendingField = null;
            for (com.fasterxml.jackson.core.JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                switch (t) {
                    case FIELD_NAME -> {
                        pendingField = p.currentName();
                        String full = path.isEmpty() || path.peekLast().isEmpty() ? pendingField
                                : path.peekLast() + "." + pendingField;
                        positions.putIfAbsent(full, p.currentTokenLocation());
                    }
                    case START_OBJECT -> path.addLast(pendingField == null ? ""
                            : path.isEmpty() || path.peekLast().isEmpty() ? pendingField : path.peekLast() + "." + pendingField);
                    case END_OBJECT -> path.pollLast();
                    case START_ARRAY -> p.skipChildren();
                    default -> { }
                }
                if (t != com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                    pendingField = null;
                }
            }
        } catch (IOException ignored) {
            // Positions are a courtesy; the keys are reported either way.
        }
        return keys.stream()
                .sorted(java.util.Comparator.comparingLong(k -> {
                    JsonLocation l = positions.get(k);
                    return l == null ? Long.MAX_VALUE : l.getCharOffset();
                }))
                .map(k -> {
                    JsonLocation l = positions.get(k);
                    String near = Suggestions.closest(k.substring(k.lastIndexOf('.') + 1),
                            k.contains(".") ? KNOWN_LIMITS : KNOWN_KEYS);
                    return "'" + k + "'" + (l == null ? "" : " (line " + l.getLineNr() + ", column " + l.getColumnNr() + ")")
                            + (near == null ? "" : ", did you mean '" + near + "'?");
                })
                .collect(Collectors.joining(", "));
    }

    private static String at(JsonLocation where) {
        return where == null || where.getLineNr() < 0 ? ""
                : "at line " + where.getLineNr() + ", column " + where.getColumnNr() + ": ";
    }

    static AppConfig resolve(RawConfig raw, String location) {
        String name = raw.name();
        if (!APP_NAME.matcher(name).matches()) {
            throw new AppLoadException(name, location, "\"name\" must be 1-63 lower-case letters, digits, '-' or '_', "
                    + "starting with a letter or digit (it is the first part of \"app.method\" RPC targets); got \""
                    + name + "\"");
        }
        int workers = raw.workers() == null ? DEFAULT_WORKERS : raw.workers();
        requireRange(name, location, "workers", workers, 1, 1024);
        int queue = raw.queue() == null ? DEFAULT_QUEUE : raw.queue();
        requireRange(name, location, "queue", queue, 0, 100_000);
        long timeoutMs = raw.timeoutMs() == null ? DEFAULT_TIMEOUT_MS : raw.timeoutMs();
        requireRange(name, location, "timeoutMs", timeoutMs, 1, 24L * 3600 * 1000);
        long idle = raw.idleUnloadMs() == null ? 0 : raw.idleUnloadMs();
        requireRange(name, location, "idleUnloadMs", idle, 0, Long.MAX_VALUE);
        Limits limits = raw.limits() == null ? Limits.HOST_DEFAULTS : raw.limits();
        requirePositive(name, location, "limits.cpuMsPerCall", limits.cpuMsPerCall());
        requirePositive(name, location, "limits.allocMbPerCall", limits.allocMbPerCall());
        requirePositive(name, location, "limits.maxThreads", limits.maxThreads() == null ? null : limits.maxThreads().longValue());
        requirePositive(name, location, "limits.maxWebSockets",
                limits.maxWebSockets() == null ? null : limits.maxWebSockets().longValue());
        requirePositive(name, location, "limits.maxArrayMb", limits.maxArrayMb());
        requirePositive(name, location, "limits.maxDirectMb", limits.maxDirectMb());
        requirePositive(name, location, "limits.maxOutputLinesPerSec",
                limits.maxOutputLinesPerSec() == null ? null : limits.maxOutputLinesPerSec().longValue());
        requirePositive(name, location, "limits.maxOutputKbPerSec", limits.maxOutputKbPerSec());
        List<String> permissions = raw.permissions() == null ? List.of() : raw.permissions();
        for (String p : permissions) {
            if (p == null || !PERMISSION.matcher(p).matches()) {
                throw new AppLoadException(name, location, "permission \"" + p + "\" is not a permission name "
                        + "(such as \"files:read\", \"net:connect\" or \"net:connect=api.example.com:443\")");
            }
            if (p.indexOf('=') >= 0) {
                if (!p.startsWith("net:connect=")) {
                    throw new AppLoadException(name, location, "permission \"" + p + "\": only net:connect takes a "
                            + "list (net:connect=host:port,…)");
                }
                try {
                    io.vaas.policy.NetAllowlist.of(List.of(p));
                } catch (IllegalArgumentException e) {
                    throw new AppLoadException(name, location, "permission \"" + p + "\": " + e.getMessage());
                }
            }
        }
        AppConfig.WorkerThreads threads = AppConfig.WorkerThreads.AUTO;
        if (raw.workerThreads() != null) {
            try {
                threads = AppConfig.WorkerThreads.valueOf(raw.workerThreads().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new AppLoadException(name, location, "\"workerThreads\" is \"" + raw.workerThreads()
                        + "\"; it is one of \"auto\" (worker threads for virtual-thread callers of an app with "
                        + "limits.cpuMsPerCall), \"always\" or \"never\" (calls run on the caller's thread)");
            }
        }
        int prewarm = raw.prewarm() == null ? 0 : raw.prewarm();
        requireRange(name, location, "prewarm", prewarm, 0, workers);
        if (prewarm > 0 && threads == AppConfig.WorkerThreads.NEVER) {
            throw new AppLoadException(name, location, "\"prewarm\": " + prewarm + " starts worker threads, but "
                    + "\"workerThreads\" is \"never\"; set \"workerThreads\" to \"always\" or drop \"prewarm\"");
        }
        List<String> entry = raw.entry() == null ? List.of() : raw.entry();
        for (String e : entry) {
            if (e == null || e.isBlank()) {
                throw new AppLoadException(name, location, "\"entry\" holds an empty class name");
            }
        }
        return new AppConfig(name, raw.version() == null ? "0.0.0" : raw.version(), entry,
                noNullValues(name, location, "env", raw.env()), noNullValues(name, location, "properties", raw.properties()),
                workers, queue, timeoutMs, idle, permissions, limits, raw.hosts() == null ? List.of() : raw.hosts(),
                raw.showErrorStack() != null && raw.showErrorStack(), threads, prewarm);
    }

    private static Map<String, String> noNullValues(String app, String location, String key, Map<String, String> map) {
        if (map == null) {
            return Map.of();
        }
        map.forEach((k, v) -> {
            if (v == null) {
                throw new AppLoadException(app, location, "\"" + key + "\"." + k + " is null; give it a string value");
            }
        });
        return map;
    }

    private static void requireRange(String app, String location, String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new AppLoadException(app, location, "\"" + key + "\" must be between " + min + " and " + max
                    + ", got " + value);
        }
    }

    private static void requirePositive(String app, String location, String key, Long value) {
        if (value != null && value <= 0) {
            throw new AppLoadException(app, location, "\"" + key + "\" must be positive, got " + value);
        }
    }

    /** Records every unknown key with its position instead of failing at the first. */
    private static final class UnknownKeyCollector extends DeserializationProblemHandler {
        private final List<String> unknown;

        UnknownKeyCollector(List<String> unknown) {
            this.unknown = unknown;
        }

        @Override
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
                                             Object beanOrClass, String propertyName) throws IOException {
            Class<?> owner = beanOrClass instanceof Class<?> c ? c : beanOrClass.getClass();
            unknown.add((owner == Limits.class ? "limits." : "") + propertyName);
            p.skipChildren();
            return true;
        }
    }
}
