package dev.ballast.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Service deployments, newest first per service. */
public final class Deployments {
    private final DocTable<DeploymentRow> table;
    private final Store store;

    Deployments(Store store) {
        this.store = store;
        this.table = new DocTable<>(store, "deployments", "id", DeploymentRow.class, d -> {
            Map<String, Object> c = new HashMap<>();
            c.put("id", d.id());
            c.put("arn", d.arn());
            c.put("service_arn", d.serviceArn());
            c.put("revision_arn", d.revisionArn());
            c.put("status", d.status());
            c.put("rollout_state", d.rolloutState());
            c.put("desired_count", d.desiredCount());
            c.put("created_at", d.createdAt());
            return c;
        });
    }

    DocTable<DeploymentRow> table() {
        return table;
    }

    public Optional<Versioned<DeploymentRow>> find(String id) {
        return table.find(id);
    }

    public Optional<Versioned<DeploymentRow>> findByArn(String arn) {
        return table.where("arn = :arn", Map.of("arn", arn), null, 1).stream().findFirst();
    }

    /** All deployments of a service, newest first. */
    public List<Versioned<DeploymentRow>> ofService(String serviceArn) {
        return table.where("service_arn = :s", Map.of("s", serviceArn), "created_at DESC, id DESC", 10_000);
    }

    /** Deployments that are not INACTIVE counted by rollout state (for the {@code ballast.deployments} gauge). */
    public Map<String, Integer> activeCountsByRolloutState() {
        return store.jdbi().withHandle(h -> {
            Map<String, Integer> out = new HashMap<>();
            h.createQuery(
                            "SELECT rollout_state, COUNT(*) FROM deployments WHERE status <> 'INACTIVE' GROUP BY rollout_state")
                    .map((rs, ctx) -> out.put(rs.getString(1), rs.getInt(2)))
                    .list();
            return out;
        });
    }

    /**
     * The deployments of live services that can hold image digests: every deployment that is not INACTIVE, and the
     * newest COMPLETED one that is INACTIVE (the rollback target; several only when created in the same
     * millisecond), by service, newest first — proportional to the live services, not to their history.
     */
    public List<Versioned<DeploymentRow>> holdingImages() {
        return table.where(
                "(status <> 'INACTIVE' OR (rollout_state = 'COMPLETED' AND created_at = (SELECT MAX(o.created_at)"
                        + " FROM deployments o WHERE o.service_arn = deployments.service_arn"
                        + " AND o.status = 'INACTIVE' AND o.rollout_state = 'COMPLETED')))"
                        + " AND service_arn IN (SELECT arn FROM services WHERE status <> 'INACTIVE')",
                Map.of(),
                "service_arn, created_at DESC, id DESC",
                1_000_000);
    }

    public boolean update(DeploymentRow d, long version) {
        return table.update(d, version);
    }
}
