package io.vaas.policy.analysis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes a standard allowlist from its template ({@code lists/<name>.txt} next to the analysis inputs), where a
 * {@code package p} (or {@code package p.**}, with sub-packages) line stands for every class of that package in the
 * JDK image, minus the {@code - Class : reason} lines under it and the classes the same permission lists on their
 * own. The allowlists themselves name classes only: the grammar has no packages.
 */
final class ListExpander {

    /** The standard lists written from templates. */
    static final List<String> TEMPLATED = List.of("management.txt", "native.txt", "net.txt", "xml.txt");

    private ListExpander() {
    }

    static String expand(String name, String template, JdkImage image) {
        String[] lines = template.split("\r?\n", -1);
        // First pass: the classes each permission lists on its own, which a package line must not list again.
        Map<String, Set<String>> explicit = new HashMap<>();
        String permission = null;
        for (String raw : lines) {
            String line = DataFiles.stripComment(raw).strip();
            if (line.startsWith("permission ")) {
                permission = line.substring(11).split(" :")[0].strip();
            } else if (line.startsWith("class ")) {
                explicit.computeIfAbsent(permission, k -> new HashSet<>()).add(line.substring(6).split("\\s+")[0]);
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("# GENERATED from vaas-core/").append(DataFiles.SOURCE_DIR).append("lists/").append(name)
                .append(" (its 'package' lines expanded to the classes of JDK ").append(JdkImage.version())
                .append("): do not edit by hand.\n# Regenerate: ").append(AllowlistWriter.REGENERATE).append('\n');
        permission = null;
        int i = 0;
        while (i < lines.length) {
            String line = DataFiles.stripComment(lines[i]).strip();
            if (line.startsWith("permission ")) {
                permission = line.substring(11).split(" :")[0].strip();
            }
            if (!line.startsWith("package ")) {
                if (i < lines.length - 1 || !lines[i].isEmpty()) {
                    out.append(lines[i]).append('\n');
                }
                i++;
                continue;
            }
            String pkg = line.substring(8).strip();
            boolean tree = pkg.endsWith(".**");
            String internal = (tree ? pkg.substring(0, pkg.length() - 3) : pkg).replace('.', '/');
            Set<String> left = new HashSet<>();
            List<String> leftLines = new ArrayList<>();
            i++;
            while (i < lines.length && DataFiles.stripComment(lines[i]).strip().startsWith("- ")) {
                String body = DataFiles.stripComment(lines[i]).strip().substring(2);
                leftLines.add("#   without " + body);
                left.add(internal + "/" + body.substring(0, body.indexOf(" :")).strip().replace('.', '$'));
                i++;
            }
            out.append("# package ").append(pkg).append(": its classes");
            out.append(leftLines.isEmpty() ? "\n" : ", but\n");
            leftLines.forEach(l -> out.append(l).append('\n'));
            Set<String> own = explicit.getOrDefault(permission, Set.of());
            for (String cls : classesOf(image, internal, tree)) {
                if (!left.contains(cls) && !own.contains(Names.dotted(cls))) {
                    out.append("class ").append(Names.dotted(cls)).append('\n');
                }
            }
        }
        return out.toString();
    }

    private static Set<String> classesOf(JdkImage image, String pkg, boolean tree) {
        Set<String> out = new TreeSet<>();
        for (ClassInfo c : image.classes.values()) {
            String p = c.packageName();
            if (p.equals(pkg) || (tree && p.startsWith(pkg + "/"))) {
                out.add(c.name);
            }
        }
        return out;
    }
}
