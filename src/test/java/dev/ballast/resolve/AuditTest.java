package dev.ballast.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.image.ImageReference;
import dev.ballast.model.ContainerDefinition;
import dev.ballast.model.Layer;
import dev.ballast.model.Mode;
import dev.ballast.model.Severity;
import dev.ballast.model.VersionConsistency;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The audit's rules as a table: container shape × decision × registry answer → findings. */
class AuditTest {
    private static final Audit AUDIT = new Audit(ManagedCatalog.builtIn());
    private static final PolicyInputs STRICT_ACME = new PolicyInputs(
            List.of(), List.of(ImageRule.of("*/acme/*", "enabled")), Optional.empty(), Optional.empty());

    private static ContainerDefinition container(String name, String image, boolean essential, VersionConsistency vc) {
        return ContainerDefinition.of(
                name, image, essential, vc, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null);
    }

    private static List<String> ruleIds(Audit.ContainerAudit audit) {
        return audit.findings().stream().map(f -> f.rule().id()).toList();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            nullValues = "-",
            value = {
                "nginx                              | names no tag (so latest)",
                "nginx:latest                       | runs tag latest",
                "registry.lan:5000/team/app         | names no tag (so latest)",
                "registry.lan:5000/team/app:latest  | runs tag latest",
                "redis:7                            | runs tag 7, which is not a version",
                "ghcr.io/acme/app:v2                | runs tag v2, which is not a version",
                "ghcr.io/acme/app:stable            | runs tag stable, which is not a version",
                "ghcr.io/acme/app:main              | runs tag main, which is not a version",
                "ghcr.io/acme/app:1-alpine          | runs tag 1-alpine, which is not a version",
                "nginx:1.27                         | -",
                "nginx:1.27.3-alpine                | -",
                "ghcr.io/acme/app:v3.2.0            | -",
                "ghcr.io/acme/app:2024.03.1         | -",
                "ghcr.io/acme/app:3f9a2c1d          | -",
                "ghcr.io/acme/app:sha-3f9a2c1       | -",
                "ghcr.io/acme/app:20240304          | -",
                "nginx:latest@sha256:0a399eb16751829e1af26fea27b20c3ec28d7ab1fb72182879dcae1cca21206a | -",
                "nginx@sha256:0a399eb16751829e1af26fea27b20c3ec28d7ab1fb72182879dcae1cca21206a | -",
            })
    void mutable_tags(String image, String why) {
        assertThat(Audit.mutableTag(ImageReference.parse(image))).isEqualTo(Optional.ofNullable(why));
    }

    record Row(String name, ContainerDefinition c, PolicyInputs inputs, ImageCheck check, List<String> rules) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Row> rows() {
        String digest = "@sha256:0a399eb16751829e1af26fea27b20c3ec28d7ab1fb72182879dcae1cca21206a";
        PolicyInputs none = PolicyInputs.none();
        return Stream.of(
                new Row(
                        "app on a version",
                        container("a", "ghcr.io/acme/a:1.2.3", true, null),
                        STRICT_ACME,
                        ImageCheck.PRESENT,
                        List.of()),
                new Row(
                        "app on latest, strict: one finding",
                        container("a", "ghcr.io/acme/a:latest", true, null),
                        STRICT_ACME,
                        ImageCheck.NOT_CHECKED,
                        List.of("latest-on-app")),
                new Row(
                        "app on latest, best-effort",
                        container("a", "nginx", true, null),
                        none,
                        ImageCheck.NOT_CHECKED,
                        List.of("latest-on-app")),
                new Row(
                        "non-essential helper on latest, best-effort",
                        container("a", "busybox", false, null),
                        none,
                        ImageCheck.NOT_CHECKED,
                        List.of()),
                new Row(
                        "non-essential helper on latest, strict",
                        container("a", "busybox", false, VersionConsistency.ENABLED),
                        none,
                        ImageCheck.NOT_CHECKED,
                        List.of("mutable-tag-on-strict")),
                new Row(
                        "strict on stable",
                        container("a", "ghcr.io/acme/a:stable", true, null),
                        STRICT_ACME,
                        ImageCheck.PRESENT,
                        List.of("mutable-tag-on-strict")),
                new Row(
                        "best-effort on stable",
                        container("a", "ghcr.io/other/a:stable", true, null),
                        STRICT_ACME,
                        ImageCheck.PRESENT,
                        List.of()),
                new Row(
                        "strict pinned by digest",
                        container("a", "ghcr.io/acme/a" + digest, true, null),
                        STRICT_ACME,
                        ImageCheck.PRESENT,
                        List.of()),
                new Row(
                        "pinned digest deleted, and latest",
                        container("a", "nginx:latest" + digest, true, null),
                        none,
                        ImageCheck.DIGEST_MISSING,
                        List.of("pinned-digest-missing")),
                new Row(
                        "unknown tag",
                        container("a", "ghcr.io/acme/a:1.0.0", true, null),
                        none,
                        ImageCheck.TAG_MISSING,
                        List.of("tag-not-found")),
                new Row(
                        "unreachable registry, strict stable: both, error first",
                        container("a", "registry.lan:5000/acme/a:stable", true, null),
                        STRICT_ACME,
                        ImageCheck.UNREACHABLE,
                        List.of("registry-unreachable", "mutable-tag-on-strict")),
                new Row(
                        "unverified",
                        container("a", "ghcr.io/acme/a:1.0.0", true, null),
                        none,
                        ImageCheck.UNVERIFIED,
                        List.of("image-unverified")),
                new Row(
                        "managed sidecar left alone",
                        container("logs", "amazon/aws-for-fluent-bit:stable", true, null),
                        STRICT_ACME,
                        ImageCheck.PRESENT,
                        List.of()),
                new Row(
                        "managed sidecar enabled on the container: one finding",
                        container("logs", "amazon/aws-for-fluent-bit:stable", true, VersionConsistency.ENABLED),
                        none,
                        ImageCheck.PRESENT,
                        List.of("managed-sidecar-pinned")),
                new Row(
                        "managed sidecar pinned by a rule",
                        container("dd", "datadog/agent:7", false, null),
                        new PolicyInputs(
                                List.of(),
                                List.of(ImageRule.of("docker.io/datadog/agent:*", "best-effort")),
                                Optional.empty(),
                                Optional.empty()),
                        ImageCheck.PRESENT,
                        List.of("managed-sidecar-pinned")),
                new Row(
                        "managed sidecar pinned by its digest: deliberate",
                        container("dd", "datadog/agent" + digest, false, VersionConsistency.ENABLED),
                        none,
                        ImageCheck.PRESENT,
                        List.of()),
                new Row(
                        "managed sidecar under a cluster rule *",
                        container("dd", "datadog/agent:7", false, null),
                        new PolicyInputs(
                                List.of(ImageRule.of("*", "enabled")), List.of(), Optional.empty(), Optional.empty()),
                        ImageCheck.PRESENT,
                        List.of("managed-sidecar-pinned")),
                new Row(
                        "disabled app",
                        container("a", "ghcr.io/acme/a:1.0.0", true, VersionConsistency.DISABLED),
                        STRICT_ACME,
                        ImageCheck.PRESENT,
                        List.of("disabled-on-app")),
                new Row(
                        "disabled by the account setting",
                        container("a", "ghcr.io/acme/a:1.0.0", true, null),
                        new PolicyInputs(List.of(), List.of(), Optional.empty(), Optional.of("disabled")),
                        ImageCheck.PRESENT,
                        List.of("disabled-on-app")),
                new Row(
                        "invalid image: nothing else",
                        container("a", "ghcr.io/Acme/a:latest", true, VersionConsistency.ENABLED),
                        none,
                        ImageCheck.NOT_CHECKED,
                        List.of("invalid-image")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void findings(Row row) {
        assertThat(ruleIds(AUDIT.container(row.c(), row.inputs(), row.check()))).isEqualTo(row.rules());
    }

    @Test
    void the_decision_is_the_policy_evaluators() {
        ContainerDefinition logs = container("logs", "amazon/aws-for-fluent-bit:stable", true, null);
        Audit.ContainerAudit audit = AUDIT.container(logs, STRICT_ACME, ImageCheck.NOT_CHECKED);
        assertThat(audit.decision())
                .isEqualTo(new PolicyEvaluator(ManagedCatalog.builtIn())
                        .decide(null, "amazon/aws-for-fluent-bit:stable", STRICT_ACME));
        assertThat(audit.decision().layer()).isEqualTo(Layer.MANAGED_CATALOG);
        assertThat(audit.sidecar()).isEqualTo("AWS for Fluent Bit (FireLens)");
    }

    @Test
    void a_decision_from_the_server_is_used_as_given() {
        ContainerDefinition app = container("a", "ghcr.io/acme/a:edge", true, null);
        Decision fromServer = new Decision(Mode.CONSISTENT, Layer.CLUSTER_RULE, "ghcr.io/*");
        Audit.ContainerAudit audit = AUDIT.container(app, fromServer, ImageCheck.NOT_CHECKED);
        assertThat(audit.decision()).isSameAs(fromServer);
        AuditFinding f = audit.findings().getFirst();
        assertThat(f.rule()).isEqualTo(AuditRule.MUTABLE_TAG_ON_STRICT);
        assertThat(f.message())
                .isEqualTo("container a (ghcr.io/acme/a:edge) is strict (consistent, decided by cluster-rule "
                        + "'ghcr.io/*') but runs tag edge, which is not a version");
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
    }

    @Test
    void the_recommendation_for_a_pinned_sidecar_names_what_pinned_it() {
        ContainerDefinition dd = container("dd", "datadog/agent:7", false, null);
        Decision byRule = new Decision(Mode.CONSISTENT, Layer.ACCOUNT_RULE, "docker.io/datadog/agent:*");
        assertThat(AUDIT.container(dd, byRule, ImageCheck.NOT_CHECKED)
                        .findings()
                        .getFirst()
                        .recommendation())
                .isEqualTo("Narrow the account-rule 'docker.io/datadog/agent:*' so it does not match this sidecar, or "
                        + "set versionConsistency to disabled on the container.");
    }

    @Test
    void severities_order_and_thresholds() {
        assertThat(Severity.ERROR.atLeast(Severity.WARNING)).isTrue();
        assertThat(Severity.NOTE.atLeast(Severity.WARNING)).isFalse();
        assertThat(Severity.WARNING.atLeast(Severity.WARNING)).isTrue();
        assertThat(Severity.fromWire("note")).isEqualTo(Severity.NOTE);
        assertThat(Stream.of(AuditRule.values()).map(AuditRule::id).distinct()).hasSize(AuditRule.values().length);
    }
}
