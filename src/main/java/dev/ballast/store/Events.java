package dev.ballast.store;

import java.util.List;
import java.util.UUID;

/**
 * Service events (the newest 100 are shown by DescribeServices). An event identical to one of the same
 * service added within {@link #REPEAT_AFTER} is not added again: that copy moves to the top with the new
 * time instead, so a failure reported on every attempt keeps one line, and the events explaining it are not
 * pushed out of the first page (ECS, too, repeats an identical event only every few minutes).
 */
public final class Events {
    /** An identical event older than this is added again (then the older copy stays where it was). */
    public static final long REPEAT_AFTER = 5 * 60_000;

    /** One event. */
    public record Event(String id, long createdAt, String message) {}

    private final Store store;

    Events(Store store) {
        this.store = store;
    }

    /** Adds an event, or refreshes an identical one added within {@link #REPEAT_AFTER} (see above). */
    public void add(String serviceArn, String message) {
        long now = store.now();
        store.jdbi().useTransaction(h -> {
            int refreshed = h.createUpdate("UPDATE service_events SET created_at = :now, "
                            + "seq = (SELECT MAX(seq) + 1 FROM service_events WHERE service_arn = :s) "
                            + "WHERE id = (SELECT id FROM service_events WHERE service_arn = :s AND created_at >= :since "
                            + "AND message = :m ORDER BY seq DESC LIMIT 1)")
                    .bind("s", serviceArn)
                    .bind("now", now)
                    .bind("since", now - REPEAT_AFTER)
                    .bind("m", message)
                    .execute();
            if (refreshed == 0) {
                h.createUpdate(
                                "INSERT INTO service_events (id, service_arn, created_at, seq, message) VALUES (:id, :s, :now, "
                                        + "(SELECT COALESCE(MAX(seq), 0) + 1 FROM service_events WHERE service_arn = :s), :m)")
                        .bind("id", UUID.randomUUID().toString())
                        .bind("s", serviceArn)
                        .bind("now", now)
                        .bind("m", message)
                        .execute();
            }
        });
    }

    /**
     * Adds an event once: a second call with the same key (e.g. "task ARN:pull-failed") is ignored, so a
     * level-triggered controller can report what it observes on every pass. True when this call added it.
     */
    public boolean addOnce(String serviceArn, String key, String message) {
        long now = store.now();
        return store.jdbi()
                        .inTransaction(h -> h.createUpdate(
                                        "INSERT INTO service_events (id, service_arn, created_at, seq, message) VALUES (:id, :s, :now, "
                                                + "(SELECT COALESCE(MAX(seq), 0) + 1 FROM service_events WHERE service_arn = :s), :m) "
                                                + "ON CONFLICT (id) DO NOTHING")
                                .bind("id", key)
                                .bind("s", serviceArn)
                                .bind("now", now)
                                .bind("m", message)
                                .execute())
                == 1;
    }

    /**
     * Deletes the events of up to {@code services} services beyond their newest {@code keep} (oldest first);
     * returns how many. DescribeServices shows 100; keeping more leaves {@link #addOnce} keys in place long
     * after their events scrolled out of view.
     */
    public int trim(int keep, int services) {
        return store.jdbi().inTransaction(h -> {
            List<String> over = h.createQuery("SELECT service_arn FROM service_events GROUP BY service_arn "
                            + "HAVING COUNT(*) > :keep LIMIT :n")
                    .bind("keep", keep)
                    .bind("n", services)
                    .mapTo(String.class)
                    .list();
            int deleted = 0;
            for (String s : over) {
                Long oldestKept = h.createQuery("SELECT seq FROM service_events WHERE service_arn = :s "
                                + "ORDER BY seq DESC LIMIT 1 OFFSET :k")
                        .bind("s", s)
                        .bind("k", keep - 1)
                        .mapTo(Long.class)
                        .findOne()
                        .orElse(null);
                if (oldestKept != null) {
                    deleted += h.createUpdate("DELETE FROM service_events WHERE service_arn = :s AND seq < :seq")
                            .bind("s", s)
                            .bind("seq", oldestKept)
                            .execute();
                }
            }
            return deleted;
        });
    }

    /** Newest first. */
    public List<Event> latest(String serviceArn, int limit) {
        return store.jdbi()
                .withHandle(h -> h.createQuery(
                                "SELECT id, created_at, message FROM service_events WHERE service_arn = :s ORDER BY seq DESC LIMIT :n")
                        .bind("s", serviceArn)
                        .bind("n", limit)
                        .map((rs, ctx) -> new Event(rs.getString(1), rs.getLong(2), rs.getString(3)))
                        .list());
    }
}
