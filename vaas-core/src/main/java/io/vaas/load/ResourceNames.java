package io.vaas.load;

/** Checks on resource names coming from guest code, which must never name something outside the archive. */
final class ResourceNames {

    private ResourceNames() {
    }

    /**
     * The name in canonical form ({@code a/b.txt}), or null when it could reach outside the archive: absolute,
     * with {@code ..} or {@code .} segments, backslashes or NUL.
     */
    static String normalize(String name) {
        if (name == null || name.isEmpty() || name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0) {
            return null;
        }
        String n = name.startsWith("/") ? name.substring(1) : name;
        if (n.isEmpty()) {
            return null;
        }
        for (String segment : n.split("/", -1)) {
            if (segment.equals("..") || segment.equals(".")) {
                return null;
            }
        }
        return n;
    }
}
