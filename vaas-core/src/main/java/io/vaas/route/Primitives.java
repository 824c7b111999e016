package io.vaas.route;

import java.util.Map;

/** Primitive types and their wrappers. */
final class Primitives {

    private static final Map<Class<?>, Class<?>> WRAPPERS = Map.of(
            int.class, Integer.class, long.class, Long.class, double.class, Double.class, float.class, Float.class,
            boolean.class, Boolean.class, short.class, Short.class, byte.class, Byte.class, char.class, Character.class,
            void.class, Void.class);

    private Primitives() {
    }

    /** The wrapper of a primitive type; any other type as it is. */
    static Class<?> wrap(Class<?> c) {
        return c.isPrimitive() ? WRAPPERS.get(c) : c;
    }
}
