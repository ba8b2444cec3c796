package dev.ballast.schedule;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a cluster query language expression into tokens: parentheses, brackets, commas, the symbolic
 * operators ({@code == != > >= < <= =~ !~ !in !exists && || !}), quoted values ({@code '…'} or {@code "…"})
 * and bare words (subjects, word operators and unquoted values).
 */
final class QueryLexer {
    enum Kind {
        OPEN,
        CLOSE,
        COMMA,
        OPERATOR,
        AND,
        OR,
        BANG,
        WORD,
        QUOTED,
        END
    }

    record Token(Kind kind, String text, int position) {
        /** The token as the error messages quote it. */
        String quoted() {
            return kind == Kind.END ? "the end of the expression" : "'" + text + "'";
        }
    }

    private static final String STOP = " \t\r\n()[],'\"=!<>&|";

    private QueryLexer() {}

    static List<Token> tokens(String text) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int start = i;
            switch (c) {
                case '(', '[' -> out.add(new Token(Kind.OPEN, String.valueOf(c), i++));
                case ')', ']' -> out.add(new Token(Kind.CLOSE, String.valueOf(c), i++));
                case ',' -> out.add(new Token(Kind.COMMA, ",", i++));
                case '&', '|' -> {
                    if (i + 1 >= n || text.charAt(i + 1) != c) {
                        throw new InvalidQueryException(text, i, "'" + c + "' is not an operator; use '" + c + c + "'");
                    }
                    out.add(new Token(c == '&' ? Kind.AND : Kind.OR, "" + c + c, i));
                    i += 2;
                }
                case '=' -> {
                    char next = i + 1 < n ? text.charAt(i + 1) : ' ';
                    if (next != '=' && next != '~') {
                        throw new InvalidQueryException(text, i, "'=' is not an operator; use '==' or '=~'");
                    }
                    out.add(new Token(Kind.OPERATOR, "=" + next, i));
                    i += 2;
                }
                case '<', '>' -> {
                    boolean eq = i + 1 < n && text.charAt(i + 1) == '=';
                    out.add(new Token(Kind.OPERATOR, eq ? c + "=" : String.valueOf(c), i));
                    i += eq ? 2 : 1;
                }
                case '!' -> {
                    char next = i + 1 < n ? text.charAt(i + 1) : ' ';
                    if (next == '=' || next == '~') {
                        out.add(new Token(Kind.OPERATOR, "!" + next, i));
                        i += 2;
                    } else if (keywordAt(text, i + 1, "in") || keywordAt(text, i + 1, "exists")) {
                        String word = keywordAt(text, i + 1, "in") ? "!in" : "!exists";
                        out.add(new Token(Kind.OPERATOR, word, i));
                        i += word.length();
                    } else {
                        out.add(new Token(Kind.BANG, "!", i++));
                    }
                }
                case '\'', '"' -> {
                    int end = text.indexOf(c, i + 1);
                    if (end < 0) {
                        throw new InvalidQueryException(text, i, "the quoted value is not closed (missing " + c + ")");
                    }
                    out.add(new Token(Kind.QUOTED, text.substring(i + 1, end), start));
                    i = end + 1;
                }
                default -> {
                    while (i < n && STOP.indexOf(text.charAt(i)) < 0) {
                        i++;
                    }
                    out.add(new Token(Kind.WORD, text.substring(start, i), start));
                }
            }
        }
        out.add(new Token(Kind.END, "", n));
        return out;
    }

    /** Whether {@code word} stands at {@code at}, not followed by more of a word. */
    private static boolean keywordAt(String text, int at, String word) {
        return text.startsWith(word, at)
                && (at + word.length() >= text.length() || STOP.indexOf(text.charAt(at + word.length())) >= 0);
    }
}
