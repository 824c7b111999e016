package io.vaas.files;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.util.Objects;

/**
 * The host file system's exceptions as the app may see them: same type, same reason, but the app's paths in place
 * of the host's. A guest printing {@code e.getMessage()} must not learn where on the host its files live.
 */
final class VirtualErrors {

    private final RootMapping mapping;

    VirtualErrors(RootMapping mapping) {
        this.mapping = mapping;
    }

    /**
     * {@code e}, thrown by the host file system for an operation on {@code file} (and {@code other}, for a copy or
     * move), with the host's paths replaced; {@code e} itself when it names none.
     */
    IOException translate(IOException e, RootedPath file, RootedPath other) {
        if (e instanceof FileSystemException fse) {
            String name = rename(fse.getFile(), file);
            String otherName = rename(fse.getOtherFile(), other != null ? other : file);
            String reason = mapping.scrub(fse.getReason());
            if (Objects.equals(name, fse.getFile()) && Objects.equals(otherName, fse.getOtherFile())
                    && Objects.equals(reason, fse.getReason())) {
                return e;
            }
            return withTrace(rebuild(fse, name, otherName, reason), e);
        }
        String message = mapping.scrub(e.getMessage());
        return Objects.equals(message, e.getMessage()) ? e : withTrace(new IOException(message), e);
    }

    private String rename(String real, RootedPath fallback) {
        if (real == null) {
            return null;
        }
        String virtual = mapping.virtualName(real);
        if (virtual != null) {
            return virtual;
        }
        // Not under the root: the host's path is nobody's business; the app knows what it asked for.
        return fallback != null ? fallback.toString() : null;
    }

    private static FileSystemException rebuild(FileSystemException e, String file, String other, String reason) {
        return switch (e) {
            case NoSuchFileException _ -> new NoSuchFileException(file, other, reason);
            case FileAlreadyExistsException _ -> new FileAlreadyExistsException(file, other, reason);
            case DirectoryNotEmptyException _ -> new DirectoryNotEmptyException(file);
            case AccessDeniedException _ -> new AccessDeniedException(file, other, reason);
            case NotDirectoryException _ -> new NotDirectoryException(file);
            case NotLinkException _ -> new NotLinkException(file, other, reason);
            case AtomicMoveNotSupportedException _ -> new AtomicMoveNotSupportedException(file, other, reason);
            case FileSystemLoopException _ -> new FileSystemLoopException(file);
            default -> new FileSystemException(file, other, reason);
        };
    }

    /** Where it really failed is worth keeping; the cause is not, its message has the host's path. */
    private static <E extends IOException> E withTrace(E translated, IOException original) {
        translated.setStackTrace(original.getStackTrace());
        return translated;
    }
}
