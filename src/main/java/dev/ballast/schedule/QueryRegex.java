package dev.ballast.schedule;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The regular expressions of {@code =~} / {@code !~}, kept from stalling placement: {@link #matches} reads the
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
