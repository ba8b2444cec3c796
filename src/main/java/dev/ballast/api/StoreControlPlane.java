package dev.ballast.api;

import dev.ballast.agent.AgentTask;
import dev.ballast.agent.AgentTasks;
import dev.ballast.agent.ControlPlane;
import dev.ballast.core.Account;
import dev.ballast.model.ContainerInstanceStatus;
import dev.ballast.model.TaskDefinition;
import dev.ballast.store.Cas;
import dev.ballast.store.InstanceRow;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;
import dev.ballast.store.Versioned;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link ControlPlane} of agents embedded in the server: the server's own store. Tasks are converted to the
 * agent's records by {@link AgentTaskRows}; each carries its task definition document, read once per revision
 * (a revision never changes). Writes are compare-and-set on the task row read.
 */
public final class StoreControlPlane implements ControlPlane {
    private final Store store;
    private final Account account;
    private final Clock clock;

    /** @param account the account and region of the instances' cluster ARNs */
    public StoreControlPlane(Store store, Account account, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.account = Objects.requireNonNull(account, "account");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String register(Registration r) {
        Objects.requireNonNull(r.arn(), "an embedded agent names its instance");
        long now = clock.millis();
        InstanceRow wanted = new InstanceRow(
                r.arn(),
                r.cluster(),
                account.clusterArn(r.cluster()),
                r.ec2InstanceId(),
                ContainerInstanceStatus.ACTIVE.wire(),
                true,
                r.cpu(),
                r.memory(),
                r.attributes(),
                r.agentVersion(),
                now);
        InstanceRow known = store.instances().register(wanted);
        if (known == wanted
                || !known.status().equals(ContainerInstanceStatus.ACTIVE.wire())
                || known.cpu() == wanted.cpu()
                        && known.memory() == wanted.memory()
                        && known.attributes().equals(wanted.attributes())
                        && Objects.equals(known.agentVersion(), wanted.agentVersion())) {
            store.instances().heartbeat(wanted.arn(), now);
            return wanted.arn();
        }
        Cas.update(
                () -> store.instances().find(wanted.arn()),
                read -> Optional.of(read.reRegistered(
                        wanted.cpu(), wanted.memory(), wanted.attributes(), wanted.agentVersion(), now)),
                (read, changed) -> store.instances().update(changed, read.version()),
                10);
        return wanted.arn();
    }

    @Override
    public void heartbeat(String instanceArn, long now) {
        store.instances().heartbeat(instanceArn, now);
    }

    @Override
    public AgentTasks tasks(String instanceArn) {
        // The rows last read, by task ARN: a write merges onto the row it was read from without reading it again.
        Map<String, Versioned<TaskRow>> lastRead = new ConcurrentHashMap<>();
        return new AgentTasks() {
            @Override
            public List<AgentTask> forInstance(String instance) {
                List<Versioned<TaskRow>> rows = store.tasks().forInstance(instance);
                Set<String> listed = new HashSet<>();
                rows.forEach(r -> {
                    listed.add(r.value().arn());
                    lastRead.put(r.value().arn(), r);
                });
                lastRead.keySet().retainAll(listed);
                return rows.stream().map(StoreControlPlane.this::toAgent).toList();
            }

            @Override
            public Optional<AgentTask> find(String taskArn) {
                Optional<Versioned<TaskRow>> row = store.tasks().find(taskArn);
                row.ifPresent(r -> lastRead.put(taskArn, r));
                return row.map(StoreControlPlane.this::toAgent);
            }

            @Override
            public boolean update(AgentTask task) {
                Versioned<TaskRow> read = lastRead.get(task.arn());
                if (read == null || read.version() != task.version()) {
                    read = store.tasks().find(task.arn()).orElse(null);
                }
                if (read == null || read.version() != task.version()) {
                    return false;
                }
                lastRead.remove(task.arn());
                return store.tasks().update(AgentTaskRows.merge(read.value(), task), task.version());
            }
        };
    }

    private AgentTask toAgent(Versioned<TaskRow> row) {
        return AgentTaskRows.toAgent(
                row.value(), row.version(), definition(row.value().taskDefinitionArn()));
    }

    /** The typed task definition of a revision (the store's parsed cache), or null when there is none. */
    private TaskDefinition definition(String arn) {
        return arn == null ? null : store.taskDefinitions().definition(arn).orElse(null);
    }
}
