package dev.ballast.agent;

import java.util.Map;

/** How pulling a task's images ended. */
sealed interface PullOutcome {

    /** Every container's image is local; the results by container name. */
    record Pulled(Map<String, PullResult> byContainer) implements PullOutcome {
        public Pulled {
            byContainer = Map.copyOf(byContainer);
        }
    }

    /** The image of {@code container} could not be pulled; later containers were not tried. */
    record Failed(String container, PullFailedException error) implements PullOutcome {}
}
