package dev.ballast.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.store.InstanceRow;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Regexes of {@code =~}: nested quantifiers refused when parsed, and every match held to a step budget. */
class QueryRegexTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "(a+)+",
                "((a+)+)+b",
                "(a*b?)*",
                "(x+x+)+y",
                "(\\d{2,})+",
                "((ab){2,}c)+",
                "(?:[a-z]+)*",
                "((a|b)+)+",
                "(a+){2,}"
            })
    void nestedQuantifiersAreRefused(String regex) {
        assertThat(QueryRegex.refusal(regex))
                .contains("nests a repeating quantifier")
                .contains(regex);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "t2.*",
                "m5\\..*",
                "(ab)+",
                "(a{2})+",
                "(a+)?",
                "(a+){1}",
                "(a+)(b+)",
                "[a+]+",
                "[(a+)]+",
                "\\(a+\\)+",
                "(\\p{Alpha})+",
                "(\\Qa+\\E)+",
                "service:(web|api)-.*"
            })
    void ordinaryRegexesAreAccepted(String regex) {
        assertThat(QueryRegex.refusal(regex)).isNull();
    }

    @Test
    void aMatchPastTheBudgetCountsAsNoMatch() {
        // .*.*.*.*y tries about 1.9 million splits of 60 characters (counted) before .* matches everything
        Pattern expensive = Pattern.compile(".*.*.*.*y|.*");
        assertThat(QueryRegex.refusal(expensive.pattern()))
                .as("not caught by the parse check")
                .isNull();
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
