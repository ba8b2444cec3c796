package dev.ballast.store;

import dev.ballast.model.MovedTagKind;
import dev.ballast.model.MovedTagOutcome;
import java.util.List;

/**
 * The deployments the image lifecycle started because a tag moved (migration V13): the concurrency cap counts the
 * open ones, and one that failed halts its (tag, digest) for every other service.
 */
public final class MovedTagRollouts {
    /**
     * One rollout: the deployment, its service, kind, the tag ({@code registry/repository:tag}) and the digest it
     * rolls to, the digest it replaces (null when unknown), when it started, and its outcome (null while open).
     */
    public record Rollout(
            String deploymentId,
            String serviceArn,
            MovedTagKind kind,
            String tag,
            String digest,
            String previousDigest,
            long startedAt,
            MovedTagOutcome outcome,
            Long finishedAt) {}

    private static final String COLUMNS =
            "deployment_id, service_arn, kind, tag, digest, previous_digest, started_at," + " outcome, finished_at";

    private final Store store;

    MovedTagRollouts(Store store) {
        this.store = store;
    }

    /** Records a rollout that just started (its outcome is ignored: it is open). */
    public void started(Rollout r) {
        store.jdbi()
                .useTransaction(h -> h.createUpdate("INSERT INTO moved_tag_rollouts (" + COLUMNS
                                + ") VALUES (:id, :s, :k, :t, :d, :p, :at, NULL, NULL)"
                                + " ON CONFLICT (deployment_id) DO NOTHING")
                        .bind("id", r.deploymentId())
                        .bind("s", r.serviceArn())
                        .bind("k", r.kind().wire())
                        .bind("t", r.tag())
                        .bind("d", r.digest())
                        .bind("p", r.previousDigest())
                        .bind("at", r.startedAt())
                        .execute());
    }

    /** Ends an open rollout; false when it was not open (another pass ended it). */
    public boolean finished(String deploymentId, MovedTagOutcome outcome, long at) {
        return store.jdbi()
                        .inTransaction(
                                h -> h.createUpdate("UPDATE moved_tag_rollouts SET outcome = :o, finished_at = :at"
                                                + " WHERE deployment_id = :id AND outcome IS NULL")
                                        .bind("o", outcome.wire())
                                        .bind("at", at)
                                        .bind("id", deploymentId)
                                        .execute())
                == 1;
    }

    /** The rollouts still open, oldest first. */
    public List<Rollout> open() {
        return query("WHERE outcome IS NULL ORDER BY started_at, deployment_id", null, null);
    }

    /** Whether a rollout to {@code digest} of {@code tag} failed: its wave is halted. */
    public boolean failed(String tag, String digest) {
        return query("WHERE tag = :t AND digest = :d ORDER BY started_at", tag, digest).stream()
                .anyMatch(r -> r.outcome() == MovedTagOutcome.FAILED);
    }

    /** Every rollout, oldest first. */
    public List<Rollout> all() {
        return query("ORDER BY started_at, deployment_id", null, null);
    }

    private List<Rollout> query(String where, String tag, String digest) {
        return store.jdbi().withHandle(h -> {
            var q = h.createQuery("SELECT " + COLUMNS + " FROM moved_tag_rollouts " + where);
            if (tag != null) {
                q.bind("t", tag).bind("d", digest);
            }
            return q.map((rs, ctx) -> new Rollout(
                            rs.getString(1),
                            rs.getString(2),
                            MovedTagKind.fromWire(rs.getString(3)),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getString(6),
                            rs.getLong(7),
                            rs.getString(8) == null ? null : MovedTagOutcome.fromWire(rs.getString(8)),
                            rs.getObject(9) == null ? null : rs.getLong(9)))
                    .list();
        });
    }
}
