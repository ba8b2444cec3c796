package dev.ballast.registry;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code registry} label of registry metrics, bounded: API callers choose registry names, so only the
 * configured registries (marked insecure) and the first {@code limit} other registries seen get their own
 * label; every further one is counted as {@value #OTHER}. The set of labels never shrinks, so a series once
 * created keeps its name.
 */
final class RegistryLabels {

    static final String OTHER = "other";

    private final Set<String> configured;
    private final int limit;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    RegistryLabels(Set<String> configured, int limit) {
        this.configured = Set.copyOf(configured);
        this.limit = limit;
    }

    /** The label for {@code registry}: its name while there is room, else {@value #OTHER}. */
    String of(String registry) {
        if (configured.contains(registry) || seen.contains(registry)) {
            return registry;
        }
        synchronized (seen) {
            if (seen.size() < limit) {
                seen.add(registry);
                return registry;
            }
        }
        return seen.contains(registry) ? registry : OTHER;
    }
}
