package io.vaas.rewrite;

import io.vaas.policy.Violation;

import java.util.List;

/**
 * A class as its app gets it: the bytes to define, and the references its policy denies (each of which throws when
 * reached).
 *
 * @param bytes      the class file to define
 * @param violations the denied references, in code order
 */
public record Rewritten(byte[] bytes, List<Violation> violations) {

    /** Copies the list. */
    public Rewritten {
        violations = List.copyOf(violations);
    }
}
