package io.vaas.route;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.Version;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.Deserializers;
import com.fasterxml.jackson.databind.deser.KeyDeserializers;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.BeanPropertyWriter;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.Serializers;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.vaas.virtual.StackFrames;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The Jackson module that makes an app's values cross in the app's world, both ways.
 *
 * <p>In: a {@code Class} resolves through the app's loader only ({@link AppTypeFactory}); a {@code Path} or
 * {@code File} is made on the app's own file system (refused when it has no file root); a {@code URL} must have a
 * protocol the app may open ({@code http}, {@code https}, {@code ftp}, {@code file} under its root); any other JDK
 * type that is not a value ({@link BoundaryTypes#mayEnter}) is refused, so Jackson never builds a thread, a class
 * loader, an open stream, a resolved address or a reflection object for the app. Map keys follow the same rules.
 *
 * <p>Out: a {@code Path} or {@code File} is written as the app names it (never a host path); a throwable's stack
 * trace keeps only the app's and the JDK's frames; live JDK objects and host classes the app should not hold
 * ({@link BoundaryTypes#mayLeave}) are refused.
 *
 * <p>Refusals are Jackson mapping errors, so they name the field ({@link JsonCodec#describe}).
 */
final class AppBoundary extends Module {

    private static final Set<String> URL_PROTOCOLS = Set.of("http", "https", "ftp", "file");

    private final AppWorld world;

    AppBoundary(AppWorld world) {
        this.world = world;
    }

    @Override
    public String getModuleName() {
        return "vaas-app-boundary:" + world.app();
    }

    @Override
    public Version version() {
        return Version.unknownVersion();
    }

    @Override
    public Object getTypeId() {
        return getModuleName();
    }

    @Override
    public void setupModule(SetupContext context) {
        context.addDeserializers(new In());
        context.addKeyDeserializers(new InKeys());
        context.addSerializers(new Out());
        context.addBeanSerializerModifier(new ScrubbedTraces());
    }

    // --- in ----------------------------------------------------------------------------------------------------

    private final class In extends Deserializers.Base {
        @Override
        public JsonDeserializer<?> findBeanDeserializer(JavaType type, DeserializationConfig config,
                                                        BeanDescription beanDesc) {
            Class<?> c = type.getRawClass();
            if (c == Path.class || c == File.class) {
                return new FileValue(c);
            }
            if (c == URL.class) {
                return new UrlValue();
            }
            if (c == Class.class) {
                return new ClassValue();
            }
            return BoundaryTypes.mayEnter(c) ? null : new Refused(c);
        }
    }

    private final class InKeys implements KeyDeserializers {
        @Override
        public KeyDeserializer findKeyDeserializer(JavaType type, DeserializationConfig config,
                                                   BeanDescription beanDesc) {
            Class<?> c = type.getRawClass();
            if (c == Path.class || c == File.class) {
                return new KeyDeserializer() {
                    @Override
                    public Object deserializeKey(String key, DeserializationContext ctxt) throws IOException {
                        return file(c, key, ctxt);
                    }
                };
            }
            if (c == URL.class) {
                return new KeyDeserializer() {
                    @Override
                    public Object deserializeKey(String key, DeserializationContext ctxt) throws IOException {
                        return url(key, ctxt);
                    }
                };
            }
            if (c == Class.class || BoundaryTypes.mayEnter(c)) {
                return null;
            }
            return new KeyDeserializer() {
                @Override
                public Object deserializeKey(String key, DeserializationContext ctxt) throws IOException {
                    return ctxt.reportInputMismatch(c, "%s", refusal(c));
                }
            };
        }
    }

    private String refusal(Class<?> c) {
        return "a " + BoundaryTypes.describe(c) + " is not a value and does not cross into app '" + world.app()
                + "': threads, class loaders, reflection objects, streams, addresses and other live JDK objects "
                + "are never made from JSON; take plain values (strings, numbers, records of them)";
    }

    /** A JDK type that is not a value. */
    private final class Refused extends StdDeserializer<Object> {
        Refused(Class<?> c) {
            super(c);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return ctxt.reportInputMismatch(handledType(), "%s", refusal(handledType()));
        }
    }

    /** A {@code Path} or {@code File} on the app's own file system. */
    private final class FileValue extends StdDeserializer<Object> {
        FileValue(Class<?> c) {
            super(c);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.hasToken(JsonToken.VALUE_STRING)) {
                return ctxt.handleUnexpectedToken(handledType(), p);
            }
            return file(handledType(), p.getText(), ctxt);
        }
    }

    private Object file(Class<?> kind, String text, DeserializationContext ctxt) throws IOException {
        FileSystem fs = world.fileSystem();
        if (fs == null) {
            return ctxt.reportInputMismatch(kind, "%s", "app '" + world.app() + "' has no file root, so a "
                    + kind.getName() + " cannot be bound for it; the host gives it one with "
                    + "AppSpec.files(AppFiles.folder(...)) or Vaas.Builder.fileRoots");
        }
        String name = text;
        if (text.regionMatches(true, 0, "file:", 0, 5)) {
            try {
                name = new URI(text).getPath();
            } catch (java.net.URISyntaxException e) {
                name = null;
            }
        }
        try {
            if (name == null || name.isEmpty()) {
                throw new InvalidPathException(text, "not a path");
            }
            Path path = fs.getPath(name);
            return kind == File.class ? new File(path.toString()) : path;
        } catch (InvalidPathException e) {
            return ctxt.reportInputMismatch(kind, "%s", "'" + text + "' is not a path of app '" + world.app()
                    + "': " + e.getMessage());
        }
    }

    /** A {@code URL} of a protocol the app may open. */
    private final class UrlValue extends StdDeserializer<Object> {
        UrlValue() {
            super(URL.class);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.hasToken(JsonToken.VALUE_STRING)) {
                return ctxt.handleUnexpectedToken(URL.class, p);
            }
            return url(p.getText(), ctxt);
        }
    }

    private Object url(String text, DeserializationContext ctxt) throws IOException {
        URI uri;
        try {
            uri = new URI(text);
        } catch (java.net.URISyntaxException e) {
            return ctxt.reportInputMismatch(URL.class, "%s", "'" + text + "' is not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!URL_PROTOCOLS.contains(scheme)) {
            return ctxt.reportInputMismatch(URL.class, "%s", "a URL '" + text + "' does not cross into app '"
                    + world.app() + "': apps open only http, https and ftp URLs (with net:connect) and file: URLs "
                    + "(under their own root, with files:read); '" + scheme + ":' URLs reach what the container "
                    + "cannot confine");
        }
        try {
            return uri.toURL();
        } catch (java.net.MalformedURLException | IllegalArgumentException e) {
            return ctxt.reportInputMismatch(URL.class, "%s", "'" + text + "' is not a URL: " + e.getMessage());
        }
    }

    /** A {@code Class} the app's own loader resolves. */
    private final class ClassValue extends StdDeserializer<Object> {
        ClassValue() {
            super(Class.class);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.hasToken(JsonToken.VALUE_STRING)) {
                return ctxt.handleUnexpectedToken(Class.class, p);
            }
            String name = p.getText().trim();
            try {
                return ctxt.findClass(name);
            } catch (ClassNotFoundException | LinkageError e) {
                return ctxt.reportInputMismatch(Class.class, "%s", "class '" + name + "' is not one app '"
                        + world.app() + "' can see (its own classes and libraries, the JDK's and io.vaas.api)");
            }
        }
    }

    // --- out ---------------------------------------------------------------------------------------------------

    private final class Out extends Serializers.Base {
        @Override
        public JsonSerializer<?> findSerializer(SerializationConfig config, JavaType type, BeanDescription beanDesc) {
            Class<?> c = type.getRawClass();
            if (Path.class.isAssignableFrom(c) || File.class.isAssignableFrom(c)) {
                return new AppPath();
            }
            if (Throwable.class.isAssignableFrom(c) || BoundaryTypes.mayLeave(c, world.loader())) {
                return null;
            }
            return new Kept(c);
        }
    }

    /** A path as the app names it: absolute in its own file system, never the host's. */
    private static final class AppPath extends StdSerializer<Object> {
        AppPath() {
            super(Object.class);
        }

        @Override
        public void serialize(Object value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            String name = value instanceof Path p ? p.toString() : ((File) value).getPath().replace(File.separatorChar, '/');
            gen.writeString(name.startsWith("/") ? name : "/" + name);
        }
    }

    /** A live object or host class that stays where it is. */
    private final class Kept extends StdSerializer<Object> {
        private final Class<?> type;

        Kept(Class<?> type) {
            super(Object.class);
            this.type = type;
        }

        @Override
        public void serialize(Object value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            provider.reportMappingProblem("%s", "a " + BoundaryTypes.describe(type) + " does not leave app '"
                    + world.app() + "': threads, class loaders, reflection objects, streams and the container's own "
                    + "objects are never written as JSON; return plain values");
        }
    }

    /** A throwable's {@code stackTrace} keeps the app's and the JDK's frames only. */
    private final class ScrubbedTraces extends BeanSerializerModifier {
        @Override
        public List<BeanPropertyWriter> changeProperties(SerializationConfig config, BeanDescription beanDesc,
                                                         List<BeanPropertyWriter> properties) {
            if (!Throwable.class.isAssignableFrom(beanDesc.getBeanClass())) {
                return properties;
            }
            List<BeanPropertyWriter> out = new ArrayList<>(properties.size());
            for (BeanPropertyWriter w : properties) {
                out.add(w.getName().equals("stackTrace") ? new TraceWriter(w, world.loader().getName()) : w);
            }
            return out;
        }
    }

    private static final class TraceWriter extends BeanPropertyWriter {
        private final String loaderName;

        TraceWriter(BeanPropertyWriter base, String loaderName) {
            super(base);
            this.loaderName = loaderName;
        }

        @Override
        public void serializeAsField(Object bean, JsonGenerator gen, SerializerProvider prov) throws Exception {
            StackTraceElement[] frames = StackFrames.visibleTo(loaderName, ((Throwable) bean).getStackTrace());
            gen.writeFieldName(getName());
            prov.defaultSerializeValue(frames, gen);
        }
    }
}
