package io.vaas.rewrite;

/** A class could not be rewritten: it is malformed, or it names the container's runtime support itself. */
public class RewriteException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message names the class and what is wrong */
    public RewriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
