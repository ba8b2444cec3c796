package dev.ballast.schedule;

import dev.ballast.schedule.ClusterQuery.Comparison;
import dev.ballast.schedule.ClusterQuery.Node;
import dev.ballast.schedule.ClusterQuery.Operator;
import dev.ballast.schedule.ClusterQuery.Subject;
import dev.ballast.schedule.QueryLexer.Kind;
import dev.ballast.schedule.QueryLexer.Token;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Recursive-descent parser of the cluster query language: {@code or} binds loosest, then {@code and}, then
 * {@code not}; a comparison is {@code subject operator [argument]}, the argument of {@code in} / {@code !in}
 * a list in brackets or parentheses. Arguments are checked against their subject here (integers, dates,
 * versions, regular expressions), so evaluation cannot fail.
 */
final class QueryParser {
    private final String text;
    private final List<Token> tokens;
    private int at;

    private QueryParser(String text) {
        this.text = text;
        this.tokens = QueryLexer.tokens(text);
    }

    static Node parse(String text) {
        QueryParser p = new QueryParser(text);
        if (p.peek().kind() == Kind.END) {
            throw new InvalidQueryException(text, -1, "the expression is empty");
        }
        Node n = p.or();
        if (p.peek().kind() != Kind.END) {
            throw p.error(
                    p.peek(),
                    "expected 'and', 'or' or the end of the expression, found "
                            + p.peek().quoted());
        }
        return n;
    }

    private Node or() {
        Node left = and();
        while (isWord(peek(), "or") || peek().kind() == Kind.OR) {
            at++;
            left = new ClusterQuery.Or(left, and());
        }
        return left;
    }

    private Node and() {
        Node left = unary();
        while (isWord(peek(), "and") || peek().kind() == Kind.AND) {
            at++;
            left = new ClusterQuery.And(left, unary());
        }
        return left;
    }

    private Node unary() {
        Token t = peek();
        if (t.kind() == Kind.BANG || isWord(t, "not")) {
            at++;
            return new ClusterQuery.Not(unary());
        }
        if (t.kind() == Kind.OPEN && t.text().equals("(")) {
            at++;
            Node inner = or();
            expectClose(t, ")");
            return inner;
        }
        return comparison();
    }

    private Node comparison() {
        Token s = next();
        if (s.kind() != Kind.WORD) {
            throw error(
                    s,
                    "expected a subject (attribute:NAME, ec2InstanceId, registeredAt, runningTasksCount, "
                            + "agentConnected, agentVersion or task:group), found " + s.quoted());
        }
        Subject subject = Subject.of(s.text());
        String attribute = null;
        if (subject == null) {
            throw error(
                    s,
                    "unknown subject " + s.quoted() + ": expected attribute:NAME, ec2InstanceId, registeredAt, "
                            + "runningTasksCount, agentConnected, agentVersion or task:group");
        }
        if (subject == Subject.ATTRIBUTE) {
            attribute = s.text().substring("attribute:".length());
            if (attribute.isEmpty()) {
                throw error(s, "'attribute:' needs an attribute name");
            }
        }
        Token o = next();
        Operator op = o.kind() == Kind.OPERATOR || o.kind() == Kind.WORD ? Operator.of(o.text()) : null;
        if (op == null) {
            throw error(o, "expected an operator after " + s.quoted() + ", found " + o.quoted());
        }
        if (!subject.allows(op)) {
            throw error(o, "operator " + o.quoted() + " cannot be used with " + s.quoted());
        }
        List<String> values = new ArrayList<>();
        if (op == Operator.IN || op == Operator.NOT_IN) {
            Token open = next();
            if (open.kind() != Kind.OPEN) {
                throw error(open, "expected a list such as [a, b] after " + o.quoted() + ", found " + open.quoted());
            }
            values.add(value(o));
            while (peek().kind() == Kind.COMMA) {
                at++;
                values.add(value(o));
            }
            expectClose(open, open.text().equals("(") ? ")" : "]");
        } else if (op != Operator.EXISTS && op != Operator.NOT_EXISTS) {
            values.add(value(o));
        }
        return new Comparison(subject, attribute, op, values, patterns(op, values, o), numbers(subject, op, values, o));
    }

    private String value(Token after) {
        Token v = next();
        if (v.kind() != Kind.WORD && v.kind() != Kind.QUOTED) {
            throw error(v, "expected a value after " + after.quoted() + ", found " + v.quoted());
        }
        return v.text();
    }

    private List<Pattern> patterns(Operator op, List<String> values, Token o) {
        if (op != Operator.MATCHES && op != Operator.NOT_MATCHES) {
            return List.of();
        }
        try {
            return List.of(Pattern.compile(values.getFirst()));
        } catch (PatternSyntaxException e) {
            throw error(
                    o, "'" + values.getFirst() + "' is not a valid regular expression (" + e.getDescription() + ")");
        }
    }

    /** The numeric form of the arguments of subjects compared as numbers (counts, dates, versions). */
    private long[][] numbers(Subject subject, Operator op, List<String> values, Token o) {
        long[][] out = new long[values.size()][];
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            out[i] = switch (subject) {
                case RUNNING_TASKS_COUNT -> {
                    if (!v.matches("\\d{1,9}")) {
                        throw error(o, "runningTasksCount compares with a whole number, not '" + v + "'");
                    }
                    yield new long[] {Long.parseLong(v)};
                }
                case REGISTERED_AT -> date(v, o);
                case AGENT_VERSION -> {
                    long[] version = ClusterQuery.version(v);
                    if (version == null) {
                        throw error(o, "agentVersion compares with a version such as 1.83.0, not '" + v + "'");
                    }
                    yield version;
                }
                case AGENT_CONNECTED -> {
                    String b = v.toLowerCase(Locale.ROOT);
                    if (!b.equals("true") && !b.equals("false") && !op.isMatch()) {
                        throw error(o, "agentConnected compares with true or false, not '" + v + "'");
                    }
                    yield null;
                }
                default -> null;
            };
        }
        return out;
    }

    /**
     * A registeredAt argument as {epoch second, unit}: unit 86400 for a date (compared by day), 1 for a time.
     * Formats as ECS documents them: {@code 2018-06-18T22:28:28+00:00}, {@code …Z}, {@code 2018-06-18T22:28:28},
     * {@code 2018-06-18}.
     */
    private long[] date(String v, Token o) {
        try {
            if (v.length() == 10) {
                return new long[] {LocalDate.parse(v).toEpochDay() * 86400, 86400};
            }
            if (v.endsWith("Z") || v.matches(".*[+-]\\d\\d:\\d\\d$")) {
                return new long[] {OffsetDateTime.parse(v).toEpochSecond(), 1};
            }
            return new long[] {LocalDateTime.parse(v).toEpochSecond(ZoneOffset.UTC), 1};
        } catch (DateTimeParseException e) {
            throw error(
                    o, "registeredAt compares with a date such as 2018-06-18 or 2018-06-18T22:28:28Z, not '" + v + "'");
        }
    }

    private void expectClose(Token open, String close) {
        Token t = next();
        if (t.kind() != Kind.CLOSE || !t.text().equals(close)) {
            throw error(
                    t,
                    "expected '" + close + "' to close the '" + open.text() + "' at position " + (open.position() + 1)
                            + ", found " + t.quoted());
        }
    }

    private static boolean isWord(Token t, String word) {
        return t.kind() == Kind.WORD && t.text().equalsIgnoreCase(word);
    }

    private Token peek() {
        return tokens.get(at);
    }

    private Token next() {
        Token t = tokens.get(at);
        if (t.kind() != Kind.END) {
            at++;
        }
        return t;
    }

    private InvalidQueryException error(Token t, String problem) {
        return new InvalidQueryException(text, t.position(), problem);
    }
}
