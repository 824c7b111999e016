package io.vaas.route;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A route's path pattern: literal segments and {@code {name}} segments, each of which captures one path segment.
 * {@code /users/{id}/orders} matches {@code /users/7/orders} with {@code id = "7"}. A last segment {@code {name*}}
 * (or a bare {@code *}, captured as {@code "*"}) captures the rest of the path, zero or more segments:
 * {@code /files/{path*}} matches {@code /files/a/b.txt} with {@code path = "a/b.txt"}, and {@code /files} with
 * {@code path = ""}. A trailing slash is ignored. Literal segments are compared on the decoded, NFC-normalized path,
 * so a route {@code /café} answers however a client encodes it.
 */
public final class PathPattern {

    private static final Pattern PARAM_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final String source;
    /** Literal text, or null where the segment is a parameter. */
    private final String[] literals;
    /** Parameter name, or null where the segment is literal. */
    private final String[] names;
    /** The name the rest of the path is captured under, or null when the pattern has no wildcard. */
    private final String rest;

    private PathPattern(String source, String[] literals, String[] names, String rest) {
        this.source = source;
        this.literals = literals;
        this.names = names;
        this.rest = rest;
    }

    /** The names this pattern captures, in path order (the wildcard's last). */
    public List<String> variables() {
        List<String> out = new java.util.ArrayList<>();
        for (String n : names) {
            if (n != null) {
                out.add(n);
            }
        }
        if (rest != null) {
            out.add(rest);
        }
        return out;
    }

    /**
     * Compiles a pattern.
     *
     * @throws IllegalArgumentException naming what is wrong: no leading {@code /}, an empty segment, a malformed or
     *                                  repeated {@code {name}}
     */
    public static PathPattern compile(String pattern) {
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("route '" + pattern + "' must start with '/'");
        }
        List<String> segments = split(pattern);
        String rest = null;
        if (!segments.isEmpty()) {
            String last = segments.get(segments.size() - 1);
            if (last.equals("*") || (last.startsWith("{") && last.endsWith("*}"))) {
                rest = last.equals("*") ? "*" : last.substring(1, last.length() - 2);
                if (!rest.equals("*") && !PARAM_NAME.matcher(rest).matches()) {
                    throw new IllegalArgumentException("route '" + pattern + "': '" + last
                            + "' is not a wildcard; write {name*} with a Java identifier inside, or *");
                }
                segments = segments.subList(0, segments.size() - 1);
            }
        }
        String[] literals = new String[segments.size()];
        String[] names = new String[segments.size()];
        Set<String> seen = new HashSet<>();
        if (rest != null) {
            seen.add(rest);
        }
        for (int i = 0; i < segments.size(); i++) {
            String s = segments.get(i);
            if (s.isEmpty()) {
                throw new IllegalArgumentException("route '" + pattern + "' has an empty segment ('//')");
            }
            if (s.equals("*") || s.endsWith("*}")) {
                throw new IllegalArgumentException("route '" + pattern + "': the wildcard '" + s
                        + "' must be the last segment");
            }
            if (s.startsWith("{") && s.endsWith("}")) {
                String name = s.substring(1, s.length() - 1);
                if (!PARAM_NAME.matcher(name).matches()) {
                    throw new IllegalArgumentException("route '" + pattern + "': '" + s
                            + "' is not a parameter; write {name} with a Java identifier inside");
                }
                if (!seen.add(name)) {
                    throw new IllegalArgumentException("route '" + pattern + "' names parameter {" + name + "} twice");
                }
                names[i] = name;
            } else if (s.indexOf('{') >= 0 || s.indexOf('}') >= 0) {
                throw new IllegalArgumentException("route '" + pattern + "': segment '" + s
                        + "' mixes text and a parameter; a parameter takes a whole segment");
            } else {
                literals[i] = canonical(s);
            }
        }
        return new PathPattern(pattern, literals, names, rest);
    }

    /** The parameters captured from {@code path}, or null when it does not match. */
    public Map<String, String> match(String path) {
        List<String> segments = split(path);
        if (rest == null ? segments.size() != literals.length : segments.size() < literals.length) {
            return null;
        }
        Map<String, String> params = null;
        for (int i = 0; i < literals.length; i++) {
            String s = segments.get(i);
            if (literals[i] != null) {
                if (!literals[i].equals(s) && !literals[i].equals(canonical(s))) {
                    return null;
                }
            } else {
                if (s.isEmpty()) {
                    return null;
                }
                if (params == null) {
                    params = new HashMap<>(4);
                }
                params.put(names[i], decode(s));
            }
        }
        if (rest != null) {
            StringBuilder tail = new StringBuilder();
            for (int i = literals.length; i < segments.size(); i++) {
                if (tail.length() > 0) {
                    tail.append('/');
                }
                tail.append(decode(segments.get(i)));
            }
            if (params == null) {
                params = new HashMap<>(2);
            }
            params.put(rest, tail.toString());
        }
        return params == null ? Map.of() : params;
    }

    /** Whether the pattern ends in a wildcard; of two routes equally literal, the one without goes first. */
    public boolean wildcard() {
        return rest != null;
    }

    /** Whether some path would match both patterns in the same way: the same segments, parameters in the same places. */
    public boolean sameShapeAs(PathPattern other) {
        if (literals.length != other.literals.length || wildcard() != other.wildcard()) {
            return false;
        }
        for (int i = 0; i < literals.length; i++) {
            boolean bothParams = literals[i] == null && other.literals[i] == null;
            boolean sameLiteral = literals[i] != null && literals[i].equals(other.literals[i]);
            if (!bothParams && !sameLiteral) {
                return false;
            }
        }
        return true;
    }

    /** How many literal segments the pattern has; a path matching several patterns goes to the most literal. */
    public int literalCount() {
        int n = 0;
        for (String l : literals) {
            if (l != null) {
                n++;
            }
        }
        return n;
    }

    private static List<String> split(String path) {
        List<String> out = new ArrayList<>(4);
        int start = 1;
        int len = path.length();
        if (len > 1 && path.charAt(len - 1) == '/') {
            len--;
        }
        if (len <= 1) {
            return out;
        }
        while (start <= len) {
            int slash = path.indexOf('/', start);
            if (slash < 0 || slash > len) {
                slash = len;
            }
            out.add(path.substring(start, slash));
            start = slash + 1;
        }
        return out;
    }

    /**
     * A segment as literals are compared: percent-decoded, and in Unicode NFC when it is not plain ASCII, so that
     * {@code /café}, {@code /caf%C3%A9} and {@code /cafe%CC%81} (e and a combining accent) are one path.
     */
    static String canonical(String segment) {
        String decoded = decode(segment);
        for (int i = 0; i < decoded.length(); i++) {
            if (decoded.charAt(i) >= 0x80) {
                return Normalizer.normalize(decoded, Normalizer.Form.NFC);
            }
        }
        return decoded;
    }

    /** Percent-decoding of one path segment ({@code +} stays a plus); malformed escapes are kept as they are. */
    static String decode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(segment.length());
        int i = 0;
        while (i < segment.length()) {
            char c = segment.charAt(i);
            if (c == '%' && i + 2 < segment.length() && hex(segment.charAt(i + 1)) >= 0
                    && hex(segment.charAt(i + 2)) >= 0) {
                out.write(hex(segment.charAt(i + 1)) * 16 + hex(segment.charAt(i + 2)));
                i += 3;
            } else {
                int cp = segment.codePointAt(i);
                byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
                i += Character.charCount(cp);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    @Override
    public String toString() {
        return source;
    }
}
