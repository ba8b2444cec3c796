package dev.ballast.resolve;

import dev.ballast.model.Severity;

/**
 * The checks {@code ballast audit} makes, each with a stable id (the SARIF {@code ruleId}), a default severity,
 * a one-line description and the help text a SARIF viewer shows (docs: README, "ballast audit").
 */
public enum AuditRule {
    PINNED_DIGEST_MISSING(
            "pinned-digest-missing",
            Severity.ERROR,
            "An image pinned by digest no longer exists in its registry",
            "The image is written with @sha256:… and the registry answers MANIFEST_UNKNOWN for that digest (it was "
                    + "deleted by a lifecycle rule or garbage collection). Every launch, scale-out or rollback of this "
                    + "container fails to pull. Push the image again, or pin a digest that exists."),
    TAG_NOT_FOUND(
            "tag-not-found",
            Severity.ERROR,
            "The image's tag does not exist in its registry",
            "The registry answers MANIFEST_UNKNOWN for the tag: a deployment cannot resolve it and no task can pull it. "
                    + "Push the tag or correct the image."),
    INVALID_IMAGE(
            "invalid-image",
            Severity.ERROR,
            "The image is not a valid image reference",
            "The image does not follow the reference grammar registry/repository[:tag][@digest]; nothing can pull it."),
    MUTABLE_TAG_ON_STRICT(
            "mutable-tag-on-strict",
            Severity.WARNING,
            "A strict (consistent) container names a mutable tag",
            "Version consistency pins the tag's digest when a deployment starts, so the service keeps running the "
                    + "old bytes after the tag moves and only a new deployment picks up the new ones; a tag such as "
                    + "latest, stable or a bare major version does not say which bytes that is. Use an immutable tag "
                    + "(a full version or a commit id) or pin a digest."),
    LATEST_ON_APP(
            "latest-on-app",
            Severity.WARNING,
            "An application container uses latest or no tag",
            "An essential application container on latest (or on no tag, which means latest) runs whatever was pushed "
                    + "last: deployments are not reproducible and a rollback cannot return to the previous build. "
                    + "Tag each build with its version or commit id."),
    MANAGED_SIDECAR_PINNED(
            "managed-sidecar-pinned",
            Severity.WARNING,
            "A managed sidecar will be pinned to a digest",
            "The image is a well-known managed sidecar (log router, agent, proxy) that is meant to follow its tag, "
                    + "but the container's versionConsistency or an image rule pins it, so moving the tag no longer "
                    + "updates it. Remove the explicit setting (or the rule), or set versionConsistency to disabled."),
    REGISTRY_UNREACHABLE(
            "registry-unreachable",
            Severity.WARNING,
            "The image's registry does not answer",
            "GET /v2/ on the registry failed (connection refused, timeout or 5xx) from where the audit ran: the "
                    + "pinned-image guard cannot check the digests it holds and launches that need a pull fail. Check "
                    + "the registry's address, network access and --insecure-registry."),
    DISABLED_ON_APP(
            "disabled-on-app",
            Severity.NOTE,
            "An application container is never pinned",
            "With versionConsistency disabled, each task pulls the tag when it starts, so the tasks of one deployment "
                    + "can run different bytes after the tag moves. Leave the mode to the policy (or enable it) unless "
                    + "the container follows its tag on purpose."),
    IMAGE_UNVERIFIED(
            "image-unverified",
            Severity.NOTE,
            "The image could not be checked in its registry",
            "The registry refused or limited the audit's request (401, 403, 429, or a registry this process may not "
                    + "contact), so whether the image exists is unknown. Give the audit credentials (a Docker "
                    + "config.json) or run it with --offline.");

    private final String id;
    private final Severity severity;
    private final String shortDescription;
    private final String help;

    AuditRule(String id, Severity severity, String shortDescription, String help) {
        this.id = id;
        this.severity = severity;
        this.shortDescription = shortDescription;
        this.help = help;
    }

    /** The stable rule id, e.g. {@code pinned-digest-missing}. */
    public String id() {
        return id;
    }

    /** The severity of this rule's findings. */
    public Severity severity() {
        return severity;
    }

    /** One line saying what the rule finds. */
    public String shortDescription() {
        return shortDescription;
    }

    /** Why it matters and what to do, a paragraph. */
    public String help() {
        return help;
    }
}
