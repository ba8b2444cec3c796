package dev.ballast.resolve;

import dev.ballast.image.ImageReference;
import dev.ballast.model.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Well-known managed sidecars that follow moving tags on purpose, so the policy gives them
 * {@link Mode#DISABLED} unless a higher layer decides (DESIGN.md, layered policy step 3). The catalog is
 * part of the account layer: it competes with the account's image rules by
 * {@linkplain ImagePattern#specificity() specificity}, so an entry beats an account rule {@code *}, while
 * an account rule with the entry's own pattern (or a more specific one) overrides it. Patterns are written
 * against the canonical form of references on their Docker Hub and public ECR repositories (and the
 * regional private ECR repositories AWS publishes them in).
 *
 * <p>Mirrors are recognised by repository path suffix: an entry {@code HOST/NS/NAME:*} whose repository
 * has at least two components and no wildcard also matches, on any registry, a tagged image whose
 * repository is {@code NS/NAME} or ends in {@code /NS/NAME} — a pull-through cache
 * ({@code <account>.dkr.ecr.<region>.amazonaws.com/docker-hub/datadog/agent}) or a Harbor proxy project
 * ({@code harbor.example/dockerhub-proxy/datadog/agent}). Such a match counts as the pattern naming that
 * repository with any tag ({@code harbor.example/dockerhub-proxy/datadog/agent:*}).
 *
 * <p>A deployment can run with another catalog, or {@link #empty()}, through the constructors of
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

        /**
         * The repository path mirrors of this entry end with ({@code datadog/agent} for
         * {@code docker.io/datadog/agent:*}), or null when the entry is not recognised on mirrors: its
         * pattern is not {@code HOST/REPO:*}, or its repository has a wildcard or a single component.
         */
        String mirroredRepository() {
            String text = pattern.text();
            int slash = text.indexOf('/');
            if (slash < 0 || !text.endsWith(":*")) {
                return null;
            }
            String repository = text.substring(slash + 1, text.length() - 2);
            return repository.contains("*") || repository.contains(":") || !repository.contains("/")
                    ? null
                    : repository;
        }
    }

    /**
     * An entry that matches an image.
     *
     * @param entry the entry
     * @param specificity how specific the match is, to compare with account rules
     * @param mirror true when the image is a mirror of the entry's repository rather than a glob match
     */
    public record Match(Entry entry, ImagePattern.Specificity specificity, boolean mirror) {}

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
            Entry.of(
                    "840364872350.dkr.ecr.*.amazonaws.com/aws-appmesh-envoy:*", "AWS App Mesh / Service Connect Envoy"),
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

    /** The most specific entry matching {@code image}, directly or as a mirror; the first of equals. */
    Optional<Match> match(ImagePattern.Image image) {
        Match best = null;
        for (Entry e : entries) {
            Match m = match(e, image);
            if (m != null && (best == null || m.specificity().compareTo(best.specificity()) > 0)) {
                best = m;
            }
        }
        return Optional.ofNullable(best);
    }

    private static Match match(Entry e, ImagePattern.Image image) {
        if (e.pattern().matches(image)) {
            return new Match(e, e.pattern().specificity(), false);
        }
        String suffix = e.mirroredRepository();
        ImageReference ref = image.reference();
        if (suffix == null
                || ref == null
                || ref.tag().isEmpty()
                || !(ref.repository().equals(suffix) || ref.repository().endsWith("/" + suffix))) {
            return null;
        }
        // As specific as the pattern REGISTRY/REPOSITORY:* naming the mirrored repository.
        return new Match(
                e,
                new ImagePattern.Specificity(
                        ref.registry().length() + ref.repository().length() + 2, 1),
                true);
    }
}
