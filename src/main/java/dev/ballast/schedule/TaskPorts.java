package dev.ballast.schedule;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.ballast.core.HostPorts;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;

/**
 * The host ports a task holds on its instance, from its task definition revision (see
 * {@link Demand#ports}). Revisions never change their containers, so the answer is cached per revision.
 */
public final class TaskPorts {
    private final Store store;
    private final Cache<String, HostPorts> byRevision =
            Caffeine.newBuilder().maximumSize(4_096).build();

    public TaskPorts(Store store) {
        this.store = store;
    }

    public HostPorts of(TaskRow task) {
        return of(task.taskDefinitionArn());
    }

    public HostPorts of(String taskDefinitionArn) {
        return byRevision.get(
                taskDefinitionArn,
                arn -> store.taskDefinitions()
                        .findByArn(arn)
                        .map(td -> Demand.ports(td.definition()))
                        .orElse(HostPorts.NONE));
    }
}
