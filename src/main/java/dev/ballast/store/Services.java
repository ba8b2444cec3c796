package dev.ballast.store;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Service rows. A deleted service stays INACTIVE; names are unique among a cluster's live services. */
public final class Services {
    private final DocTable<ServiceRow> table;
    private final Store store;

    Services(Store store) {
        this.store = store;
        this.table = new DocTable<>(store, "services", "arn", ServiceRow.class, s -> {
                    Map<String, Object> c = new HashMap<>();
                    c.put("arn", s.arn());
                    c.put("cluster", s.cluster());
                    c.put("name", s.name());
                    c.put("status", s.status());
                    c.put("desired_count", s.desiredCount());
                    c.put("task_definition_arn", s.taskDefinitionArn());
                    c.put("client_token", s.clientToken());
                    c.put("created_at", s.createdAt());
                    return c;
                })
                .publishing(s -> List.of(Change.service(s.arn())));
    }

    public Optional<Versioned<ServiceRow>> find(String arn) {
        return table.find(arn);
    }

    /** The live (not INACTIVE) service of that name in the cluster. */
    public Optional<Versioned<ServiceRow>> live(String cluster, String name) {
        return table
                .where(
                        "cluster = :cluster AND name = :name AND status <> 'INACTIVE'",
                        Map.of("cluster", cluster, "name", name),
                        null,
                        1)
                .stream()
                .findFirst();
    }

    /**
     * Creates the service, its first revision and deployment and its tags in one transaction, unless a live
     * service of that name exists (then returns it unchanged, and nothing is written).
     *
     * @throws ClusterNotActiveException when the service's cluster is not ACTIVE (deleted meanwhile)
     */
    public Versioned<ServiceRow> create(
            ServiceRow service, RevisionRow revision, DeploymentRow deployment, Collection<Tags.Tag> tags) {
        return store.jdbi().inTransaction(h -> {
            Clusters.lockActive(h, store.dialect(), service.cluster());
            var existing = h.createQuery(
                            "SELECT arn FROM services WHERE cluster = :c AND name = :n AND status <> 'INACTIVE'")
                    .bind("c", service.cluster())
                    .bind("n", service.name())
                    .mapTo(String.class)
                    .findOne();
            if (existing.isPresent()) {
                return table.find(h, existing.get()).orElseThrow();
            }
            h.createUpdate("DELETE FROM services WHERE arn = :arn AND status = 'INACTIVE'")
                    .bind("arn", service.arn())
                    .execute();
            table.insert(h, service);
            store.revisions().table().insert(h, revision);
            store.deployments().table().insert(h, deployment);
            Tags.putEach(h, List.of(service.arn()), tags);
            return new Versioned<>(service, 1L);
        });
    }

    public boolean update(ServiceRow service, long version) {
        return table.update(service, version);
    }

    /**
     * Updates the service and, in the same transaction, adds a revision and a deployment (UpdateService
     * with a new task definition or forceNewDeployment); false if the service moved on meanwhile.
     */
    public boolean updateWithDeployment(
            ServiceRow service, long version, RevisionRow revision, DeploymentRow deployment) {
        return store.jdbi().inTransaction(h -> {
            if (!table.update(h, service, version)) {
                return false;
            }
            if (revision != null) {
                store.revisions().table().insert(h, revision);
            }
            store.deployments().table().insert(h, deployment);
            return true;
        });
    }

    /** Live services of a cluster after the given name, in name order. */
    public List<ServiceRow> list(String cluster, String afterName, int limit) {
        return table
                .where(
                        "cluster = :cluster AND status <> 'INACTIVE' AND name > :after",
                        Map.of("cluster", cluster, "after", afterName == null ? "" : afterName),
                        "name",
                        limit)
                .stream()
                .map(Versioned::value)
                .toList();
    }

    /** The live (not INACTIVE) services of a cluster, on {@code h} (inside its transaction). */
    List<ServiceRow> live(Handle h, String cluster) {
        return table
                .where(h, "cluster = :cluster AND status <> 'INACTIVE'", Map.of("cluster", cluster), "name", 1_000_000)
                .stream()
                .map(Versioned::value)
                .toList();
    }

    /** Every service that still needs reconciling (ACTIVE or DRAINING), across clusters. */
    public List<Versioned<ServiceRow>> needingReconcile(int limit) {
        return table.where("status <> 'INACTIVE'", Map.of(), "arn", limit);
    }

    public int countLive(String cluster) {
        return table.count("cluster = :cluster AND status = 'ACTIVE'", Map.of("cluster", cluster));
    }
}
