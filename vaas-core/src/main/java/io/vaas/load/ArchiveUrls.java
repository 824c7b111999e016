package io.vaas.load;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.util.concurrent.atomic.AtomicLong;

/**
 * URLs for entries of archives that are not plain files ({@code vaas:} scheme). Each archive has its own handler, so
 * opening a URL reads through that archive and nothing is cached JDK-wide.
 */
final class ArchiveUrls extends URLStreamHandler {

    private static final AtomicLong IDS = new AtomicLong();

    private final AppArchive archive;
    private final String host;

    ArchiveUrls(AppArchive archive) {
        this.archive = archive;
        this.host = "archive" + IDS.incrementAndGet();
    }

    /** The archive's own root, {@code vaas://archiveN/}: where its classes come from, as apps see it. */
    URL root() {
        return of("");
    }

    URL of(String name) {
        try {
            return URL.of(new URI("vaas", host, "/" + name, null), this);
        } catch (URISyntaxException | java.net.MalformedURLException e) {
            return null;
        }
    }

    /** Never a name lookup: {@code archiveN} is a name of the container's, not a host (URL.hashCode asks this). */
    @Override
    protected java.net.InetAddress getHostAddress(URL url) {
        return null;
    }

    @Override
    protected boolean hostsEqual(URL a, URL b) {
        return java.util.Objects.equals(a.getHost(), b.getHost());
    }

    @Override
    protected URLConnection openConnection(URL url) throws IOException {
        String name;
        try {
            name = url.toURI().getPath().substring(1);
        } catch (URISyntaxException e) {
            throw new IOException("not an archive URL: " + url, e);
        }
        return new URLConnection(url) {
            private byte[] bytes;

            @Override
            public void connect() throws IOException {
                if (bytes == null) {
                    bytes = archive.read(name);
                    if (bytes == null) {
                        throw new FileNotFoundException(url + " (no entry " + name + " in " + archive.location() + ")");
                    }
                    connected = true;
                }
            }

            @Override
            public InputStream getInputStream() throws IOException {
                connect();
                return new ByteArrayInputStream(bytes);
            }

            @Override
            public long getContentLengthLong() {
                try {
                    connect();
                    return bytes.length;
                } catch (IOException e) {
                    return -1;
                }
            }
        };
    }
}
