package dev.ballast.schedule;

import dev.ballast.store.InstanceRow;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An expression of ECS's cluster query language (Amazon ECS developer guide, "Create expressions to define
 * container instances"), parsed once and evaluated against container instances: {@code subject operator
 * [argument]} comparisons joined by {@code and}/{@code &&}, {@code or}/{@code ||}, {@code not}/{@code !} and
 * parentheses. Subjects: {@code attribute:NAME}, {@code ec2InstanceId}, {@code registeredAt},
 * {@code runningTasksCount}, {@code agentConnected}, {@code agentVersion}, {@code task:group} (true when
 * any task on the instance is of the group for {@code ==}, {@code in} and {@code =~}; their negations hold
 * when none is). {@code =~} / {@code !~} take a Java regular expression that must match the whole value
 * (without nested quantifiers, and within a step budget: {@link QueryRegex}).
 */
public final class ClusterQuery {
    /** The longest expression ECS accepts. */
    public static final int MAX_LENGTH = 2000;

    private final String text;
    private final Node root;

    private ClusterQuery(String text, Node root) {
        this.text = text;
        this.root = root;
    }

    /**
     * @throws InvalidQueryException naming the expression, the position and what was expected there
     */
    public static ClusterQuery parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidQueryException(text == null ? "" : text, -1, "the expression is empty");
        }
        if (text.length() > MAX_LENGTH) {
            throw new InvalidQueryException(
                    text, -1, "an expression has at most " + MAX_LENGTH + " characters, this one " + text.length());
        }
        return new ClusterQuery(text, QueryParser.parse(text));
    }

    /** The expression as written. */
    public String text() {
        return text;
    }

    /**
     * @param taskGroups the groups of the live tasks on the instance (one entry per task)
     * @param runningTasksCount the instance's RUNNING tasks
     */
    public boolean matches(InstanceRow instance, Collection<String> taskGroups, int runningTasksCount) {
        return root.test(instance, taskGroups, runningTasksCount);
    }

    /** Whether the expression looks at the instance's tasks (its answer changes as tasks are placed). */
    public boolean readsTasks() {
        return root.readsTasks();
    }

    @Override
    public String toString() {
        return text;
    }

    sealed interface Node permits And, Or, Not, Comparison {
        boolean test(InstanceRow i, Collection<String> groups, int running);

        boolean readsTasks();
    }

    record And(Node left, Node right) implements Node {
        public boolean test(InstanceRow i, Collection<String> groups, int running) {
            return left.test(i, groups, running) && right.test(i, groups, running);
        }

        public boolean readsTasks() {
            return left.readsTasks() || right.readsTasks();
        }
    }

    record Or(Node left, Node right) implements Node {
        public boolean test(InstanceRow i, Collection<String> groups, int running) {
            return left.test(i, groups, running) || right.test(i, groups, running);
        }

        public boolean readsTasks() {
            return left.readsTasks() || right.readsTasks();
        }
    }

    record Not(Node inner) implements Node {
        public boolean test(InstanceRow i, Collection<String> groups, int running) {
            return !inner.test(i, groups, running);
        }

        public boolean readsTasks() {
            return inner.readsTasks();
        }
    }

    /** The subjects, each with the operators ECS documents for it. */
    enum Subject {
        ATTRIBUTE(true, true, true),
        EC2_INSTANCE_ID(false, true, false),
        REGISTERED_AT(true, false, false),
        RUNNING_TASKS_COUNT(true, false, false),
        AGENT_CONNECTED(false, true, false),
        AGENT_VERSION(true, false, false),
        TASK_GROUP(false, true, false);

        private final boolean ordered;
        private final boolean sets;
        private final boolean exists;

        Subject(boolean ordered, boolean sets, boolean exists) {
            this.ordered = ordered;
            this.sets = sets;
            this.exists = exists;
        }

        static Subject of(String word) {
            if (word.startsWith("attribute:")) {
                return ATTRIBUTE;
            }
            return switch (word) {
                case "ec2InstanceId" -> EC2_INSTANCE_ID;
                case "registeredAt" -> REGISTERED_AT;
                case "runningTasksCount" -> RUNNING_TASKS_COUNT;
                case "agentConnected" -> AGENT_CONNECTED;
                case "agentVersion" -> AGENT_VERSION;
                case "task:group" -> TASK_GROUP;
                default -> null;
            };
        }

        boolean allows(Operator op) {
            return switch (op) {
                case EQUALS, NOT_EQUALS -> true;
                case GREATER, GREATER_EQUAL, LESS, LESS_EQUAL -> ordered;
                case IN, NOT_IN, MATCHES, NOT_MATCHES -> sets;
                case EXISTS, NOT_EXISTS -> exists;
            };
        }
    }

    /** The operators, in their symbol and word spellings. */
    enum Operator {
        EQUALS("==", "equals"),
        NOT_EQUALS("!=", "not_equals"),
        GREATER(">", "greater_than"),
        GREATER_EQUAL(">=", "greater_than_equal"),
        LESS("<", "less_than"),
        LESS_EQUAL("<=", "less_than_equal"),
        EXISTS("exists", "exists"),
        NOT_EXISTS("!exists", "not_exists"),
        IN("in", "in"),
        NOT_IN("!in", "not_in"),
        MATCHES("=~", "matches"),
        NOT_MATCHES("!~", "not_matches");

        private final String symbol;
        private final String word;

        Operator(String symbol, String word) {
            this.symbol = symbol;
            this.word = word;
        }

        static Operator of(String token) {
            for (Operator o : values()) {
                if (o.symbol.equals(token) || o.word.equalsIgnoreCase(token)) {
                    return o;
                }
            }
            return null;
        }

        boolean isMatch() {
            return this == MATCHES || this == NOT_MATCHES;
        }

        boolean negated() {
            return this == NOT_EQUALS || this == NOT_IN || this == NOT_MATCHES || this == NOT_EXISTS;
        }
    }

    /**
     * One {@code subject operator [argument]}. {@code numbers} holds, per argument, the parsed number of a
     * count ({value}), a date ({epoch second, unit}) or a version (its components); null for text subjects.
     */
    record Comparison(
            Subject subject,
            String attribute,
            Operator op,
            List<String> values,
            List<Pattern> patterns,
            long[][] numbers)
            implements Node {
        public boolean readsTasks() {
            return subject == Subject.TASK_GROUP || subject == Subject.RUNNING_TASKS_COUNT;
        }

        public boolean test(InstanceRow i, Collection<String> groups, int running) {
            return switch (subject) {
                case ATTRIBUTE -> attribute(i.attributes());
                case EC2_INSTANCE_ID -> text(i.ec2InstanceId());
                case AGENT_CONNECTED -> text(Boolean.toString(i.agentConnected()));
                case TASK_GROUP -> {
                    boolean any = false;
                    for (String g : groups) {
                        if (g != null && positive(g)) {
                            any = true;
                            break;
                        }
                    }
                    yield op.negated() != any;
                }
                case RUNNING_TASKS_COUNT -> order(Long.compare(running, numbers[0][0]));
                case REGISTERED_AT -> {
                    long unit = numbers[0][1];
                    yield order(Long.compare(Math.floorDiv(i.registeredAt() / 1000, unit) * unit, numbers[0][0]));
                }
                case AGENT_VERSION -> {
                    long[] v = version(i.agentVersion());
                    yield v != null && order(compareVersions(v, numbers[0]));
                }
            };
        }

        private boolean attribute(Map<String, String> attributes) {
            boolean present = attributes != null && attributes.containsKey(attribute);
            if (op == Operator.EXISTS || op == Operator.NOT_EXISTS) {
                return present == (op == Operator.EXISTS);
            }
            String value = present ? attributes.get(attribute) : null;
            return switch (op) {
                case GREATER, GREATER_EQUAL, LESS, LESS_EQUAL -> value != null && order(compareValues(value));
                default -> text(value);
            };
        }

        /** A text comparison: ==, in, =~ and their negations; a missing value equals nothing. */
        private boolean text(String value) {
            boolean hit = value != null && positive(value);
            return op.negated() != hit;
        }

        private boolean positive(String value) {
            return switch (op) {
                case MATCHES, NOT_MATCHES -> QueryRegex.matches(patterns.getFirst(), value);
                case IN, NOT_IN -> values.contains(value);
                default -> values.getFirst().equals(value);
            };
        }

        private boolean order(int cmp) {
            return switch (op) {
                case EQUALS -> cmp == 0;
                case NOT_EQUALS -> cmp != 0;
                case GREATER -> cmp > 0;
                case GREATER_EQUAL -> cmp >= 0;
                case LESS -> cmp < 0;
                case LESS_EQUAL -> cmp <= 0;
                default -> false;
            };
        }

        /** Attribute values compare as numbers when both are numbers, else as text. */
        private int compareValues(String value) {
            String arg = values.getFirst();
            try {
                return Double.compare(Double.parseDouble(value), Double.parseDouble(arg));
            } catch (NumberFormatException e) {
                return value.compareTo(arg);
            }
        }
    }

    /** A version's numeric components ({@code 1.83.0}, an optional leading {@code v}), or null when it has none. */
    static long[] version(String v) {
        if (v == null) {
            return null;
        }
        String s = v.startsWith("v") ? v.substring(1) : v;
        int end = 0;
        while (end < s.length() && (Character.isDigit(s.charAt(end)) || s.charAt(end) == '.')) {
            end++;
        }
        String core = s.substring(0, end);
        if (!core.matches("\\d{1,9}(\\.\\d{1,9})*")) {
            return null;
        }
        String[] parts = core.split("\\.");
        long[] out = new long[parts.length];
        for (int k = 0; k < parts.length; k++) {
            out[k] = Long.parseLong(parts[k]);
        }
        return out;
    }

    private static int compareVersions(long[] a, long[] b) {
        for (int k = 0; k < Math.max(a.length, b.length); k++) {
            long x = k < a.length ? a[k] : 0;
            long y = k < b.length ? b[k] : 0;
            if (x != y) {
                return Long.compare(x, y);
            }
        }
        return 0;
    }
}
