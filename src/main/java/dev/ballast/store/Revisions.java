package dev.ballast.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Service revisions with their resolution records. */
public final class Revisions {
    private final DocTable<RevisionRow> table;
    private final Store store;

    Revisions(Store store) {
        this.store = store;
        this.table = new DocTable<>(store, "service_revisions", "arn", RevisionRow.class, r -> {
            Map<String, Object> c = new HashMap<>();
            c.put("arn", r.arn());
            c.put("service_arn", r.serviceArn());
            c.put("task_definition_arn", r.taskDefinitionArn());
            c.put("created_at", r.createdAt());
            return c;
        });
    }

    DocTable<RevisionRow> table() {
        return table;
    }

    public Optional<Versioned<RevisionRow>> find(String arn) {
        return table.find(arn);
    }

    public boolean update(RevisionRow r, long version) {
        return table.update(r, version);
    }

    /** When the newest revision (of any service) was created, epoch millis; 0 when there is none. */
    public long newestCreatedAt() {
        return store.jdbi()
                .withHandle(h -> h.createQuery("SELECT COALESCE(MAX(created_at), 0) FROM service_revisions")
                        .mapTo(Long.class)
                        .one());
    }

    /** Revisions whose resolution is still pending, oldest first. */
    public List<Versioned<RevisionRow>> ofService(String serviceArn) {
        return table.where("service_arn = :s", Map.of("s", serviceArn), "created_at", 1000);
    }
}
