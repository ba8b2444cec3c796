package dev.ballast.schedule;

/**
 * A cluster query language expression that does not parse: the message names the expression, the position
 * (1-based) and what was expected there.
 */
public final class InvalidQueryException extends IllegalArgumentException {
    private final String expression;

    InvalidQueryException(String expression, int position, String problem) {
        super("Invalid expression '" + clip(expression) + "': " + problem
                + (position < 0 ? "" : " (at position " + (position + 1) + ")") + ".");
        this.expression = expression;
    }

    /** The expression as written. */
    public String expression() {
        return expression;
    }

    private static String clip(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
