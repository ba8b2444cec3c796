package dev.ballast.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.model.Layer;
import dev.ballast.model.Mode;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Specificity within a layer (issue 9, item 13): the most literal characters win, then the fewest
 * wildcards; in the account layer a catalog entry beats a user's {@code *} unless an account rule with its
 * pattern (or a more specific one) overrides it; mirrors of catalog images are recognised by repository
 * path suffix.
 */
class PolicySpecificityTest {
    private static final PolicyEvaluator EVALUATOR = new PolicyEvaluator(ManagedCatalog.builtIn());

    @ParameterizedTest(name = "{0} is more specific than {1}")
    @CsvSource(delimiter = '|', textBlock = """
            docker.io/datadog/agent:*   | *
            docker.io/datadog/agent:*   | */datadog/agent:*
            */datadog/agent:*           | *agent*
            nginx:1                     | nginx:*
            ab*                         | a*b*
            docker.io/library/nginx:1   | *
            """)
    void specificity_orders_literals_then_fewer_wildcards(String more, String less) {
        assertThat(new ImagePattern(more).specificity()).isGreaterThan(new ImagePattern(less).specificity());
    }

    @Test
    void specificity_counts() {
        assertThat(new ImagePattern("*/datadog/agent:*").specificity()).isEqualTo(new ImagePattern.Specificity(15, 2));
        assertThat(new ImagePattern("*").specificity()).isEqualTo(new ImagePattern.Specificity(0, 1));
    }

    /** Account rules as pattern=mode pairs separated by spaces; expected: mode, layer, rule ('-' for none). */
    @ParameterizedTest(name = "{0} with account rules [{1}]")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            datadog/agent:7                                       | *=consistent                                        | disabled    | managed-catalog | docker.io/datadog/agent:*
            datadog/agent:7                                       | *=consistent docker.io/datadog/agent:*=consistent   | consistent  | account-rule    | docker.io/datadog/agent:*
            datadog/agent:7                                       | *=consistent docker.io/datadog/agent:7=best-effort  | best-effort | account-rule    | docker.io/datadog/agent:7
            datadog/agent:7                                       | */datadog/agent:*=consistent                        | disabled    | managed-catalog | docker.io/datadog/agent:*
            ghcr.io/acme/app:1                                    | *=consistent                                        | consistent  | account-rule    | *
            public.ecr.aws/xray/aws-xray-daemon:3                 | public.ecr.aws/*=consistent                         | disabled    | managed-catalog | public.ecr.aws/xray/aws-xray-daemon:*
            127.0.0.1:5000/docker-hub/datadog/agent:7             | *=consistent                                        | disabled    | managed-catalog | docker.io/datadog/agent:*
            harbor.example/dockerhub-proxy/datadog/agent:7.52     | harbor.example/*=consistent                         | disabled    | managed-catalog | docker.io/datadog/agent:*
            harbor.example/dockerhub-proxy/datadog/agent:7.52     | harbor.example/dockerhub-proxy/datadog/agent:*=best-effort | best-effort | account-rule | harbor.example/dockerhub-proxy/datadog/agent:*
            harbor.example/dockerhub-proxy/datadog/agent:7.52     | *=consistent docker.io/datadog/agent:*=best-effort  | best-effort | account-rule    | docker.io/datadog/agent:*
            mirror.example/ecr-public/xray/aws-xray-daemon:latest | *=consistent                                        | disabled    | managed-catalog | public.ecr.aws/xray/aws-xray-daemon:*
            mirror.example:5000/datadog/agent:7                   | *=consistent                                        | disabled    | managed-catalog | docker.io/datadog/agent:*
            mirror.example/a/b/datadog/agent:7                    | *=consistent                                        | disabled    | managed-catalog | docker.io/datadog/agent:*
            mirror.example/acme/xdatadog/agent:7                  | *=consistent                                        | consistent  | account-rule    | *
            mirror.example/team/aws-for-fluent-bit:2              | *=consistent                                        | consistent  | account-rule    | *
            mirror.example/docker-hub/datadog/agent@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef | *=consistent | consistent | account-rule | *
            """)
    void account_layer(String image, String accountRules, String mode, String layer, String rule) {
        List<ImageRule> rules = Arrays.stream(accountRules.split(" "))
                .map(r -> ImageRule.of(r.substring(0, r.lastIndexOf('=')), r.substring(r.lastIndexOf('=') + 1)))
                .toList();
        Decision d =
                EVALUATOR.decide(null, image, new PolicyInputs(List.of(), rules, Optional.empty(), Optional.empty()));
        assertThat(d.mode().wire()).as("mode").isEqualTo(mode);
        assertThat(d.layer().wire()).as("layer").isEqualTo(layer);
        assertThat(d.rule()).as("rule").isEqualTo(rule);
    }

    @Test
    void a_mirror_match_says_so() {
        Decision d = EVALUATOR.decide(null, "127.0.0.1:5000/docker-hub/datadog/agent:7", PolicyInputs.none());
        assertThat(d.note())
                .isEqualTo("image 127.0.0.1:5000/docker-hub/datadog/agent:7 is recognised as a mirror of "
                        + "docker.io/datadog/agent:* (Datadog agent)");
        assertThat(EVALUATOR
                        .decide(null, "datadog/agent:7", PolicyInputs.none())
                        .note())
                .isNull();
    }

    @Test
    void a_cluster_rule_still_outranks_the_account_layer() {
        PolicyInputs in = new PolicyInputs(
                List.of(ImageRule.of("*", "consistent")), List.of(), Optional.empty(), Optional.empty());
        assertThat(EVALUATOR.decide(null, "datadog/agent:7", in))
                .isEqualTo(new Decision(Mode.CONSISTENT, Layer.CLUSTER_RULE, "*"));
    }

    @Test
    void strict_by_default_as_a_setting_leaves_the_catalog_alone() {
        PolicyInputs in = new PolicyInputs(List.of(), List.of(), Optional.of("consistent"), Optional.empty());
        assertThat(EVALUATOR.decide(null, "datadog/agent:7", in).layer()).isEqualTo(Layer.MANAGED_CATALOG);
        assertThat(EVALUATOR.decide(null, "ghcr.io/acme/app:1", in))
                .isEqualTo(new Decision(Mode.CONSISTENT, Layer.CLUSTER_SETTING, null));
    }

    @Test
    void a_cluster_setting_disabled_that_unpins_says_so() {
        PolicyInputs overAccount =
                new PolicyInputs(List.of(), List.of(), Optional.of("disabled"), Optional.of("consistent"));
        assertThat(EVALUATOR.decide(null, "ghcr.io/acme/app:1", overAccount).note())
                .isEqualTo(
                        "the cluster setting versionConsistency=disabled un-pins this container: without it the account setting "
                                + "(consistent) would resolve its image to a digest");
        PolicyInputs overDefault = new PolicyInputs(List.of(), List.of(), Optional.of("disabled"), Optional.empty());
        assertThat(EVALUATOR.decide(null, "ghcr.io/acme/app:1", overDefault).note())
                .contains("system default (best-effort)");
        PolicyInputs bothOff = new PolicyInputs(List.of(), List.of(), Optional.of("disabled"), Optional.of("disabled"));
        assertThat(EVALUATOR.decide(null, "ghcr.io/acme/app:1", bothOff).note())
                .as("nothing un-pinned")
                .isNull();
    }

    @Test
    void many_rules_pick_the_most_specific_whatever_their_order() {
        List<String> patterns = List.of("*", "*/acme/*", "ghcr.io/*", "ghcr.io/acme/*", "ghcr.io/acme/app:*");
        for (int shift = 0; shift < patterns.size(); shift++) {
            int s = shift;
            List<ImageRule> rules = IntStream.range(0, patterns.size())
                    .mapToObj(i -> ImageRule.of(patterns.get((i + s) % patterns.size()), "best-effort"))
                    .toList();
            assertThat(EVALUATOR
                            .decide(
                                    null,
                                    "ghcr.io/acme/app:1",
                                    new PolicyInputs(rules, List.of(), Optional.empty(), Optional.empty()))
                            .rule())
                    .isEqualTo("ghcr.io/acme/app:*");
        }
    }
}
