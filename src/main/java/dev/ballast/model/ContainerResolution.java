package dev.ballast.model;

import java.util.Objects;

/**
 * How one container's image was handled for a service revision or a RunTask call: the effective mode, the
 * policy layer that decided it ({@code decidedBy}) and for rule and catalog layers the pattern that matched
 * (else null), what the resolver did ({@code resolutionMode}), the digest and the image string tasks launch
 * with ({@code repo:tag@sha256:…} when pinned, the string as written otherwise; null while pending or failed),
 * when it was settled and why it failed or fell back (else null). Stored as JSON with the enums' wire words.
 */
public record ContainerResolution(
        String containerName,
        String image,
        Mode mode,
        Layer decidedBy,
        String rule,
        ResolutionOutcome resolutionMode,
        String imageDigest,
        String launchImage,
        Long resolvedAt,
        String reason) {
    public ContainerResolution {
        Objects.requireNonNull(containerName, "containerName");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(decidedBy, "decidedBy");
        Objects.requireNonNull(resolutionMode, "resolutionMode");
    }

    /** This container with a new outcome and its digest, launch image, settling time and reason. */
    public ContainerResolution with(
            ResolutionOutcome outcome, String digest, String launch, Long settledAt, String why) {
        return new ContainerResolution(
                containerName, image, mode, decidedBy, rule, outcome, digest, launch, settledAt, why);
    }
}
