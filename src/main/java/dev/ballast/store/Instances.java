package dev.ballast.store;

import dev.ballast.core.CompareAndSet;
import dev.ballast.model.ContainerInstanceStatus;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Container instances. */
public final class Instances {
    private final DocTable<InstanceRow> table;
    private final Store store;

    Instances(Store store) {
        this.store = store;
        this.table = new DocTable<>(store, "container_instances", "arn", InstanceRow.class, i -> {
                    Map<String, Object> c = new HashMap<>();
                    c.put("arn", i.arn());
                    c.put("cluster", i.cluster());
                    c.put("status", i.status());
                    c.put("registered_at", i.registeredAt());
                    c.put("heartbeat_at", i.heartbeatAt());
                    c.put("agent_connected", i.agentConnected() ? 1 : 0);
                    return c;
                })
                .publishing(i -> List.of(Change.instance(i.arn())));
    }

    DocTable<InstanceRow> table() {
        return table;
    }

    public Optional<Versioned<InstanceRow>> find(String arn) {
        return table.find(arn);
    }

    /** Registers an instance, or returns the existing one with that ARN. */
    public InstanceRow register(InstanceRow row) {
        Optional<Versioned<InstanceRow>> existing = table.find(row.arn());
        if (existing.isPresent()) {
            return existing.get().value();
        }
        table.insert(row);
        return row;
    }

    /**
     * Inserts a new instance; false when one with that ARN exists.
     *
     * @throws ClusterNotActiveException when the instance's cluster is not ACTIVE (deleted meanwhile)
     */
    public boolean insert(InstanceRow row) {
        return insert(row, List.of());
    }

    /**
     * Inserts a new instance and its tags in one transaction; false when one with that ARN exists.
     *
     * @throws ClusterNotActiveException when the instance's cluster is not ACTIVE (deleted meanwhile)
     */
    public boolean insert(InstanceRow row, Collection<Tags.Tag> tags) {
        if (table.find(row.arn()).isPresent()) {
            return false;
        }
        table.insertAll(List.of(row), h -> {
            Clusters.lockActive(h, store.dialect(), row.cluster());
            Tags.putEach(h, List.of(row.arn()), tags);
        });
        return true;
    }

    /** Writes {@code row} if the instance is still at {@code version} (compare-and-set). */
    public boolean update(InstanceRow row, long version) {
        return table.update(row, version);
    }

    /**
     * Records a heartbeat of the instance's agent at {@code now} (connected again if it was not); false
     * when the instance does not exist or is deregistered.
     */
    public boolean heartbeat(String arn, long now) {
        try {
            // only a reconnect is news to readers of the row; a heartbeat of a connected agent is not published
            return Cas.update(
                            () -> table.find(arn),
                            i -> i.status().equals(ContainerInstanceStatus.INACTIVE.wire())
                                    ? Optional.empty()
                                    : Optional.of(i.heartbeat(now)),
                            (read, changed) -> table.update(
                                    changed, read.version(), !read.value().agentConnected()),
                            10)
                    .isPresent();
        } catch (CompareAndSet.ConflictException e) {
            return false; // ten writers in a row won: the instance is busy, and this heartbeat is the least of its news
        }
    }

    /** Registered (not INACTIVE) instances in any cluster whose last heartbeat is before {@code cutoff}. */
    public List<Versioned<InstanceRow>> heartbeatBefore(long cutoff) {
        return table.where("heartbeat_at < :cutoff AND status <> 'INACTIVE'", Map.of("cutoff", cutoff), "arn", 100_000);
    }

    /** Instances of a cluster in the given status (all registered ones when {@code status} is null). */
    public List<Versioned<InstanceRow>> inCluster(String cluster, String status) {
        return status == null
                ? table.where("cluster = :c AND status <> 'INACTIVE'", Map.of("c", cluster), "arn", 100_000)
                : table.where("cluster = :c AND status = :s", Map.of("c", cluster, "s", status), "arn", 100_000);
    }

    public List<InstanceRow> active(String cluster) {
        return table.where("cluster = :c AND status = 'ACTIVE'", Map.of("c", cluster), "arn", 100_000).stream()
                .map(Versioned::value)
                .toList();
    }

    public List<InstanceRow> list(String cluster, String status, String after, int limit) {
        String where =
                "cluster = :c AND arn > :after" + (status == null ? " AND status <> 'INACTIVE'" : " AND status = :s");
        Map<String, Object> binds = new HashMap<>(Map.of("c", cluster, "after", after == null ? "" : after));
        if (status != null) {
            binds.put("s", status);
        }
        return table.where(where, binds, "arn", limit).stream()
                .map(Versioned::value)
                .toList();
    }

    public int count(String cluster) {
        return table.count("cluster = :c AND status <> 'INACTIVE'", Map.of("c", cluster));
    }
}
