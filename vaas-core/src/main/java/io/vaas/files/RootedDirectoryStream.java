package io.vaas.files;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A host folder's listing as the app sees it: each entry is the app's folder path plus the entry's name, and the
 * app's filter judges those, never host paths.
 */
final class RootedDirectoryStream implements DirectoryStream<Path> {

    private final DirectoryStream<Path> listing;
    private final RootedPath folder;
    private final Filter<? super Path> filter;
    private final VirtualErrors errors;

    RootedDirectoryStream(DirectoryStream<Path> listing, RootedPath folder, Filter<? super Path> filter,
                          VirtualErrors errors) {
        this.listing = listing;
        this.folder = folder;
        this.filter = filter;
        this.errors = errors;
    }

    @Override
    public Iterator<Path> iterator() {
        Iterator<Path> entries = listing.iterator();
        return new Iterator<>() {
            private RootedPath next;

            @Override
            public boolean hasNext() {
                while (next == null && hostHasNext()) {
                    RootedPath entry = folder.child(entries.next().getFileName().toString());
                    try {
                        if (filter.accept(entry)) {
                            next = entry;
                        }
                    } catch (IOException e) {
                        throw new DirectoryIteratorException(e);
                    }
                }
                return next != null;
            }

            private boolean hostHasNext() {
                try {
                    return entries.hasNext();
                } catch (DirectoryIteratorException e) {
                    throw new DirectoryIteratorException(errors.translate(e.getCause(), folder, null));
                }
            }

            @Override
            public Path next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                RootedPath entry = next;
                next = null;
                return entry;
            }
        };
    }

    @Override
    public void close() throws IOException {
        listing.close();
    }
}
