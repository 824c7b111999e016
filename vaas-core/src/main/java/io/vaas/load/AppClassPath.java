package io.vaas.load;

import java.io.Closeable;
import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;

/**
 * An app's class path: its own archive (classes folder, app jar or bytes in memory) first, then its libraries
 * ({@code lib/*.jar}) in name order. Owns the archives and closes them.
 */
public final class AppClassPath implements Closeable {

    /** A class or resource found on the class path, with the archive that holds it. */
    public record Entry(AppArchive archive, byte[] bytes) {
    }

    private final AppArchive own;
    private final List<AppArchive> all;

    /**
     * @param own       the app's own classes; these are scanned for routes
     * @param libraries the app's libraries, searched after {@code own} in this order
     */
    public AppClassPath(AppArchive own, List<AppArchive> libraries) {
        this.own = own;
        List<AppArchive> list = new ArrayList<>(1 + libraries.size());
        list.add(own);
        list.addAll(libraries);
        this.all = List.copyOf(list);
    }

    /** The app's own archive: the one scanned for routes. */
    public AppArchive own() {
        return own;
    }

    /** Every archive, in search order. */
    public List<AppArchive> archives() {
        return all;
    }

    /** The first entry named {@code name}, or null. */
    public Entry find(String name) throws IOException {
        for (AppArchive a : all) {
            byte[] bytes = a.read(name);
            if (bytes != null) {
                return new Entry(a, bytes);
            }
        }
        return null;
    }

    /** A URL for the first entry named {@code name}, or null. */
    public URL findResource(String name) {
        for (AppArchive a : all) {
            URL url = a.url(name);
            if (url != null) {
                return url;
            }
        }
        return null;
    }

    /** URLs for every entry named {@code name}, in search order. */
    public List<URL> findResources(String name) {
        List<URL> urls = new ArrayList<>(2);
        for (AppArchive a : all) {
            URL url = a.url(name);
            if (url != null) {
                urls.add(url);
            }
        }
        return urls;
    }

    /** Closes every archive; the first failure is thrown after all were tried. */
    @Override
    public void close() throws IOException {
        IOException first = null;
        for (AppArchive a : all) {
            try {
                a.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return all.toString();
    }
}
