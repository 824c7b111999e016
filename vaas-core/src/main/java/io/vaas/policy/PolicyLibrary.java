package io.vaas.policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every permission a host knows: the standard allowlists shipped in {@code vaas-core} (under
 * {@code io/vaas/policy/}), plus the host's own lists, which may add members to a permission or define new ones.
 */
public final class PolicyLibrary {

    /** The standard allowlist files, in the order they are read. */
    static final List<String> STANDARD_FILES = List.of("core.txt", "reflection.txt", "classloading.txt",
            "threads.txt", "files.txt", "net.txt", "process.txt", "native.txt", "management.txt", "xml.txt", "apps.txt");

    private final Map<String, String> sources;
    private final Map<String, Permission> permissions;
    private final String digest;
    private final java.util.concurrent.ConcurrentHashMap<Set<String>, Policy> policies =
            new java.util.concurrent.ConcurrentHashMap<>();

    private PolicyLibrary(Map<String, String> sources) {
        this.sources = sources;
        AllowlistParser parser = new AllowlistParser();
        sources.forEach(parser::parse);
        this.permissions = parser.permissions();
        this.digest = digest(sources);
    }

    /**
     * The standard allowlists, read and parsed once per JVM: every {@code Vaas} starts from them, and the derived
     * {@code core} list alone names thousands of members. The library is immutable (its policy cache is
     * concurrent), so all share it.
     */
    public static PolicyLibrary standard() {
        return Standard.LIBRARY;
    }

    /** Holds the standard library; loaded on first use. */
    private static final class Standard {
        static final PolicyLibrary LIBRARY = load();
    }

    private static PolicyLibrary load() {
        Map<String, String> sources = new LinkedHashMap<>();
        for (String file : STANDARD_FILES) {
            try (InputStream in = PolicyLibrary.class.getResourceAsStream(file)) {
                if (in == null) {
                    throw new IllegalStateException("allowlist io/vaas/policy/" + file + " is missing from vaas-core");
                }
                sources.put("io/vaas/policy/" + file, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new PolicyLibrary(sources);
    }

    /**
     * This library plus one more allowlist file (same grammar, see {@link AllowlistParser}).
     *
     * @throws AllowlistException naming {@code source} and the line
     */
    public PolicyLibrary with(String source, String text) {
        Map<String, String> more = new LinkedHashMap<>(sources);
        if (more.putIfAbsent(source, text) != null) {
            throw new IllegalArgumentException("an allowlist named " + source + " is already loaded");
        }
        return new PolicyLibrary(more);
    }

    /** The names of every known permission, sorted. */
    public Set<String> names() {
        return new TreeSet<>(permissions.keySet());
    }

    /** A permission by name, or null. */
    public Permission permission(String name) {
        return permissions.get(name);
    }

    /**
     * The policy of an app holding {@code granted}.
     *
     * @throws IllegalArgumentException naming the unknown permission and the known ones
     */
    public Policy policy(Collection<String> granted) {
        Set<String> key = Set.copyOf(granted);
        Policy known = policies.get(key);
        if (known != null) {
            return known;
        }
        Policy made = build(key);
        policies.putIfAbsent(key, made);
        return made;
    }

    private Policy build(Collection<String> granted) {
        List<Permission> in = new ArrayList<>();
        List<Permission> out = new ArrayList<>(permissions.values());
        for (String name : new TreeSet<>(granted)) {
            Permission p = permissions.get(name);
            if (p == null) {
                throw new IllegalArgumentException("unknown permission '" + name + "'; known permissions: " + names());
            }
            in.add(p);
            out.remove(p);
        }
        return new Policy(in, out, digest);
    }

    private static String digest(Map<String, String> sources) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            sources.forEach((k, v) -> {
                md.update(k.getBytes(StandardCharsets.UTF_8));
                md.update(v.getBytes(StandardCharsets.UTF_8));
            });
            return HexFormat.of().formatHex(md.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
