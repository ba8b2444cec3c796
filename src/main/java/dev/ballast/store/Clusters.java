package dev.ballast.store;

import dev.ballast.model.ClusterStatus;
import dev.ballast.model.ServiceStatus;
import dev.ballast.model.TaskStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/** Cluster rows. Deleted clusters stay as INACTIVE, as in ECS, until recreated. */
public final class Clusters {
    private final Store store;

    Clusters(Store store) {
        this.store = store;
    }

    private static ClusterRecord row(ResultSet rs, StatementContext ctx) throws SQLException {
        return new ClusterRecord(
                rs.getString("name"),
                rs.getString("arn"),
                rs.getString("status"),
                rs.getString("doc"),
                rs.getLong("created_at"),
                rs.getLong("updated_at"));
    }

    public Optional<ClusterRecord> find(String name) {
        return store.jdbi()
                .withHandle(h -> h.createQuery("SELECT * FROM clusters WHERE name = :name")
                        .bind("name", name)
                        .map(Clusters::row)
                        .findOne());
    }

    /**
     * Creates the cluster, or reactivates an INACTIVE one with the new document and tags. An ACTIVE
     * cluster of that name is returned unchanged (ECS's CreateCluster is idempotent).
     */
    public ClusterRecord createOrGet(String name, String arn, String doc, List<Tags.Tag> tags) {
        return createOrGet(name, arn, doc, tags, List.of());
    }

    /**
     * As above, associating {@code capacityProviders} with a cluster it creates (or reactivates), in the same
     * transaction.
     *
     * @throws CapacityProviders.MissingProviderException when one does not exist (nothing is written)
     */
    public ClusterRecord createOrGet(
            String name, String arn, String doc, List<Tags.Tag> tags, List<String> capacityProviders) {
        return store.jdbi().inTransaction(h -> {
            Optional<ClusterRecord> existing = h.createQuery("SELECT * FROM clusters WHERE name = :name")
                    .bind("name", name)
                    .map(Clusters::row)
                    .findOne();
            if (existing.isPresent() && existing.get().status().equals(ClusterStatus.ACTIVE.wire())) {
                return existing.get();
            }
            long now = store.now();
            h.createUpdate("""
                    INSERT INTO clusters (name, arn, status, doc, created_at, updated_at)
                    VALUES (:name, :arn, 'ACTIVE', :doc, :now, :now)
                    ON CONFLICT (name) DO UPDATE SET status = 'ACTIVE', doc = :doc, created_at = :now, updated_at = :now
                    """)
                    .bind("name", name)
                    .bind("arn", arn)
                    .bind("doc", doc)
                    .bind("now", now)
                    .execute();
            Tags.replaceAll(h, arn, tags);
            CapacityProviders.associate(h, store.dialect(), name, capacityProviders);
            store.changes().publish(h, List.of(Change.cluster(name)));
            return new ClusterRecord(name, arn, ClusterStatus.ACTIVE.wire(), doc, now, now);
        });
    }

    /** Replaces the document of an ACTIVE cluster; false when there is none. */
    public boolean updateDoc(String name, String doc) {
        return store.jdbi()
                        .inTransaction(h -> published(
                                h,
                                name,
                                h.createUpdate(
                                                "UPDATE clusters SET doc = :doc, updated_at = :now WHERE name = :name AND status = 'ACTIVE'")
                                        .bind("name", name)
                                        .bind("doc", doc)
                                        .bind("now", store.now())
                                        .execute()))
                == 1;
    }

    /**
     * Inside a write transaction: locks cluster {@code name}'s row if it is ACTIVE (on PostgreSQL a shared
     * row lock until commit; SQLite transactions here are IMMEDIATE, so they are serialised anyway), else throws. A
     * concurrent {@link #deactivateIfEmpty} then either sees what this transaction inserts or runs first and
     * makes it fail.
     *
     * @throws ClusterNotActiveException when the cluster is not ACTIVE
     */
    static void lockActive(Handle h, Store.Dialect dialect, String name) {
        // PostgreSQL: a shared row lock (inserts into one cluster do not wait for each other; DeleteCluster's
        // row update waits for them, and they for it). SQLite: the IMMEDIATE transaction already excludes it.
        String sql = "SELECT name FROM clusters WHERE name = :name AND status = 'ACTIVE'"
                + (dialect == Store.Dialect.POSTGRESQL ? " FOR SHARE" : "");
        if (h.createQuery(sql).bind("name", name).mapTo(String.class).findOne().isEmpty()) {
            throw new ClusterNotActiveException(name);
        }
    }

    /** Marks an ACTIVE cluster INACTIVE; false when there is none. */
    public boolean deactivate(String name) {
        return store.jdbi()
                        .inTransaction(h -> published(
                                h,
                                name,
                                h.createUpdate(
                                                "UPDATE clusters SET status = 'INACTIVE', updated_at = :now WHERE name = :name AND status = 'ACTIVE'")
                                        .bind("name", name)
                                        .bind("now", store.now())
                                        .execute()))
                == 1;
    }

    /** Publishes a change of cluster {@code name} when {@code rows} were written; returns {@code rows}. */
    private int published(Handle h, String name, int rows) {
        if (rows > 0) {
            store.changes().publish(h, List.of(Change.cluster(name)));
        }
        return rows;
    }

    /**
     * Marks an ACTIVE cluster INACTIVE only if it holds no registered instance, no ACTIVE or DRAINING
     * service and no task that is not STOPPED, counted in the same transaction. Returns what it counted
     * ({@link ClusterCounts#NONE} when the cluster was deleted), or empty when there is no ACTIVE cluster.
     */
    public Optional<ClusterCounts> deactivateIfEmpty(String name) {
        return store.jdbi().inTransaction(h -> {
            // Lock the row first (PostgreSQL), so a concurrent delete or create waits for this decision.
            long touched = h.createUpdate(
                            "UPDATE clusters SET updated_at = updated_at WHERE name = :name AND status = 'ACTIVE'")
                    .bind("name", name)
                    .execute();
            if (touched == 0) {
                return Optional.empty();
            }
            ClusterCounts counts = counts(h, name);
            if (counts.instances() > 0
                    || counts.activeServices() + counts.drainingServices() > 0
                    || counts.liveTasks() > 0) {
                return Optional.of(counts);
            }
            h.createUpdate(
                            "UPDATE clusters SET status = 'INACTIVE', updated_at = :now WHERE name = :name AND status = 'ACTIVE'")
                    .bind("name", name)
                    .bind("now", store.now())
                    .execute();
            store.changes().publish(h, List.of(Change.cluster(name)));
            return Optional.of(ClusterCounts.NONE);
        });
    }

    /** The cluster's instances, tasks by status and services by status: three grouped count queries. */
    public ClusterCounts counts(String name) {
        return store.jdbi().withHandle(h -> counts(h, name));
    }

    private static ClusterCounts counts(Handle h, String name) {
        int instances = h.createQuery(
                        "SELECT COUNT(*) FROM container_instances WHERE cluster = :c AND status <> 'INACTIVE'")
                .bind("c", name)
                .mapTo(Integer.class)
                .one();
        Map<String, Integer> tasks = grouped(
                h,
                "SELECT last_status, COUNT(*) FROM tasks WHERE cluster = :c AND last_status <> 'STOPPED' GROUP BY last_status",
                name);
        Map<String, Integer> services = grouped(
                h,
                "SELECT status, COUNT(*) FROM services WHERE cluster = :c AND status <> 'INACTIVE' GROUP BY status",
                name);
        int pending = tasks.getOrDefault(TaskStatus.PROVISIONING.wire(), 0)
                + tasks.getOrDefault(TaskStatus.PENDING.wire(), 0)
                + tasks.getOrDefault(TaskStatus.ACTIVATING.wire(), 0);
        int live = tasks.values().stream().mapToInt(Integer::intValue).sum();
        return new ClusterCounts(
                instances,
                tasks.getOrDefault(TaskStatus.RUNNING.wire(), 0),
                pending,
                live,
                services.getOrDefault(ServiceStatus.ACTIVE.wire(), 0),
                services.getOrDefault(ServiceStatus.DRAINING.wire(), 0));
    }

    private static Map<String, Integer> grouped(Handle h, String sql, String cluster) {
        Map<String, Integer> out = new HashMap<>();
        h.createQuery(sql)
                .bind("c", cluster)
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getInt(2)))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** Names of ACTIVE clusters after {@code after} (exclusive), in name order. */
    public List<String> listActive(String after, int limit) {
        return store.jdbi()
                .withHandle(h -> h.createQuery(
                                "SELECT name FROM clusters WHERE status = 'ACTIVE' AND name > :after ORDER BY name LIMIT :limit")
                        .bind("after", after == null ? "" : after)
                        .bind("limit", limit)
                        .mapTo(String.class)
                        .list());
    }
}
