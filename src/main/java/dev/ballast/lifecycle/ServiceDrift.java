package dev.ballast.lifecycle;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The drift of one service: each container of its PRIMARY deployment ({@link ContainerDrift}), and the index digests
 * whose platform children the comparison lacked ({@code unknownIndexes}, fetched once off the controller threads).
 */
public record ServiceDrift(
        String serviceArn,
        String serviceName,
        String clusterArn,
        String deploymentId,
        List<ContainerDrift> containers,
        List<IndexRef> unknownIndexes) {
    public ServiceDrift {
        Objects.requireNonNull(serviceArn, "serviceArn");
        containers = List.copyOf(containers);
        unknownIndexes = List.copyOf(unknownIndexes);
    }

    /** An index (or manifest) digest in a repository whose children are not recorded yet. */
    public record IndexRef(String registry, String repository, String digest) {}

    /** Whether a container's tag names other bytes than the service was deployed with. */
    public boolean drifted() {
        return containers.stream().anyMatch(c -> c.status().drifted());
    }

    /** The running tasks with a container that does not run what it should. */
    public Set<String> unconvergedTasks() {
        Set<String> out = new LinkedHashSet<>();
        containers.forEach(c -> out.addAll(c.unconvergedTasks()));
        return out;
    }
}
