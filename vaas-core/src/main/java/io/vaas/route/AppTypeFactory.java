package io.vaas.route;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.databind.type.TypeParser;
import com.fasterxml.jackson.databind.util.LookupCache;
import io.vaas.load.HostExports;

/**
 * Jackson's type factory for one app: class names in the app's values (a {@code Class} value, a type id of
 * {@code @JsonTypeInfo(use = CLASS)}, a canonical type name) resolve through the app's loader only. Jackson's own
 * factory falls back to the loader of Jackson itself, which is the host's: {@code "io.vaas.Vaas"} would resolve.
 */
final class AppTypeFactory extends TypeFactory {

    private final String app;

    AppTypeFactory(String app, ClassLoader appLoader, LookupCache<Object, JavaType> cache) {
        super(cache, new TypeParser(TypeFactory.defaultInstance()), null, appLoader);
        this.app = app;
    }

    @Override
    protected Class<?> classForName(String name) throws ClassNotFoundException {
        // Reached only after the app's loader did not find the class: nothing else may.
        throw new ClassNotFoundException(name + " (not a class app '" + app + "' can see: its own classes and "
                + "libraries, the JDK's and io.vaas.api)");
    }

    @Override
    protected Class<?> classForName(String name, boolean initialize, ClassLoader loader) throws ClassNotFoundException {
        Class<?> c;
        try {
            c = super.classForName(name, initialize, loader);
        } catch (ClassNotFoundException e) {
            c = null;
        }
        Class<?> component = c;
        while (component != null && component.isArray()) {
            component = component.getComponentType();
        }
        // The runtime support is exported for rewritten code only: guest code may not name it, nor may its values.
        if (c == null || component.getPackageName().equals(HostExports.RUNTIME_PACKAGE)) {
            throw new ClassNotFoundException(name + " (not a class app '" + app + "' can see: its own classes and "
                    + "libraries, the JDK's and io.vaas.api)");
        }
        return c;
    }
}
