package io.vaas.virtual;

import io.vaas.files.RootedFileSystem;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.NetworkChannel;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Unix domain sockets of an app. Their paths are the app's, under its file root ({@code AppFiles}), never the host's:
 * the app names {@code /run/db.sock}, the socket used is {@code <root>/run/db.sock}. Connecting and binding need the
 * {@code net:unix} permission (a bare {@code net:connect} does not reach them: the host's Docker or database sockets
 * are not hosts on the network), which also allows the stream channel classes; IP addresses given to those still need
 * {@code net:connect} (or {@code net:listen} to bind a server channel). Binding creates the socket's file, so it also
 * needs a writable root and {@code files:write}. An app without a file root has no Unix domain sockets. Addresses the app reads back from its
 * channels are in its own paths again.
 */
final class UnixSockets {

    static final String PERMISSION = "net:unix";

    private UnixSockets() {
    }

    /** The host's address of the app's {@code address}, to connect to. */
    static UnixDomainSocketAddress forConnect(AppContext context, UnixDomainSocketAddress address) throws IOException {
        String path = address.getPath().toString();
        require(context, "connect to " + (path.isEmpty() ? "an unnamed socket" : path));
        return path.isEmpty() ? address : UnixDomainSocketAddress.of(hostPath(context, path, false));
    }

    /**
     * The host's address of the app's {@code address}, to bind {@code channel} to: under the app's root. A server
     * channel bound to no address (or an empty one) gets a new name in the app's {@code /tmp}, where the JDK would
     * have made one in the host's temporary folder; a client channel's empty address stays unnamed (no file).
     *
     * @return the address to bind to, or {@code local} itself when it is not a Unix domain one
     */
    static SocketAddress forBind(AppContext context, NetworkChannel channel, SocketAddress local, boolean server)
            throws IOException {
        if (local instanceof UnixDomainSocketAddress unix) {
            String path = unix.getPath().toString();
            if (path.isEmpty() && !server) {
                require(context, "bind an unnamed socket");
                return unix;
            }
            require(context, "bind " + (path.isEmpty() ? "a socket" : path));
            return UnixDomainSocketAddress.of(hostPath(context, path.isEmpty() ? tempName(context) : path, true));
        }
        if (local == null && server && isUnix(channel)) {
            require(context, "bind a socket");
            return UnixDomainSocketAddress.of(hostPath(context, tempName(context), true));
        }
        // An IP address: net:unix alone allows the channel classes, not listening on or binding to the network.
        context.requirePermission(server ? "net:listen" : "net:connect", (server ? "listening on " : "binding to ")
                + (local == null ? "a port" : local));
        return local;
    }

    /** {@code address} as the app names it: a Unix domain address under its root in its own path. */
    static SocketAddress toApp(AppContext context, SocketAddress address) throws IOException {
        if (!(address instanceof UnixDomainSocketAddress unix) || unix.getPath().toString().isEmpty()) {
            return address;
        }
        RootedFileSystem files = context.files();
        if (files.files() == null) {
            return address;
        }
        Path root = files.realPath(files.getPath("/"));
        Path real = unix.getPath();
        if (root.getFileSystem() != real.getFileSystem() || !real.startsWith(root)) {
            // Not one of the app's own (a socket the host handed it): its path is not shown.
            return UnixDomainSocketAddress.of("");
        }
        StringBuilder app = new StringBuilder();
        for (Path name : root.relativize(real)) {
            app.append('/').append(name);
        }
        return UnixDomainSocketAddress.of(app.isEmpty() ? "/" : app.toString());
    }

    /** A server channel of the Unix family: it has none of the IP options ({@code SO_REUSEADDR}) an IP one has. */
    private static boolean isUnix(NetworkChannel channel) {
        return !channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEADDR);
    }

    private static String tempName(AppContext context) throws IOException {
        Path tmp = context.files().tempDirectory();
        return tmp.resolve("socket_" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36)).toString();
    }

    private static void require(AppContext context, String what) {
        context.requirePermission(PERMISSION, "a Unix domain socket (" + what + ")");
    }

    /**
     * The host path under the app's root for its {@code path}: every part of the way checked as for files (no
     * symbolic links), and for binding checked writable as a new file would be.
     */
    private static Path hostPath(AppContext context, String path, boolean binding) throws IOException {
        RootedFileSystem files = context.files();
        if (files.files() == null) {
            throw new io.vaas.api.PolicyDenial("app '" + context.app() + "' has no file root, and the paths of its Unix "
                    + "domain sockets are under it ('" + path + "'): the host gives it one with "
                    + "AppSpec.files(AppFiles.folder(...)) or Vaas.Builder.fileRoots");
        }
        Path appPath = files.getPath(path);
        if (binding) {
            files.checkWrite(appPath);
        }
        Path real = files.realPath(appPath);
        if (real.getFileSystem() != FileSystems.getDefault()) {
            throw new io.vaas.api.PolicyDenial("app '" + context.app() + "' has its files in memory, where no Unix domain "
                    + "socket can be ('" + path + "'): the host gives it a folder root with "
                    + "AppSpec.files(AppFiles.folder(...)) for that");
        }
        return real;
    }
}
