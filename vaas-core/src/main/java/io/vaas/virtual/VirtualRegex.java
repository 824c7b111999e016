package io.vaas.virtual;

import io.vaas.guard.KillSwitch;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Regular expressions for guest code, matched over input that checks the app's kill switch: the JDK's regex engine
 * has no guards of its own, so a pattern that backtracks catastrophically ({@code (a+)+b} over a long run of
 * {@code a}) would run until it returned, past any deadline. Every character the engine reads goes through
 * {@link GuardedChars#charAt}, which stops the call when the app's switch is tripped for it.
 *
 * <p>Takes the calling class last, like every entry point here. Not for direct use.
 */
public final class VirtualRegex {

    private VirtualRegex() {
    }

    /**
     * A character sequence over another that checks a kill switch as it is read: one volatile read per character,
     * and the switch's check only while it is tripped.
     */
    static final class GuardedChars implements CharSequence {
        private final CharSequence chars;
        private final KillSwitch killSwitch;

        GuardedChars(CharSequence chars, KillSwitch killSwitch) {
            this.chars = chars;
            this.killSwitch = killSwitch;
        }

        @Override
        public char charAt(int index) {
            if (killSwitch.tripped()) {
                killSwitch.check();
            }
            return chars.charAt(index);
        }

        @Override
        public int length() {
            return chars.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            // What matching hands back (groups, split parts) is the app's own text, not this wrapper.
            return chars.subSequence(start, end);
        }

        @Override
        public String toString() {
            return chars.toString();
        }
    }

    private static CharSequence guarded(CharSequence input, Class<?> caller) {
        return input == null || input instanceof GuardedChars ? input
                : new GuardedChars(input, AppContext.of(caller).killSwitch());
    }

    /** Whether {@code regex} has no character that means anything to the engine: matching it cannot backtrack. */
    private static boolean literal(String regex) {
        for (int i = 0; i < regex.length(); i++) {
            if (".$|()[]{}^?*+\\".indexOf(regex.charAt(i)) >= 0) {
                return false;
            }
        }
        return true;
    }

    // java.util.regex.Pattern ----------------------------------------------------------------------------------

    public static Matcher matcher(Pattern pattern, CharSequence input, Class<?> caller) {
        return pattern.matcher(guarded(input, caller));
    }

    public static boolean matches(String regex, CharSequence input, Class<?> caller) {
        return Pattern.compile(regex).matcher(guarded(input, caller)).matches();
    }

    public static String[] split(Pattern pattern, CharSequence input, Class<?> caller) {
        return pattern.split(guarded(input, caller));
    }

    public static String[] split(Pattern pattern, CharSequence input, int limit, Class<?> caller) {
        return pattern.split(guarded(input, caller), limit);
    }

    public static String[] splitWithDelimiters(Pattern pattern, CharSequence input, int limit, Class<?> caller) {
        return pattern.splitWithDelimiters(guarded(input, caller), limit);
    }

    public static Stream<String> splitAsStream(Pattern pattern, CharSequence input, Class<?> caller) {
        return pattern.splitAsStream(guarded(input, caller));
    }

    // java.util.regex.Matcher ----------------------------------------------------------------------------------

    public static Matcher reset(Matcher matcher, CharSequence input, Class<?> caller) {
        return matcher.reset(guarded(input, caller));
    }

    // java.lang.String -----------------------------------------------------------------------------------------

    public static boolean matches(String s, String regex, Class<?> caller) {
        return Pattern.compile(regex).matcher(guarded(s, caller)).matches();
    }

    public static String replaceAll(String s, String regex, String replacement, Class<?> caller) {
        return replace(s, regex, replacement, true, caller);
    }

    public static String replaceFirst(String s, String regex, String replacement, Class<?> caller) {
        return replace(s, regex, replacement, false, caller);
    }

    /**
     * The matches are found over the guarded input; with a literal replacement (no {@code $} or {@code \}, the
     * common case) the result is built from the original string, so copying the text between matches does not read
     * it character by character through the wrapper.
     */
    private static String replace(String s, String regex, String replacement, boolean all, Class<?> caller) {
        Matcher m = Pattern.compile(regex).matcher(guarded(s, caller));
        if (replacement.indexOf('$') >= 0 || replacement.indexOf('\\') >= 0) {
            return all ? m.replaceAll(replacement) : m.replaceFirst(replacement);
        }
        if (!m.find()) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        int last = 0;
        do {
            out.append(s, last, m.start()).append(replacement);
            last = m.end();
        } while (all && m.find());
        return out.append(s, last, s.length()).toString();
    }

    public static String[] split(String s, String regex, Class<?> caller) {
        return split(s, regex, 0, caller);
    }

    public static String[] split(String s, String regex, int limit, Class<?> caller) {
        // A literal separator (the common case: "," or ", ") takes the JDK's fast path, which has no regex to run.
        return literal(regex) ? s.split(regex, limit) : Pattern.compile(regex).split(guarded(s, caller), limit);
    }

    public static String[] splitWithDelimiters(String s, String regex, int limit, Class<?> caller) {
        return Pattern.compile(regex).splitWithDelimiters(guarded(s, caller), limit);
    }
}
