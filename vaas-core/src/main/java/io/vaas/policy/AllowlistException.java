package io.vaas.policy;

/** An allowlist file is malformed; the message names the file and line. */
public class AllowlistException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message names the file, the line and what is wrong */
    public AllowlistException(String message) {
        super(message);
    }
}
