package dev.ballast.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Container instances. */
public final class Instances {
    private final DocTable<InstanceRow> table;

    Instances(Store store) {
        this.table = new DocTable<>(store, "container_instances", "arn", InstanceRow.class, i -> {
            Map<String, Object> c = new HashMap<>();
            c.put("arn", i.arn());
            c.put("cluster", i.cluster());
            c.put("status", i.status());
            c.put("registered_at", i.registeredAt());
            c.put("heartbeat_at", i.registeredAt());
            return c;
        });
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

    public List<InstanceRow> active(String cluster) {
        return table.where("cluster = :c AND status = 'ACTIVE'", Map.of("c", cluster), "arn", 100_000)
                .stream().map(Versioned::value).toList();
    }

    public List<InstanceRow> list(String cluster, String status, String after, int limit) {
        String where = "cluster = :c AND arn > :after" + (status == null ? "" : " AND status = :s");
        Map<String, Object> binds = new HashMap<>(Map.of("c", cluster, "after", after == null ? "" : after));
        if (status != null) {
            binds.put("s", status);
        }
        return table.where(where, binds, "arn", limit).stream().map(Versioned::value).toList();
    }

    public int count(String cluster) {
        return table.count("cluster = :c AND status = 'ACTIVE'", Map.of("c", cluster));
    }
}
