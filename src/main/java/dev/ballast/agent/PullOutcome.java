package dev.ballast.agent;

import java.util.Map;

/** How pulling a task's images (and, before them, checking its secrets) ended. */
sealed interface PullOutcome {

    /** Every container's image is local; the results by container name. */
    record Pulled(Map<String, PullResult> byContainer) implements PullOutcome {
        public Pulled {
            byContainer = Map.copyOf(byContainer);
        }
    }

    /** The image of {@code container} could not be pulled; later containers were not tried. */
    record Failed(String container, PullFailedException error) implements PullOutcome {}

    /**
     * A secret of {@code container} did not resolve, so nothing was pulled (ECS fetches a task's secrets before
     * its images); {@code reason} is the task's stopped reason ({@code ResourceInitializationError: …}).
     */
    record SecretsUnavailable(String container, String reason) implements PullOutcome {}
}
