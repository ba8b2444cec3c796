package dev.ballast.store;

import java.util.Optional;

/**
 * Named leases in the store: at most one holder at a time, each until an expiry time. Taking and
 * renewing are single conditional statements, so two replicas racing for a lease cannot both win.
 */
public final class Leases {
    private final Store store;

    Leases(Store store) {
        this.store = store;
    }

    /** Who holds lease {@code name} and until when. */
    public record Lease(String holder, long expiresAt) {}

    /**
     * Takes or renews lease {@code name} for {@code holder} until {@code expiresAt}: succeeds when nobody
     * holds it, {@code holder} already does, or the holder's lease expired before {@code now}.
     */
    public boolean acquire(String name, String holder, long now, long expiresAt) {
        return store.jdbi().withHandle(h -> {
            int renewed = h.createUpdate("UPDATE leases SET holder = :holder, expires_at = :expires WHERE name = :name"
                            + " AND (holder = :holder OR expires_at < :now)")
                    .bind("name", name)
                    .bind("holder", holder)
                    .bind("expires", expiresAt)
                    .bind("now", now)
                    .execute();
            if (renewed == 1) {
                return true;
            }
            return h.createUpdate("INSERT INTO leases (name, holder, expires_at) VALUES (:name, :holder, :expires)"
                                    + " ON CONFLICT (name) DO NOTHING")
                            .bind("name", name)
                            .bind("holder", holder)
                            .bind("expires", expiresAt)
                            .execute()
                    == 1;
        });
    }

    /** Gives lease {@code name} up if {@code holder} holds it, so that another replica need not wait for it to expire. */
    public void release(String name, String holder) {
        store.jdbi()
                .useHandle(h -> h.createUpdate("DELETE FROM leases WHERE name = :name AND holder = :holder")
                        .bind("name", name)
                        .bind("holder", holder)
                        .execute());
    }

    public Optional<Lease> find(String name) {
        return store.jdbi()
                .withHandle(h -> h.createQuery("SELECT holder, expires_at FROM leases WHERE name = :name")
                        .bind("name", name)
                        .map((rs, ctx) -> new Lease(rs.getString(1), rs.getLong(2)))
                        .findOne());
    }
}
