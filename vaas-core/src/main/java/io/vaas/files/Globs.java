package io.vaas.files;

import java.util.regex.PatternSyntaxException;

/**
 * {@code glob:} patterns as regular expressions over the app's path text, with the meaning
 * {@link java.nio.file.FileSystem#getPathMatcher} gives them: {@code *} and {@code ?} stay within a name,
 * {@code **} crosses names, {@code [...]} and {@code [!...]} are character classes, {@code {a,b}} alternatives,
 * {@code \} escapes. Done here rather than by the host's file system so that the separator is always {@code "/"}.
 */
final class Globs {

    private static final String REGEX_SPECIALS = "\\^$.|?*+()[]{}";

    private Globs() {
    }

    static String toRegex(String glob) {
        StringBuilder regex = new StringBuilder("^");
        boolean inGroup = false;
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i++);
            switch (c) {
                case '\\' -> {
                    if (i == glob.length()) {
                        throw new PatternSyntaxException("nothing to escape", glob, i - 1);
                    }
                    literal(regex, glob.charAt(i++));
                }
                case '*' -> {
                    if (i < glob.length() && glob.charAt(i) == '*') {
                        regex.append(".*");
                        i++;
                    } else {
                        regex.append("[^/]*");
                    }
                }
                case '?' -> regex.append("[^/]");
                case '[' -> i = characterClass(glob, i, regex);
                case '{' -> {
                    if (inGroup) {
                        throw new PatternSyntaxException("groups cannot be nested", glob, i - 1);
                    }
                    regex.append("(?:");
                    inGroup = true;
                }
                case '}' -> {
                    if (inGroup) {
                        regex.append(')');
                        inGroup = false;
                    } else {
                        literal(regex, c);
                    }
                }
                case ',' -> regex.append(inGroup ? "|" : ",");
                default -> literal(regex, c);
            }
        }
        if (inGroup) {
            throw new PatternSyntaxException("missing '}'", glob, glob.length());
        }
        return regex.append('$').toString();
    }

    /** Appends the class that starts after the '[' at {@code i - 1}; returns the index after its ']'. */
    private static int characterClass(String glob, int i, StringBuilder regex) {
        regex.append("[[^/]&&[");
        if (i < glob.length() && glob.charAt(i) == '!') {
            regex.append('^');
            i++;
        }
        boolean first = true;
        while (i < glob.length()) {
            char c = glob.charAt(i++);
            if (c == ']' && !first) {
                return closeClass(regex, i);
            }
            if (c == '/') {
                throw new PatternSyntaxException("'/' cannot be in a character class", glob, i - 1);
            }
            if (c == '-' && !first && i < glob.length() && glob.charAt(i) != ']') {
                regex.append('-');
            } else if (c == '\\' || c == '[' || c == '&' || c == '^' || c == ']' || c == '-') {
                regex.append('\\').append(c);
            } else {
                regex.append(c);
            }
            first = false;
        }
        throw new PatternSyntaxException("missing ']'", glob, glob.length());
    }

    private static int closeClass(StringBuilder regex, int i) {
        regex.append("]]");
        return i;
    }

    private static void literal(StringBuilder regex, char c) {
        if (REGEX_SPECIALS.indexOf(c) >= 0) {
            regex.append('\\');
        }
        regex.append(c);
    }
}
