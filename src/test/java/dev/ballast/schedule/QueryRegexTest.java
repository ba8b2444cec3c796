package dev.ballast.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.store.InstanceRow;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Regexes of {@code =~}: every match held to a step budget, so none can stall placement. */
class QueryRegexTest {
    @Test
    void nestedQuantifiersThatDoNotBacktrackBadlyAreAccepted() {
        // the shapes users write for versions and names: served, and held to the budget like every match
        ClusterQuery.parse("attribute:v =~ \"(\\d+\\.)+\\d+\"");
        ClusterQuery.parse("attribute:n =~ \"[a-z]+(-[a-z0-9]+)*\"");
        assertThat(QueryRegex.matches(Pattern.compile("(\\d+\\.)+\\d+"), "1.27.3"))
                .isTrue();
        assertThat(QueryRegex.matches(Pattern.compile("[a-z]+(-[a-z0-9]+)*"), "web-api-2"))
                .isTrue();
        assertThat(QueryRegex.matches(Pattern.compile("((a+)+)+b"), "a".repeat(40)))
                .as("a catastrophic one gives up within the budget: no match")
                .isFalse();
    }

    @Test
    void aMatchPastTheBudgetCountsAsNoMatch() {
        // .*.*.*.*y tries about 1.9 million splits of 60 characters (counted) before .* matches everything
        Pattern expensive = Pattern.compile(".*.*.*.*y|.*");
        assertThat(QueryRegex.matches(expensive, "a".repeat(60))).isFalse();
        assertThat(QueryRegex.matches(expensive, "a".repeat(60)))
                .as("again, logged once")
                .isFalse();
        assertThat(QueryRegex.matches(expensive, "a".repeat(10)))
                .as("within budget: the real answer")
                .isTrue();
    }

    @Test
    void ordinaryMatchesAreUnchanged() {
        assertThat(QueryRegex.matches(Pattern.compile("t2\\..*"), "t2.small")).isTrue();
        assertThat(QueryRegex.matches(Pattern.compile("t2\\..*"), "m5.large")).isFalse();
        assertThat(QueryRegex.matches(Pattern.compile("(ab)+"), "ab".repeat(60)))
                .isTrue();
        assertThat(ClusterQuery.parse("attribute:x =~ \".*.*.*.*y|.*\"")
                        .matches(instanceWithX("a".repeat(60)), List.of(), 0))
                .as("through the query: over budget is no match")
                .isFalse();
    }

    private static InstanceRow instanceWithX(String x) {
        return new InstanceRow(
                "arn:aws:ecs:us-east-1:000000000000:container-instance/default/abc",
                "default",
                "arn:aws:ecs:us-east-1:000000000000:cluster/default",
                "i-0abc",
                "ACTIVE",
                true,
                1024,
                1024,
                Map.of("x", x),
                "1.83.0",
                0);
    }
}
