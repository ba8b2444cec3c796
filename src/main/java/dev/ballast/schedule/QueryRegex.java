package dev.ballast.schedule;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The regular expressions of {@code =~} / {@code !~}, kept from stalling placement: {@link #refusal} turns away
 * nested quantifiers at parse time ({@code (a+)+}, the classic catastrophic shape), and {@link #matches} reads the
 * value through a {@link CharSequence} that counts the regex engine's reads, so a match that needs more than
 * {@link #STEP_BUDGET} of them stops there and counts as no match (logged once per expression). A cluster's
 * placement runs under a lock, so no expression may hold it long.
 */
final class QueryRegex {
    /**
     * Character reads one match may make: about a millisecond of matching, far beyond what any regex over an
     * attribute value (at most 128 characters) needs when it does not backtrack catastrophically.
     */
    static final int STEP_BUDGET = 1_000_000;

    private static final Logger LOG = LoggerFactory.getLogger(QueryRegex.class);
    /** Expressions already logged as over budget (bounded: past it, nothing more is remembered or logged). */
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

    private static final int LOGGED_LIMIT = 1_000;

    private QueryRegex() {}

    /**
     * Why {@code regex} is refused, or null when it is accepted: a quantified group that itself holds a
     * repeating quantifier ({@code (a+)+}, {@code (a*b?)*}, {@code ((ab){2,})+}) can take time exponential in the
     * value's length.
     */
    static String refusal(String regex) {
        // per open group: whether it holds a repeating quantifier (*, +, {n,} or {n,m} with m > 1)
        boolean[] repeats = new boolean[regex.length() + 1];
        int depth = 0;
        int i = 0;
        while (i < regex.length()) {
            char c = regex.charAt(i);
            if (c == '\\') {
                i += escapeLength(regex, i);
                continue;
            }
            if (c == '[') {
                i = classEnd(regex, i);
                continue;
            }
            if (c == '(') {
                repeats[++depth] = false;
                i++;
                continue;
            }
            if (c == ')' && depth > 0) {
                boolean inner = repeats[depth--];
                int q = quantifierEnd(regex, i + 1);
                if (q > i + 1 && inner) {
                    return "'" + regex + "' nests a repeating quantifier inside a repeated group, which can take"
                            + " exponential time; write it without the nesting";
                }
                if (q > i + 1 || inner) {
                    repeats[depth] = true; // the outer group now holds a repetition too
                }
                i = Math.max(q, i + 1);
                continue;
            }
            int q = quantifierEnd(regex, i);
            if (q > i) {
                repeats[depth] = true;
                i = q;
                continue;
            }
            i++;
        }
        return null;
    }

    /**
     * Whether {@code pattern} matches all of {@code value}; false when the match needs more than
     * {@link #STEP_BUDGET} character reads.
     */
    static boolean matches(Pattern pattern, String value) {
        try {
            return pattern.matcher(new Budgeted(value, STEP_BUDGET)).matches();
        } catch (OverBudget e) {
            if (LOGGED.size() < LOGGED_LIMIT && LOGGED.add(pattern.pattern())) {
                LOG.warn(
                        "the regular expression '{}' gave up matching '{}' after {} steps; counted as no match",
                        pattern.pattern(),
                        value.length() <= 64 ? value : value.substring(0, 64) + "…",
                        STEP_BUDGET);
            }
            return false;
        }
    }

    /** The end (exclusive) of a repeating quantifier starting at {@code i} (with its lazy/possessive suffix), else {@code i}. */
    private static int quantifierEnd(String s, int i) {
        if (i >= s.length()) {
            return i;
        }
        char c = s.charAt(i);
        int end;
        if (c == '*' || c == '+') {
            end = i + 1;
        } else if (c == '{') {
            int close = s.indexOf('}', i);
            if (close < 0) {
                return i;
            }
            String body = s.substring(i + 1, close);
            // {n} is an exact count and {n,1} repeats at most once: no choice to backtrack over; {n,} and
            // {n,m>1} choose how often
            boolean repeating =
                    body.endsWith(",") || (body.contains(",") && parse(body.substring(body.indexOf(',') + 1)) > 1);
            if (!repeating) {
                return i;
            }
            end = close + 1;
        } else {
            return i;
        }
        return end < s.length() && (s.charAt(end) == '?' || s.charAt(end) == '+') ? end + 1 : end;
    }

    private static long parse(String digits) {
        try {
            return Long.parseLong(digits.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The index after the character class opening at {@code i} (nested classes and escapes included). */
    private static int classEnd(String s, int i) {
        int depth = 0;
        int k = i;
        while (k < s.length()) {
            char c = s.charAt(k);
            if (c == '\\') {
                k += 2;
                continue;
            }
            if (c == '[') {
                depth++;
                // a ']' right after '[' or '[^' is a literal
                if (k + 1 < s.length() && s.charAt(k + 1) == '^') {
                    k++;
                }
                if (k + 1 < s.length() && s.charAt(k + 1) == ']') {
                    k++;
                }
            } else if (c == ']' && --depth == 0) {
                return k + 1;
            }
            k++;
        }
        return s.length();
    }

    /** The length of the escape starting at {@code i}: {@code \Q…\E}, {@code \p{…}} / {@code \x{…}}, or two characters. */
    private static int escapeLength(String s, int i) {
        if (s.startsWith("\\Q", i)) {
            int end = s.indexOf("\\E", i + 2);
            return end < 0 ? s.length() - i : end + 2 - i;
        }
        if (i + 2 < s.length() && s.charAt(i + 2) == '{' && "pPxNk".indexOf(s.charAt(i + 1)) >= 0) {
            int close = s.indexOf('}', i + 2);
            return close < 0 ? s.length() - i : close + 1 - i;
        }
        return 2;
    }

    private static final class OverBudget extends RuntimeException {
        OverBudget() {
            super(null, null, false, false);
        }
    }

    /** A value whose reads are counted; past the budget a read throws {@link OverBudget}. */
    private static final class Budgeted implements CharSequence {
        private final String value;
        private final int[] left;

        Budgeted(String value, int budget) {
            this(value, new int[] {budget});
        }

        private Budgeted(String value, int[] left) {
            this.value = value;
            this.left = left;
        }

        @Override
        public int length() {
            return value.length();
        }

        @Override
        public char charAt(int index) {
            if (--left[0] < 0) {
                throw new OverBudget();
            }
            return value.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Budgeted(value.substring(start, end), left);
        }

        @Override
        public String toString() {
            return value;
        }
    }
}
