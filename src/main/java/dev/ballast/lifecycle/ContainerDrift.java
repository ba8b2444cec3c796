package dev.ballast.lifecycle;

import dev.ballast.model.DriftStatus;
import dev.ballast.model.TagKey;
import java.util.List;
import java.util.Objects;

/**
 * The drift of one container of a service's PRIMARY deployment: its image as written and the tag it names ({@code
 * tag}, null for an image named by digest only), the digest the deployment recorded ({@code pinnedDigest}, null for
 * {@code disabled}, fallback or unresolved containers, which run what the tag named when they started), the digest
 * the registry serves for the tag now ({@code registryDigest}, null when unknown or the tag is gone) and since when
 * it differs ({@code since}, epoch millis, null when it does not), the digest of the tasks' platform inside that
 * index when it is one ({@code platformDigest}), how many RUNNING tasks run the container ({@code runningTasks}) and
 * how many of them run what they should ({@code convergedTasks}, null when nothing tells what they should run), the
 * tasks that do not ({@code unconvergedTasks}), the {@code status} and a sentence explaining it ({@code detail}).
 */
public record ContainerDrift(
        String containerName,
        String image,
        TagKey tag,
        String pinnedDigest,
        String registryDigest,
        Long since,
        List<String> platforms,
        String platformDigest,
        int runningTasks,
        Integer convergedTasks,
        List<String> unconvergedTasks,
        DriftStatus status,
        String detail) {
    public ContainerDrift {
        Objects.requireNonNull(containerName, "containerName");
        Objects.requireNonNull(status, "status");
        platforms = List.copyOf(platforms);
        unconvergedTasks = List.copyOf(unconvergedTasks);
    }

    /** Whether every running task runs what it should (true when that is not known: nothing to report). */
    public boolean converged() {
        return unconvergedTasks.isEmpty();
    }
}
