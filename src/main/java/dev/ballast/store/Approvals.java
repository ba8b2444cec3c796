package dev.ballast.store;

import java.util.List;

/**
 * Approvals of a digest for a service whose image-lifecycle policy requires one before a moved tag rolls: scoped to
 * the digest, so a tag that moves again needs a new approval (the caller {@link #withdrawAllBut withdraws} the
 * others when it sees the tag move; a deleted service's are {@link #clear}ed).
 */
public final class Approvals {
    /** One approval. */
    public record Approval(String serviceArn, String digest, long approvedAt) {}

    private final Store store;

    Approvals(Store store) {
        this.store = store;
    }

    /** Approves {@code digest} for the service; approving it again changes nothing. */
    public void approve(String serviceArn, String digest, long at) {
        store.jdbi()
                .useTransaction(h -> h.createUpdate("INSERT INTO digest_approvals (service_arn, digest, approved_at)"
                                + " VALUES (:s, :d, :at) ON CONFLICT (service_arn, digest) DO NOTHING")
                        .bind("s", serviceArn)
                        .bind("d", digest)
                        .bind("at", at)
                        .execute());
    }

    /** Whether {@code digest} is approved for the service. */
    public boolean isApproved(String serviceArn, String digest) {
        return store.jdbi()
                        .withHandle(h -> h.createQuery(
                                        "SELECT COUNT(*) FROM digest_approvals WHERE service_arn = :s AND digest = :d")
                                .bind("s", serviceArn)
                                .bind("d", digest)
                                .mapTo(Integer.class)
                                .one())
                > 0;
    }

    /** Withdraws every approval of the service; returns how many there were. */
    public int clear(String serviceArn) {
        return store.jdbi()
                .inTransaction(h -> h.createUpdate("DELETE FROM digest_approvals WHERE service_arn = :s")
                        .bind("s", serviceArn)
                        .execute());
    }

    /**
     * Withdraws, in one statement, the service's approvals of digests other than {@code digest} (the one its tag now
     * serves), so an approval of {@code digest} written meanwhile is kept; returns the digests withdrawn.
     */
    public List<String> withdrawAllBut(String serviceArn, String digest) {
        return store.jdbi()
                .inTransaction(h -> h.createQuery(
                                "DELETE FROM digest_approvals WHERE service_arn = :s AND digest <> :d RETURNING digest")
                        .bind("s", serviceArn)
                        .bind("d", digest)
                        .mapTo(String.class)
                        .list());
    }

    /** Every approval, by service and time. */
    public List<Approval> all() {
        return store.jdbi()
                .withHandle(h -> h.createQuery("SELECT service_arn, digest, approved_at FROM digest_approvals"
                                + " ORDER BY service_arn, approved_at")
                        .map((rs, ctx) -> new Approval(rs.getString(1), rs.getString(2), rs.getLong(3)))
                        .list());
    }
}
