package dev.ballast.store;

import java.util.List;

/**
 * A deployment's consecutive failed task starts, as the launch back-off counts them: how many failed since a
 * task last reached RUNNING, when the newest counted one stopped ({@code lastAt}, epoch ms) and the ARNs of the
 * counted ones that stopped at exactly that millisecond (so that one stopping in the same millisecond but seen
 * a pass later is still counted, once).
 */
public record LaunchFailures(int consecutive, long lastAt, List<String> lastArns) {
    /** No failure counted yet. */
    public static final LaunchFailures NONE = new LaunchFailures(0, 0, List.of());

    public LaunchFailures {
        if (consecutive < 0) {
            throw new IllegalArgumentException("consecutive failures must not be negative, got " + consecutive);
        }
        lastArns = lastArns == null ? List.of() : List.copyOf(lastArns);
    }
}
