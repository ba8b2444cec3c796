package dev.ballast.agent;

import java.util.Objects;

/**
 * A pull that failed: the image could not be fetched or did not verify. The message has ECS's shape,
 * {@code pull image manifest for <image>: <the registry's or engine's reason>}, so that the agent can
 * report {@code CannotPullContainerError: <message>}.
 */
public final class PullFailedException extends RuntimeException {

    private final String image;
    private final String kind;

    /**
     * @param image the launch image that failed
     * @param kind a short, low-cardinality class of failure for metrics, e.g. {@code NOT_FOUND}
     * @param detail the registry's or engine's reason, e.g. {@code manifest unknown (404 MANIFEST_UNKNOWN)}
     */
    public PullFailedException(String image, String kind, String detail, Throwable cause) {
        super("pull image manifest for " + image + ": " + detail, cause);
        this.image = Objects.requireNonNull(image, "image");
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public String image() {
        return image;
    }

    public String kind() {
        return kind;
    }
}
