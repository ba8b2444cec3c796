package dev.ballast.store;

import java.util.List;
import java.util.UUID;

/** Service events (the newest 100 are shown by DescribeServices). */
public final class Events {
    /** One event. */
    public record Event(String id, long createdAt, String message) {}

    private final Store store;

    Events(Store store) {
        this.store = store;
    }

    public void add(String serviceArn, String message) {
        long now = store.now();
        store.jdbi().useHandle(h -> h.createUpdate(
                        "INSERT INTO service_events (id, service_arn, created_at, seq, message) VALUES (:id, :s, :now, "
                                + "(SELECT COALESCE(MAX(seq), 0) + 1 FROM service_events WHERE service_arn = :s), :m)")
                .bind("id", UUID.randomUUID().toString()).bind("s", serviceArn).bind("now", now).bind("m", message)
                .execute());
    }

    /**
     * Adds an event once: a second call with the same key (e.g. "task ARN:pull-failed") is ignored, so a
     * level-triggered controller can report what it observes on every pass.
     */
    public void addOnce(String serviceArn, String key, String message) {
        long now = store.now();
        store.jdbi().useHandle(h -> h.createUpdate(
                        "INSERT INTO service_events (id, service_arn, created_at, seq, message) VALUES (:id, :s, :now, "
                                + "(SELECT COALESCE(MAX(seq), 0) + 1 FROM service_events WHERE service_arn = :s), :m) "
                                + "ON CONFLICT (id) DO NOTHING")
                .bind("id", key).bind("s", serviceArn).bind("now", now).bind("m", message)
                .execute());
    }

    /** Newest first. */
    public List<Event> latest(String serviceArn, int limit) {
        return store.jdbi().withHandle(h -> h.createQuery(
                        "SELECT id, created_at, message FROM service_events WHERE service_arn = :s ORDER BY seq DESC LIMIT :n")
                .bind("s", serviceArn).bind("n", limit)
                .map((rs, ctx) -> new Event(rs.getString(1), rs.getLong(2), rs.getString(3)))
                .list());
    }
}
