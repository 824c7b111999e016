package io.vaas.route;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.databind.util.LRUMap;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Converts between the host's JSON-like values (maps, lists, strings, numbers, booleans, null) or JSON bytes and an
 * app's own types.
 *
 * <p>Each app has its own codec with its own Jackson mapper and type cache, created on first need: Jackson caches
 * serializers and types per {@code Class}, and a shared mapper would keep every app's classes (and loaders) alive
 * after unload. Plain values cross without Jackson at all.
 */
public final class JsonCodec {

    private static final Set<Class<?>> PLAIN = Set.of(String.class, Boolean.class, Integer.class, Long.class,
            Double.class, Float.class, Short.class, Byte.class, BigDecimal.class, BigInteger.class);

    private final AppWorld world;
    private volatile ObjectMapper mapper;
    private final Map<Class<?>, Optional<RecordBinder>> records = new ConcurrentHashMap<>();

    /** @param world the app whose types this codec binds: its name, loader and file system */
    public JsonCodec(AppWorld world) {
        this.world = world;
    }

    /** Whether values of {@code type} are plain JSON leaves. */
    static boolean isPlainType(Class<?> type) {
        return PLAIN.contains(type);
    }

    /** Whether {@code value} is a plain JSON leaf that needs no conversion. */
    public static boolean isPlain(Object value) {
        return value == null || PLAIN.contains(value.getClass());
    }

    /**
     * Converts a JSON-like value to {@code type}.
     *
     * @throws IllegalArgumentException naming the field that does not bind
     */
    public Object convert(Object value, Type type) {
        if (value != null && type instanceof Class<?> c && PLAIN.contains(value.getClass())
                && (c == value.getClass() || c == Object.class || Primitives.wrap(c) == value.getClass())) {
            return value;
        }
        if (value instanceof Map<?, ?> && type instanceof Class<?> c && c.isRecord()) {
            RecordBinder binder = records.computeIfAbsent(c, k -> Optional.ofNullable(RecordBinder.forType(k)))
                    .orElse(null);
            if (binder != null) {
                try {
                    Object bound = binder.bind(value);
                    if (bound != RecordBinder.DECLINED) {
                        return bound;
                    }
                } catch (ReflectiveOperationException e) {
                    // The record's constructor refused the values (validation): Jackson reports it with the field.
                }
            }
        }
        ObjectMapper m = mapper();
        try {
            return m.convertValue(value, m.constructType(type));
        } catch (IllegalArgumentException e) {
            if (e.getCause() instanceof JsonMappingException jme) {
                throw new IllegalArgumentException(describe(jme), e);
            }
            throw e;
        }
    }

    /**
     * Reads JSON bytes as {@code type}.
     *
     * @throws IOException (a {@link JsonMappingException} when it does not bind; see {@link #describe})
     */
    public Object read(byte[] json, Type type) throws IOException {
        ObjectMapper m = mapper();
        return m.readValue(json, m.constructType(type));
    }

    /** An app value as a fresh tree of plain JSON-like values, sharing nothing with the app. */
    public Object toPlain(Object value) {
        if (isPlain(value)) {
            return value;
        }
        ObjectMapper m = mapper();
        try (TokenBuffer buffer = new TokenBuffer(m, false)) {
            m.writeValue(buffer, value);
            try (JsonParser p = buffer.asParser()) {
                return m.readValue(p, Object.class);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot convert " + value.getClass().getName() + " to JSON: "
                    + e.getMessage(), e);
        }
    }

    /** An app value as JSON bytes. */
    public byte[] toJson(Object value) {
        try {
            return mapper().writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + (value == null ? "null" : value.getClass().getName())
                    + " as JSON: " + e.getMessage(), e);
        }
    }

    /**
     * A message for malformed JSON: what the parser met and where ({@code at line 1, column 9}), without Jackson's
     * source description, which tells a client nothing.
     */
    public static String describeSyntax(java.io.IOException e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException p) {
            var at = p.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            return p.getOriginalMessage() + where;
        }
        return e.getMessage();
    }

    /** A message for a binding failure that names the field: {@code field 'items[2].qty': …}. */
    public static String describe(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining());
        if (path.startsWith(".")) {
            path = path.substring(1);
        }
        return (path.isEmpty() ? "" : "field '" + path + "': ") + e.getOriginalMessage();
    }

    private ObjectMapper mapper() {
        ObjectMapper m = mapper;
        if (m == null) {
            synchronized (this) {
                m = mapper;
                if (m == null) {
                    // The app's loader only, never Jackson's own (the host's), and a cache of the app's own.
                    TypeFactory types = new AppTypeFactory(world.app(), world.loader(), new LRUMap<>(16, 512));
                    m = JsonMapper.builder()
                            .typeFactory(types)
                            .addModule(new JavaTimeModule())
                            .addModule(new AppBoundary(world))
                            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                            .build();
                    if (!(m.getTypeFactory() instanceof AppTypeFactory)) {
                        throw new IllegalStateException("a module replaced the app's type factory");
                    }
                    mapper = m;
                }
            }
        }
        return m;
    }
}
