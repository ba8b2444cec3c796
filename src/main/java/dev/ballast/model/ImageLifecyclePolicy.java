package dev.ballast.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * A service's image-lifecycle policy (issue 11): what happens when a digest it depends on disappears
 * ({@code onMissingImage}), whether its {@code disabled} containers are rolled onto a moved tag ({@code refresh})
 * and whether a moved tag of a pinned container starts a new deployment ({@code autoRedeploy}), how long a new
 * digest must stay put before it rolls ({@code cooldownSeconds}), and whether a rollout waits for an approval of
 * that digest ({@code requireApproval}). Services without a stored policy use {@link #DEFAULT}.
 */
public record ImageLifecyclePolicy(
        MissingImageAction onMissingImage,
        boolean refresh,
        boolean autoRedeploy,
        long cooldownSeconds,
        boolean requireApproval) {

    /** Cooldown of a service that does not set one: five minutes. */
    public static final long DEFAULT_COOLDOWN_SECONDS = 300;

    /** Fail on a missing image, follow no moved tag, five minutes' cooldown, no approval. */
    public static final ImageLifecyclePolicy DEFAULT =
            new ImageLifecyclePolicy(MissingImageAction.FAIL, false, false, DEFAULT_COOLDOWN_SECONDS, false);

    @JsonCreator
    public ImageLifecyclePolicy(
            @JsonProperty("onMissingImage") MissingImageAction onMissingImage,
            @JsonProperty("refresh") boolean refresh,
            @JsonProperty("autoRedeploy") boolean autoRedeploy,
            @JsonProperty("cooldownSeconds") long cooldownSeconds,
            @JsonProperty("requireApproval") boolean requireApproval) {
        this.onMissingImage = Objects.requireNonNullElse(onMissingImage, MissingImageAction.FAIL);
        this.refresh = refresh;
        this.autoRedeploy = autoRedeploy;
        if (cooldownSeconds < 0) {
            throw new IllegalArgumentException("cooldownSeconds must not be negative, was " + cooldownSeconds);
        }
        this.cooldownSeconds = cooldownSeconds;
        this.requireApproval = requireApproval;
    }

    /** Whether a moved tag may roll this service at all. */
    public boolean followsMovedTags() {
        return refresh || autoRedeploy;
    }
}
