package dev.ballast.resolve;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Well-known managed sidecars that follow moving tags on purpose, so the policy gives them
 * {@link Mode#DISABLED} unless a higher layer decides (DESIGN.md, layered policy step 3). The catalog sits
 * below the account's own image rules: an account rule with the same pattern overrides an entry, and any
 * earlier matching rule wins anyway. Patterns are written against the canonical form of references on
 * their Docker Hub and public ECR repositories (and the regional private ECR repositories AWS publishes
 * them in). A deployment can run with another catalog, or {@link #empty()}, through the constructors of
 * {@link PolicyEvaluator} and {@link RevisionResolver}.
 */
public final class ManagedCatalog {

    /** One catalog entry: a pattern and the sidecar it recognises. */
    public record Entry(ImagePattern pattern, String sidecar) {
        public Entry {
            Objects.requireNonNull(pattern, "pattern");
            Objects.requireNonNull(sidecar, "sidecar");
        }

        static Entry of(String pattern, String sidecar) {
            return new Entry(new ImagePattern(pattern), sidecar);
        }
    }

    private static final ManagedCatalog BUILT_IN = new ManagedCatalog(List.of(
            Entry.of("docker.io/amazon/aws-xray-daemon:*", "AWS X-Ray daemon"),
            Entry.of("public.ecr.aws/xray/aws-xray-daemon:*", "AWS X-Ray daemon"),
            Entry.of("docker.io/amazon/cloudwatch-agent:*", "Amazon CloudWatch agent"),
            Entry.of("public.ecr.aws/cloudwatch-agent/cloudwatch-agent:*", "Amazon CloudWatch agent"),
            Entry.of("docker.io/amazon/aws-otel-collector:*", "AWS Distro for OpenTelemetry collector"),
            Entry.of("public.ecr.aws/aws-observability/aws-otel-collector:*", "AWS Distro for OpenTelemetry collector"),
            Entry.of("docker.io/amazon/aws-for-fluent-bit:*", "AWS for Fluent Bit (FireLens)"),
            Entry.of("public.ecr.aws/aws-observability/aws-for-fluent-bit:*", "AWS for Fluent Bit (FireLens)"),
            Entry.of("906394416424.dkr.ecr.*.amazonaws.com/aws-for-fluent-bit:*", "AWS for Fluent Bit (FireLens)"),
            Entry.of("docker.io/fluent/fluent-bit:*", "Fluent Bit"),
            Entry.of("cr.fluentbit.io/fluent/fluent-bit:*", "Fluent Bit"),
            Entry.of("docker.io/datadog/agent:*", "Datadog agent"),
            Entry.of("public.ecr.aws/datadog/agent:*", "Datadog agent"),
            Entry.of("gcr.io/datadoghq/agent:*", "Datadog agent"),
            Entry.of("public.ecr.aws/appmesh/aws-appmesh-envoy:*", "AWS App Mesh / Service Connect Envoy"),
            Entry.of("840364872350.dkr.ecr.*.amazonaws.com/aws-appmesh-envoy:*", "AWS App Mesh / Service Connect Envoy"),
            Entry.of("*/ecs-service-connect-agent:*", "ECS Service Connect agent"),
            Entry.of("docker.io/envoyproxy/envoy:*", "Envoy proxy")));

    private final List<Entry> entries;

    private ManagedCatalog(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** The catalog Ballast ships. */
    public static ManagedCatalog builtIn() {
        return BUILT_IN;
    }

    /** A catalog of the given entries, in match order. */
    public static ManagedCatalog of(List<Entry> entries) {
        return new ManagedCatalog(entries);
    }

    /** No managed sidecars at all. */
    public static ManagedCatalog empty() {
        return new ManagedCatalog(List.of());
    }

    /** This catalog with more entries after the existing ones. */
    public ManagedCatalog plus(List<Entry> more) {
        List<Entry> all = new ArrayList<>(entries);
        all.addAll(more);
        return new ManagedCatalog(all);
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The first entry matching {@code image} whose pattern is not in {@code overridden}. */
    Optional<Entry> match(ImagePattern.Image image, Set<String> overridden) {
        for (Entry e : entries) {
            if (!overridden.contains(e.pattern().text()) && e.pattern().matches(image)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
