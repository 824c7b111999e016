package io.vaas.route;

import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.Map;

/**
 * Binds a JSON-like map straight to a record through its canonical constructor, for the common case where that is
 * exactly what Jackson would do: every component present, each value already of the component's type (a boxed
 * primitive for a primitive), no other keys, no annotations anywhere on the record. Anything else is left to
 * Jackson ({@link #bind} returns {@link #DECLINED}), so results and errors stay Jackson's.
 *
 * <p>It exists for cold starts: Jackson's first look at a type of a freshly loaded app costs more than loading the
 * app's classes.
 */
final class RecordBinder {

    /** Returned by {@link #bind} when the value is not one this binder handles. */
    static final Object DECLINED = new Object();

    private final String[] names;
    private final Class<?>[] boxedTypes;
    private final Constructor<?> constructor;

    private RecordBinder(String[] names, Class<?>[] boxedTypes, Constructor<?> constructor) {
        this.names = names;
        this.boxedTypes = boxedTypes;
        this.constructor = constructor;
    }

    /** A binder for {@code type}, or null when it is not a plain public record of plain components. */
    static RecordBinder forType(Class<?> type) {
        if (!type.isRecord() || !Modifier.isPublic(type.getModifiers())
                || type.getAnnotations().length > 0) {
            return null;
        }
        RecordComponent[] components = type.getRecordComponents();
        String[] names = new String[components.length];
        Class<?>[] raw = new Class<?>[components.length];
        Class<?>[] boxed = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            if (c.getAnnotations().length > 0 || c.getAccessor().getAnnotations().length > 0) {
                return null;
            }
            Class<?> t = c.getType();
            Class<?> b = Primitives.wrap(t);
            if (!JsonCodec.isPlainType(b)) {
                return null;
            }
            names[i] = c.getName();
            raw[i] = t;
            boxed[i] = b;
        }
        try {
            Constructor<?> ctor = type.getDeclaredConstructor(raw);
            if (!Modifier.isPublic(ctor.getModifiers())) {
                return null;
            }
            for (var params : ctor.getParameterAnnotations()) {
                if (params.length > 0) {
                    return null;
                }
            }
            return new RecordBinder(names, boxed, ctor);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /** The record built from {@code value}, or {@link #DECLINED}. Exceptions of the constructor propagate. */
    Object bind(Object value) throws ReflectiveOperationException {
        if (!(value instanceof Map<?, ?> map) || map.size() != names.length) {
            return DECLINED;
        }
        Object[] args = new Object[names.length];
        for (int i = 0; i < names.length; i++) {
            Object v = map.get(names[i]);
            if (v == null || v.getClass() != boxedTypes[i]) {
                return DECLINED;
            }
            args[i] = v;
        }
        return constructor.newInstance(args);
    }
}
