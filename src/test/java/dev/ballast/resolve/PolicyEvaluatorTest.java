package dev.ballast.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.model.Layer;
import dev.ballast.model.Mode;
import dev.ballast.model.VersionConsistency;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table of the layered policy: every layer decides at least once and is the one recorded. */
class PolicyEvaluatorTest {

    private static final PolicyEvaluator EVALUATOR = new PolicyEvaluator(ManagedCatalog.builtIn());

    record Row(
            String name,
            String containerValue,
            String image,
            PolicyInputs inputs,
            Mode mode,
            Layer layer,
            String rule) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static List<ImageRule> rules(String... patternModePairs) {
        return IntStream.range(0, patternModePairs.length / 2)
                .mapToObj(i -> ImageRule.of(patternModePairs[2 * i], patternModePairs[2 * i + 1]))
                .toList();
    }

    private static PolicyInputs inputs(
            List<ImageRule> cluster, List<ImageRule> account, String clusterSetting, String accountSetting) {
        return new PolicyInputs(
                cluster, account, Optional.ofNullable(clusterSetting), Optional.ofNullable(accountSetting));
    }

    private static final PolicyInputs EVERYTHING = inputs(
            rules("*/datadog/agent:*", "disabled", "docker.io/library/nginx:*", "enabled"),
            rules(
                    "*/library/redis:*",
                    "best-effort",
                    "registry.example.com/team/*",
                    "consistent",
                    "public.ecr.aws/xray/aws-xray-daemon:*",
                    "best-effort"),
            "disabled",
            "enabled");

    static Stream<Row> table() {
        return Stream.of(
                // 1. container value
                new Row(
                        "container enabled beats every rule",
                        "enabled",
                        "datadog/agent:7",
                        EVERYTHING,
                        Mode.CONSISTENT,
                        Layer.CONTAINER,
                        null),
                new Row(
                        "container consistent alias",
                        "consistent",
                        "busybox",
                        PolicyInputs.none(),
                        Mode.CONSISTENT,
                        Layer.CONTAINER,
                        null),
                new Row(
                        "container disabled beats consistent rule",
                        "disabled",
                        "nginx:1.27",
                        EVERYTHING,
                        Mode.DISABLED,
                        Layer.CONTAINER,
                        null),
                // 2. cluster rules, matched on the canonical form
                new Row(
                        "cluster rule on canonical form (short name written)",
                        null,
                        "datadog/agent:7",
                        EVERYTHING,
                        Mode.DISABLED,
                        Layer.CLUSTER_RULE,
                        "*/datadog/agent:*"),
                new Row(
                        "cluster rule 'enabled' means consistent",
                        "default",
                        "nginx:1.27",
                        EVERYTHING,
                        Mode.CONSISTENT,
                        Layer.CLUSTER_RULE,
                        "docker.io/library/nginx:*"),
                // 3. account rules
                new Row(
                        "account rule, short name 'redis' canonicalised",
                        null,
                        "redis",
                        EVERYTHING,
                        Mode.BEST_EFFORT,
                        Layer.ACCOUNT_RULE,
                        "*/library/redis:*"),
                new Row(
                        "account rule on the written form",
                        null,
                        "registry.example.com/team/api:v2",
                        EVERYTHING,
                        Mode.CONSISTENT,
                        Layer.ACCOUNT_RULE,
                        "registry.example.com/team/*"),
                new Row(
                        "account rule overrides the catalog entry with the same pattern",
                        null,
                        "public.ecr.aws/xray/aws-xray-daemon:3.x",
                        EVERYTHING,
                        Mode.BEST_EFFORT,
                        Layer.ACCOUNT_RULE,
                        "public.ecr.aws/xray/aws-xray-daemon:*"),
                // 3b. managed catalog
                new Row(
                        "catalog: X-Ray on Docker Hub",
                        null,
                        "amazon/aws-xray-daemon:latest",
                        EVERYTHING,
                        Mode.DISABLED,
                        Layer.MANAGED_CATALOG,
                        "docker.io/amazon/aws-xray-daemon:*"),
                new Row(
                        "catalog: FireLens on public ECR, no tag written",
                        null,
                        "public.ecr.aws/aws-observability/aws-for-fluent-bit",
                        PolicyInputs.none(),
                        Mode.DISABLED,
                        Layer.MANAGED_CATALOG,
                        "public.ecr.aws/aws-observability/aws-for-fluent-bit:*"),
                new Row(
                        "catalog: FireLens in regional private ECR",
                        null,
                        "906394416424.dkr.ecr.eu-west-1.amazonaws.com/aws-for-fluent-bit:stable",
                        PolicyInputs.none(),
                        Mode.DISABLED,
                        Layer.MANAGED_CATALOG,
                        "906394416424.dkr.ecr.*.amazonaws.com/aws-for-fluent-bit:*"),
                new Row(
                        "catalog: Datadog on gcr",
                        null,
                        "gcr.io/datadoghq/agent:7",
                        PolicyInputs.none(),
                        Mode.DISABLED,
                        Layer.MANAGED_CATALOG,
                        "gcr.io/datadoghq/agent:*"),
                new Row(
                        "catalog: App Mesh envoy",
                        null,
                        "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.4.0-prod",
                        PolicyInputs.none(),
                        Mode.DISABLED,
                        Layer.MANAGED_CATALOG,
                        "public.ecr.aws/appmesh/aws-appmesh-envoy:*"),
                new Row(
                        "catalog entry below a cluster rule",
                        null,
                        "amazon/cloudwatch-agent:latest",
                        inputs(rules("*cloudwatch-agent*", "consistent"), List.of(), null, null),
                        Mode.CONSISTENT,
                        Layer.CLUSTER_RULE,
                        "*cloudwatch-agent*"),
                // 4. cluster setting
                new Row(
                        "cluster setting disabled",
                        null,
                        "ghcr.io/acme/app:1",
                        EVERYTHING,
                        Mode.DISABLED,
                        Layer.CLUSTER_SETTING,
                        null),
                new Row(
                        "cluster setting enabled means consistent, as everywhere",
                        null,
                        "ghcr.io/acme/app:1",
                        inputs(List.of(), List.of(), "enabled", "disabled"),
                        Mode.CONSISTENT,
                        Layer.CLUSTER_SETTING,
                        null),
                new Row(
                        "cluster setting consistent",
                        null,
                        "ghcr.io/acme/app:1",
                        inputs(List.of(), List.of(), "consistent", "disabled"),
                        Mode.CONSISTENT,
                        Layer.CLUSTER_SETTING,
                        null),
                new Row(
                        "cluster setting best-effort",
                        null,
                        "ghcr.io/acme/app:1",
                        inputs(List.of(), List.of(), "best-effort", "consistent"),
                        Mode.BEST_EFFORT,
                        Layer.CLUSTER_SETTING,
                        null),
                // 5. account setting
                new Row(
                        "account setting disabled",
                        null,
                        "ghcr.io/acme/app:1",
                        inputs(List.of(), List.of(), null, "disabled"),
                        Mode.DISABLED,
                        Layer.ACCOUNT_SETTING,
                        null),
                new Row(
                        "account setting enabled means consistent",
                        "default",
                        "ghcr.io/acme/app:1",
                        inputs(List.of(), List.of(), null, "enabled"),
                        Mode.CONSISTENT,
                        Layer.ACCOUNT_SETTING,
                        null),
                new Row(
                        "account setting best-effort",
                        "default",
                        "ghcr.io/acme/app:1",
                        inputs(List.of(), List.of(), null, "best-effort"),
                        Mode.BEST_EFFORT,
                        Layer.ACCOUNT_SETTING,
                        null),
                // 6. system default
                new Row(
                        "nothing decides",
                        null,
                        "ghcr.io/acme/app:1",
                        PolicyInputs.none(),
                        Mode.BEST_EFFORT,
                        Layer.SYSTEM_DEFAULT,
                        null),
                new Row(
                        "a pattern that matches neither form",
                        null,
                        "nginx:1.27",
                        inputs(rules("nginx", "disabled", "library/nginx:*", "disabled"), List.of(), null, null),
                        Mode.BEST_EFFORT,
                        Layer.SYSTEM_DEFAULT,
                        null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void decides(Row row) {
        Decision d = EVALUATOR.decide(containerValue(row.containerValue()), row.image(), row.inputs());
        assertThat(new Decision(d.mode(), d.layer(), d.rule()))
                .isEqualTo(new Decision(row.mode(), row.layer(), row.rule()));
    }

    @Test
    void every_layer_decides_at_least_once_in_the_table() {
        Set<Layer> seen = EnumSet.noneOf(Layer.class);
        table().forEach(r -> seen.add(EVALUATOR
                .decide(containerValue(r.containerValue()), r.image(), r.inputs())
                .layer()));
        assertThat(seen).containsExactlyInAnyOrder(Layer.values());
        assertThat(Arrays.stream(Layer.values()).map(Layer::wire))
                .containsExactly(
                        "container",
                        "cluster-rule",
                        "account-rule",
                        "managed-catalog",
                        "cluster-setting",
                        "account-setting",
                        "system-default");
    }

    @Test
    void the_most_specific_rule_of_a_layer_wins_then_the_first() {
        PolicyInputs in = inputs(rules("*:*", "best-effort", "*/nginx:*", "disabled"), List.of(), null, null);
        assertThat(EVALUATOR.decide(null, "nginx:1", in))
                .isEqualTo(new Decision(Mode.DISABLED, Layer.CLUSTER_RULE, "*/nginx:*"));
        PolicyInputs equal = inputs(
                rules("*/nginx:*", "best-effort", "*/library/*", "disabled", "docker.io/*:1", "consistent"),
                List.of(),
                null,
                null);
        assertThat(EVALUATOR.decide(null, "nginx:1", equal))
                .isEqualTo(new Decision(Mode.CONSISTENT, Layer.CLUSTER_RULE, "docker.io/*:1"));
        PolicyInputs tie = inputs(rules("*/nginx:*", "best-effort", "*/ngin*:1", "disabled"), List.of(), null, null);
        assertThat(EVALUATOR.decide(null, "nginx:1", tie))
                .as("same literals and wildcards: creation order")
                .isEqualTo(new Decision(Mode.BEST_EFFORT, Layer.CLUSTER_RULE, "*/nginx:*"));
    }

    @Test
    void another_catalog_replaces_the_built_in_one() {
        PolicyEvaluator none = new PolicyEvaluator(ManagedCatalog.empty());
        assertThat(none.decide(null, "amazon/aws-xray-daemon", PolicyInputs.none())
                        .layer())
                .isEqualTo(Layer.SYSTEM_DEFAULT);
        PolicyEvaluator own = new PolicyEvaluator(ManagedCatalog.empty()
                .plus(List.of(new ManagedCatalog.Entry(new ImagePattern("*/acme/sidecar:*"), "Acme sidecar"))));
        assertThat(own.decide(null, "ghcr.io/acme/sidecar:v1", PolicyInputs.none()))
                .isEqualTo(new Decision(Mode.DISABLED, Layer.MANAGED_CATALOG, "*/acme/sidecar:*"));
    }

    @Test
    void an_unknown_container_value_is_refused_naming_it() {
        assertThatThrownBy(() -> EVALUATOR.decide(containerValue("sometimes"), "nginx", PolicyInputs.none()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sometimes");
    }

    @Test
    void rule_modes_are_checked() {
        assertThat(ImageRule.of("a*", "enabled").mode()).isEqualTo(Mode.CONSISTENT);
        assertThat(ImageRule.of("a*", "enabled").modeText()).isEqualTo("enabled");
        assertThatThrownBy(() -> ImageRule.of("a*", "strict"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strict")
                .hasMessageContaining("best-effort");
        assertThat(Mode.of("default")).isEmpty();
    }

    @Test
    void describe_names_mode_layer_and_rule() {
        assertThat(new Decision(Mode.DISABLED, Layer.CLUSTER_RULE, "*/x:*").describe())
                .isEqualTo("disabled, decided by cluster-rule '*/x:*'");
        assertThat(new Decision(Mode.CONSISTENT, Layer.CONTAINER, null).describe())
                .isEqualTo("consistent, decided by container");
    }

    /** A container's {@code versionConsistency} as the typed task definition has it (null: absent). */
    private static VersionConsistency containerValue(String wire) {
        return wire == null ? null : VersionConsistency.fromWire(wire);
    }
}
