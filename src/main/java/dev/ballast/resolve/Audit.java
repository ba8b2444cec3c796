package dev.ballast.resolve;

import dev.ballast.image.ImageReference;
import dev.ballast.model.ContainerDefinition;
import dev.ballast.model.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules of {@code ballast audit} over one container: what the layered policy decides for it (the
 * {@link PolicyEvaluator}, or a decision the server made) and which {@link AuditRule risks} that and its image
 * carry. Pure and thread-safe; what the registry said comes in as an {@link ImageCheck}.
 *
 * <p>One finding per problem: a strict application container on {@code latest} gets {@code latest-on-app}, not
 * also {@code mutable-tag-on-strict}; a pinned managed sidecar gets {@code managed-sidecar-pinned} only. An
 * application container is an essential one whose image is not in the {@link ManagedCatalog}.
 */
public final class Audit {
    /** A version: at least major.minor, optionally {@code v}-prefixed, with a suffix ({@code 1.27.3-alpine}). */
    private static final Pattern VERSION = Pattern.compile("v?[0-9]+(\\.[0-9]+)+([-+_.][0-9A-Za-z][0-9A-Za-z._+-]*)?");

    /** A commit id or a build number, optionally prefixed ({@code 3f9a2c1}, {@code sha-3f9a2c1}, {@code 20240304}). */
    private static final Pattern BUILD_ID =
            Pattern.compile("((sha|git|commit|build)[-_.])?([0-9a-f]{7,64}|[0-9]{6,})", Pattern.CASE_INSENSITIVE);

    private final PolicyEvaluator evaluator;

    public Audit(ManagedCatalog catalog) {
        this.evaluator = new PolicyEvaluator(catalog);
    }

    /**
     * One audited container.
     *
     * @param name the container's name
     * @param image its image as written (null when the document has none)
     * @param decision the effective mode and the layer deciding it
     * @param sidecar the managed sidecar its image is (the catalog entry's name), or null
     * @param findings its risks, most serious first
     */
    public record ContainerAudit(
            String name, String image, Decision decision, String sidecar, List<AuditFinding> findings) {
        public ContainerAudit {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(decision, "decision");
            findings = List.copyOf(findings);
        }
    }

    /** Audits {@code container} with the policy decided here from {@code inputs} (file mode). */
    public ContainerAudit container(ContainerDefinition container, PolicyInputs inputs, ImageCheck check) {
        String image = container.image() == null ? "" : container.image();
        return container(container, evaluator.decide(container.versionConsistency(), image, inputs), check);
    }

    /** Audits {@code container} with a decision made elsewhere (the server's ExplainPolicy, live mode). */
    public ContainerAudit container(ContainerDefinition container, Decision decision, ImageCheck check) {
        String image = container.image() == null ? "" : container.image();
        Optional<ManagedCatalog.Match> managed = evaluator.catalog().match(ImagePattern.Image.of(image));
        return new ContainerAudit(
                container.name(),
                container.image(),
                decision,
                managed.map(m -> m.entry().sidecar()).orElse(null),
                findings(container, decision, check, managed));
    }

    private static List<AuditFinding> findings(
            ContainerDefinition c, Decision d, ImageCheck check, Optional<ManagedCatalog.Match> managed) {
        List<AuditFinding> out = new ArrayList<>();
        String name = c.name();
        String image = c.image() == null ? "" : c.image();
        ImageReference ref = ImagePattern.Image.of(image).reference();
        String subject = "container " + name + " (" + image + ")";
        if (ref == null) {
            out.add(new AuditFinding(
                    AuditRule.INVALID_IMAGE,
                    name,
                    image,
                    subject + ": the image is not a valid reference",
                    "Write the image as registry/repository[:tag][@sha256:digest]."));
            return out;
        }
        switch (check) {
            case DIGEST_MISSING ->
                out.add(
                        new AuditFinding(
                                AuditRule.PINNED_DIGEST_MISSING,
                                name,
                                image,
                                subject + ": registry " + ref.registry() + " no longer has digest "
                                        + ref.digest().orElseThrow() + " (MANIFEST_UNKNOWN)",
                                "Push the image again or pin a digest that exists; until then no task of this container can start."));
            case TAG_MISSING ->
                out.add(new AuditFinding(
                        AuditRule.TAG_NOT_FOUND,
                        name,
                        image,
                        subject + ": registry " + ref.registry() + " has no tag "
                                + ref.tag().orElseThrow() + " in " + ref.repository(),
                        "Push the tag or correct the image."));
            case UNREACHABLE ->
                out.add(new AuditFinding(
                        AuditRule.REGISTRY_UNREACHABLE,
                        name,
                        image,
                        subject + ": registry " + ref.registry() + " does not answer GET /v2/",
                        "Check the registry's address and network access (and --insecure-registry for plain HTTP)."));
            case UNVERIFIED ->
                out.add(new AuditFinding(
                        AuditRule.IMAGE_UNVERIFIED,
                        name,
                        image,
                        subject + ": registry " + ref.registry() + " refused or limited the check",
                        "Give the audit credentials for " + ref.registry()
                                + " (Docker config.json) or use --offline."));
            case NOT_CHECKED, PRESENT -> {}
        }
        Optional<String> mutable = mutableTag(ref);
        boolean app = c.essential() && managed.isEmpty();
        boolean latest = mutable.isPresent() && ref.tag().orElseThrow().equals(ImageReference.DEFAULT_TAG);
        if (managed.isPresent() && d.mode() != Mode.DISABLED && ref.digest().isEmpty()) {
            out.add(new AuditFinding(
                    AuditRule.MANAGED_SIDECAR_PINNED,
                    name,
                    image,
                    subject + " is " + managed.get().entry().sidecar() + ", a managed sidecar, but will be pinned: "
                            + d.describe(),
                    pinnedRecommendation(d)));
        } else if (app && latest) {
            out.add(new AuditFinding(
                    AuditRule.LATEST_ON_APP,
                    name,
                    image,
                    subject + ": an application container " + mutable.get(),
                    "Tag each build with its version or commit id and deploy that tag (or its digest)."));
        } else if (d.mode() == Mode.CONSISTENT && mutable.isPresent()) {
            out.add(new AuditFinding(
                    AuditRule.MUTABLE_TAG_ON_STRICT,
                    name,
                    image,
                    subject + " is strict (" + d.describe() + ") but " + mutable.get(),
                    "Use an immutable tag (a full version or a commit id) or pin the digest in the task definition."));
        }
        if (app && d.mode() == Mode.DISABLED) {
            out.add(
                    new AuditFinding(
                            AuditRule.DISABLED_ON_APP,
                            name,
                            image,
                            subject + " is never pinned (" + d.describe()
                                    + "): its tasks can run different bytes after the " + "tag moves",
                            "Leave versionConsistency to the policy or enable it, unless this container follows its tag on purpose."));
        }
        out.sort((a, b) -> a.severity().compareTo(b.severity()));
        return out;
    }

    private static String pinnedRecommendation(Decision d) {
        return switch (d.layer()) {
            case CONTAINER ->
                "Remove versionConsistency from this container (the managed catalog then leaves it on "
                        + "its tag) or set it to disabled.";
            case CLUSTER_RULE, ACCOUNT_RULE ->
                "Narrow the " + d.layer().wire() + " '" + d.rule()
                        + "' so it does not match this sidecar, or set versionConsistency to disabled on the container.";
            default -> "Set versionConsistency to disabled on the container.";
        };
    }

    /**
     * Why {@code ref}'s tag is mutable ({@code "names no tag (so latest)"}, {@code "runs tag latest"},
     * {@code "runs tag stable, which is not a version"}), or empty when it is pinned by digest or its tag is a
     * version (at least major.minor) or a commit id or build number.
     */
    public static Optional<String> mutableTag(ImageReference ref) {
        if (ref.digest().isPresent() || ref.tag().isEmpty()) {
            return Optional.empty();
        }
        String tag = ref.tag().get();
        if (tag.equals(ImageReference.DEFAULT_TAG)) {
            return Optional.of(writesTag(ref) ? "runs tag latest" : "names no tag (so latest)");
        }
        if (VERSION.matcher(tag).matches() || BUILD_ID.matcher(tag).matches()) {
            return Optional.empty();
        }
        return Optional.of("runs tag " + tag + ", which is not a version");
    }

    /** Whether the image as written names a tag (rather than getting {@code latest} by default). */
    private static boolean writesTag(ImageReference ref) {
        String written = ref.original();
        int at = written.indexOf('@');
        String name = at < 0 ? written : written.substring(0, at);
        return name.lastIndexOf(':') > name.lastIndexOf('/');
    }
}
