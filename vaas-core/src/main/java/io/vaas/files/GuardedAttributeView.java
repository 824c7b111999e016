package io.vaas.files;

import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttributeView;
import java.util.Set;

/**
 * An attribute view of a guest path, of any view type the host's file system has. A view is made without touching
 * the file and used later, so each call maps the path again (the symbolic-link rule holds at the time of use) and
 * goes to a fresh host view; calls that change the file are refused on a read-only root.
 */
final class GuardedAttributeView implements InvocationHandler {

    /** Methods of the JDK's view interfaces that only look; any other (setTimes, setOwner, write…) changes the file. */
    private static final Set<String> READS = Set.of("readAttributes", "getOwner", "getAcl", "list", "size", "read");

    private final RootedFileSystemProvider provider;
    private final RootedPath path;
    private final Class<? extends FileAttributeView> type;
    private final String name;

    private GuardedAttributeView(RootedFileSystemProvider provider, RootedPath path,
                                 Class<? extends FileAttributeView> type, String name) {
        this.provider = provider;
        this.path = path;
        this.type = type;
        this.name = name;
    }

    /** A view of {@code type} on {@code path}, or null if the host's file system ({@code hostRoot}'s) has none. */
    static <V extends FileAttributeView> V of(RootedFileSystemProvider provider, RootedPath path, Class<V> type,
                                              Path hostRoot) {
        // The configured root is enough to learn whether the type is supported; asking costs no disk access.
        // Without a root, any view does: its every use but name() is refused.
        V sample = hostRoot == null ? null : Files.getFileAttributeView(hostRoot, type, LinkOption.NOFOLLOW_LINKS);
        if (hostRoot != null && sample == null) {
            return null;
        }
        String name = sample != null ? sample.name() : type.getSimpleName();
        // A provider's own view type may be invisible from here; the JDK's are visible from everywhere.
        ClassLoader loader = type.getClassLoader() != null ? type.getClassLoader()
                : GuardedAttributeView.class.getClassLoader();
        Object view = Proxy.newProxyInstance(loader, new Class<?>[] {type},
                new GuardedAttributeView(provider, path, type, name));
        return type.cast(view);
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> type.getSimpleName() + " of " + path;
            };
        }
        // name() cannot throw IOException, and needs no file.
        if (method.getName().equals("name") && method.getParameterCount() == 0) {
            return name;
        }
        Object view = provider.hostView(path, type, !READS.contains(method.getName()));
        try {
            return method.invoke(view, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IOException io) {
                throw provider.translate(io, path);
            }
            throw e.getCause();
        }
    }
}
