package dev.ballast.store;

import dev.ballast.core.ModelJson;
import dev.ballast.model.CapacityProviderStrategyItem;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Capacity providers and which clusters they are associated with (migration V14). FARGATE and FARGATE_SPOT are
 * built in: they have no row, exist for every cluster to associate, and cannot be created, updated or deleted.
 */
public final class CapacityProviders {
    /** The built-in provider over serverless capacity. */
    public static final String FARGATE = CapacityProviderStrategyItem.FARGATE_PROVIDERS.get(0);
    /** The built-in provider over serverless capacity, interruptible on ECS (on Ballast the same capacity). */
    public static final String FARGATE_SPOT = CapacityProviderStrategyItem.FARGATE_PROVIDERS.get(1);
    /** The built-in providers, in the order DescribeCapacityProviders lists them. */
    public static final List<String> BUILT_IN = CapacityProviderStrategyItem.FARGATE_PROVIDERS;

    /** What kept CreateCapacityProvider from creating a provider. */
    public enum Conflict {
        /** A provider of that name exists. */
        NAME,
        /** Another provider uses that Auto Scaling group. */
        AUTO_SCALING_GROUP
    }

    /** A provider named in an association does not exist (it was deleted meanwhile, or never created). */
    public static final class MissingProviderException extends RuntimeException {
        private final String provider;

        MissingProviderException(String provider) {
            super("capacity provider " + provider + " does not exist");
            this.provider = provider;
        }

        public String provider() {
            return provider;
        }
    }

    /** A provider to be removed from a cluster is still in use there (nothing is written). */
    public static final class ProviderInUseException extends RuntimeException {
        ProviderInUseException(String provider, String cluster) {
            super("capacity provider " + provider + " is in use in cluster " + cluster);
        }
    }

    private final Store store;

    CapacityProviders(Store store) {
        this.store = store;
    }

    public static boolean isBuiltIn(String name) {
        return BUILT_IN.contains(name);
    }

    private static CapacityProviderRow row(ResultSet rs, StatementContext ctx) throws SQLException {
        return new CapacityProviderRow(
                rs.getString("name"),
                rs.getString("arn"),
                rs.getString("auto_scaling_group_arn"),
                rs.getString("doc"),
                rs.getLong("created_at"),
                rs.getLong("updated_at"));
    }

    /** Creates {@code p} with {@code tags}; empty when created, else why not (nothing is written then). */
    public Optional<Conflict> create(CapacityProviderRow p, List<Tags.Tag> tags) {
        return store.jdbi().inTransaction(h -> {
            if (find(h, p.name()).isPresent()) {
                return Optional.of(Conflict.NAME);
            }
            boolean groupTaken =
                    h.createQuery("SELECT COUNT(*) FROM capacity_providers WHERE auto_scaling_group_arn = :g")
                                    .bind("g", p.autoScalingGroupArn())
                                    .mapTo(Integer.class)
                                    .one()
                            > 0;
            if (groupTaken) {
                return Optional.of(Conflict.AUTO_SCALING_GROUP);
            }
            h.createUpdate("""
                    INSERT INTO capacity_providers (name, arn, auto_scaling_group_arn, doc, created_at, updated_at)
                    VALUES (:name, :arn, :group, :doc, :created, :updated)
                    """)
                    .bind("name", p.name())
                    .bind("arn", p.arn())
                    .bind("group", p.autoScalingGroupArn())
                    .bind("doc", p.doc())
                    .bind("created", p.createdAt())
                    .bind("updated", p.updatedAt())
                    .execute();
            Tags.replaceAll(h, p.arn(), tags);
            return Optional.empty();
        });
    }

    public Optional<CapacityProviderRow> find(String name) {
        return store.jdbi().withHandle(h -> find(h, name));
    }

    private static Optional<CapacityProviderRow> find(Handle h, String name) {
        return h.createQuery("SELECT * FROM capacity_providers WHERE name = :name")
                .bind("name", name)
                .map(CapacityProviders::row)
                .findOne();
    }

    /** Providers after {@code after} (exclusive; null: from the first), in name order. */
    public List<CapacityProviderRow> list(String after, int limit) {
        return store.jdbi()
                .withHandle(h -> h.createQuery(
                                "SELECT * FROM capacity_providers WHERE name > :after ORDER BY name LIMIT :limit")
                        .bind("after", after == null ? "" : after)
                        .bind("limit", limit)
                        .map(CapacityProviders::row)
                        .list());
    }

    /** Replaces a provider's document; false when there is no such provider. */
    public boolean update(CapacityProviderRow p) {
        return store.jdbi()
                        .inTransaction(h -> h.createUpdate(
                                        "UPDATE capacity_providers SET doc = :doc, updated_at = :now WHERE name = :name")
                                .bind("name", p.name())
                                .bind("doc", p.doc())
                                .bind("now", p.updatedAt())
                                .execute())
                == 1;
    }

    /**
     * Deletes provider {@code name} (and its tags) unless an ACTIVE cluster has it associated, decided in one
     * transaction. Empty when there is no such provider; else the clusters that keep it (empty list: deleted).
     */
    public Optional<List<String>> deleteUnlessAssociated(String name) {
        return store.jdbi().inTransaction(h -> {
            Optional<CapacityProviderRow> p = h.createQuery("SELECT * FROM capacity_providers WHERE name = :name"
                            + (store.dialect() == Store.Dialect.POSTGRESQL ? " FOR UPDATE" : ""))
                    .bind("name", name)
                    .map(CapacityProviders::row)
                    .findOne();
            if (p.isEmpty()) {
                return Optional.empty();
            }
            List<String> clusters = clustersUsing(h, name);
            if (!clusters.isEmpty()) {
                return Optional.of(clusters);
            }
            h.createUpdate("DELETE FROM capacity_providers WHERE name = :name")
                    .bind("name", name)
                    .execute();
            Tags.replaceAll(h, p.get().arn(), List.of());
            return Optional.of(List.of());
        });
    }

    /** The ACTIVE clusters provider {@code name} is associated with, in name order. */
    public List<String> clustersUsing(String name) {
        return store.jdbi().withHandle(h -> clustersUsing(h, name));
    }

    private static List<String> clustersUsing(Handle h, String name) {
        return h.createQuery("""
                SELECT a.cluster FROM cluster_capacity_providers a JOIN clusters c ON c.name = a.cluster
                WHERE a.provider = :p AND c.status = 'ACTIVE' ORDER BY a.cluster
                """).bind("p", name).mapTo(String.class).list();
    }

    /**
     * PutClusterCapacityProviders: replaces ACTIVE cluster {@code cluster}'s document (which lists the providers
     * and the default strategy) and its associations, in one transaction. False when the cluster is not ACTIVE. A
     * provider the cluster loses must not be in use there — no live task placed through it, no live service whose
     * strategy names it — decided in the same transaction, under the cluster's placement lock ({@code placement/<cluster>},
     * {@link Store#withSharedLock}, as the launcher takes it), so a placement in progress is seen.
     *
     * @throws MissingProviderException when a provider that is not built in does not exist (nothing is written)
     * @throws ProviderInUseException when a provider the cluster loses is in use (nothing is written)
     */
    public boolean putClusterProviders(String cluster, String doc, Collection<String> providers) {
        // the launcher's lock: a placement in progress finishes (and is seen) first, on SQLite and PostgreSQL alike
        return store.withSharedLock(
                "placement/" + cluster,
                () -> store.jdbi().inTransaction(h -> {
                    Set<String> removed = new HashSet<>(
                            h.createQuery("SELECT provider FROM cluster_capacity_providers WHERE cluster = :c")
                                    .bind("c", cluster)
                                    .mapTo(String.class)
                                    .list());
                    removed.removeAll(providers);
                    if (!removed.isEmpty()) {
                        checkNotInUse(h, cluster, removed);
                    }
                    int updated = h.createUpdate(
                                    "UPDATE clusters SET doc = :doc, updated_at = :now WHERE name = :name AND status = 'ACTIVE'")
                            .bind("name", cluster)
                            .bind("doc", doc)
                            .bind("now", store.now())
                            .execute();
                    if (updated == 0) {
                        return false;
                    }
                    associate(h, store.dialect(), cluster, providers);
                    store.changes().publish(h, List.of(Change.cluster(cluster)));
                    return true;
                }));
    }

    /** Throws when a live task of the cluster was placed through one of {@code removed}, or a live service names one. */
    private void checkNotInUse(Handle h, String cluster, Set<String> removed) {
        for (TaskRow t : store.tasks().liveInCluster(h, cluster)) {
            String p = t.launch().capacityProviderName();
            if (p != null && removed.contains(p)) {
                throw new ProviderInUseException(p, cluster);
            }
        }
        for (ServiceRow s : store.services().live(h, cluster)) {
            for (CapacityProviderStrategyItem i : ModelJson.launchSpec(s.spec()).capacityProviderStrategy()) {
                if (removed.contains(i.capacityProvider())) {
                    throw new ProviderInUseException(i.capacityProvider(), cluster);
                }
            }
        }
    }

    /**
     * Inside a write transaction: makes {@code providers} the cluster's associations. Each provider that is not
     * built in must exist (on PostgreSQL its row is share-locked, so a concurrent delete waits for this decision).
     *
     * @throws MissingProviderException when one does not exist
     */
    static void associate(Handle h, Store.Dialect dialect, String cluster, Collection<String> providers) {
        for (String p : Set.copyOf(providers)) {
            if (isBuiltIn(p)) {
                continue;
            }
            boolean exists = h.createQuery("SELECT name FROM capacity_providers WHERE name = :name"
                            + (dialect == Store.Dialect.POSTGRESQL ? " FOR SHARE" : ""))
                    .bind("name", p)
                    .mapTo(String.class)
                    .findOne()
                    .isPresent();
            if (!exists) {
                throw new MissingProviderException(p);
            }
        }
        h.createUpdate("DELETE FROM cluster_capacity_providers WHERE cluster = :c")
                .bind("c", cluster)
                .execute();
        for (String p : Set.copyOf(providers)) {
            h.createUpdate("INSERT INTO cluster_capacity_providers (cluster, provider) VALUES (:c, :p)")
                    .bind("c", cluster)
                    .bind("p", p)
                    .execute();
        }
    }
}
