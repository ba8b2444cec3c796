package dev.ballast.store;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicas sharing this store and which of them holds each {@link Shards shard} (V15). A replica is live while
 * its row has not expired; it renews it with one write. A shard's row changes only when the shard moves: taken
 * (its fencing token grows by one) when it is free or its holder is no longer live, given up when its holder
 * rebalances or stops. Conditional single statements, so two replicas racing for a shard cannot both win.
 */
public final class ShardLeases {
    private static final Logger LOG = LoggerFactory.getLogger(ShardLeases.class);
    /** How long a take waits for writes in flight under the old holder's fence before it gives up for this pass. */
    static final Duration TAKE_LOCK_WAIT = Duration.ofSeconds(1);

    private final Store store;

    ShardLeases(Store store) {
        this.store = store;
    }

    /** A live replica: its identity, its node name, when it started and until when it counts as live. */
    public record Replica(String holder, String nodeName, long startedAt, long expiresAt) {}

    /** A shard, who holds it (null: nobody) and its fencing token. */
    public record ShardRow(int shard, String holder, long token) {
        public boolean heldBy(String replica) {
            return replica.equals(holder);
        }
    }

    /** Creates the row of every shard that has none (idempotent; run once per start). */
    public void ensureShards() {
        store.leaseJdbi().useTransaction(h -> {
            var batch = h.prepareBatch("INSERT INTO shard_leases (shard, holder, token, moved_at)"
                    + " VALUES (:shard, NULL, 0, 0) ON CONFLICT (shard) DO NOTHING");
            for (int s = 0; s < Shards.COUNT; s++) {
                batch.bind("shard", s).add();
            }
            batch.execute();
        });
    }

    /** Records that {@code holder} is live until {@code expiresAt} (creating its row on the first call). */
    public void heartbeat(String holder, String nodeName, long startedAt, long expiresAt) {
        store.leaseJdbi()
                .useHandle(h -> h.createUpdate("INSERT INTO replicas (holder, node_name, started_at, expires_at)"
                                + " VALUES (:holder, :node, :started, :expires)"
                                + " ON CONFLICT (holder) DO UPDATE SET expires_at = :expires")
                        .bind("holder", holder)
                        .bind("node", nodeName)
                        .bind("started", startedAt)
                        .bind("expires", expiresAt)
                        .execute());
    }

    /** The replicas live at {@code now}, by holder. */
    public List<Replica> live(long now) {
        return store.leaseJdbi()
                .withHandle(h -> h.createQuery("SELECT holder, node_name, started_at, expires_at FROM replicas"
                                + " WHERE expires_at >= :now ORDER BY holder")
                        .bind("now", now)
                        .map((rs, ctx) -> new Replica(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)))
                        .list());
    }

    /** Deletes the rows of replicas that expired before {@code before} (their shards are taken over meanwhile). */
    public int forget(long before) {
        return store.leaseJdbi()
                .withHandle(h -> h.createUpdate("DELETE FROM replicas WHERE expires_at < :before")
                        .bind("before", before)
                        .execute());
    }

    /** Every shard with its holder and token, by shard. */
    public List<ShardRow> shards() {
        return store.leaseJdbi()
                .withHandle(h -> h.createQuery("SELECT shard, holder, token FROM shard_leases ORDER BY shard")
                        .map((rs, ctx) -> new ShardRow(rs.getInt(1), rs.getString(2), rs.getLong(3)))
                        .list());
    }

    /**
     * Takes {@code shard} for {@code holder} if nobody holds it or its holder is not live at {@code now}: answers
     * the new fencing token (one more than the last), or empty when the shard is held by a live replica. On
     * PostgreSQL the take waits at most {@link #TAKE_LOCK_WAIT} for writes in flight under the old holder's fence
     * (their share lock on the row), then answers empty: a replica stopped mid-transaction cannot hold up the
     * taking replica's pass (PostgreSQL ends its transaction after {@link Store#IDLE_IN_TRANSACTION}).
     */
    public OptionalLong take(int shard, String holder, long now) {
        try {
            return store.leaseJdbi().inTransaction(h -> {
                if (store.dialect() == Store.Dialect.POSTGRESQL) {
                    h.execute("SET LOCAL lock_timeout = '" + TAKE_LOCK_WAIT.toMillis() + "ms'");
                }
                return h.createQuery("UPDATE shard_leases SET holder = :holder, token = token + 1, moved_at = :now"
                                + " WHERE shard = :shard AND (holder IS NULL OR NOT EXISTS (SELECT 1 FROM replicas r"
                                + " WHERE r.holder = shard_leases.holder AND r.expires_at >= :now)) RETURNING token")
                        .bind("holder", holder)
                        .bind("now", now)
                        .bind("shard", shard)
                        .mapTo(Long.class)
                        .findOne()
                        .map(OptionalLong::of)
                        .orElse(OptionalLong.empty());
            });
        } catch (JdbiException e) {
            if (isLockTimeout(e)) {
                try {
                    endSessionsOfDeadHolder(shard, now); // a write under the old holder's fence is still open
                } catch (JdbiException denied) {
                    // e.g. the replicas use different database users: its transaction then ends by PostgreSQL's
                    // idle timeout, or when the stopped process resumes
                    LOG.warn("shard {}: could not end the sessions of its dead holder: {}", shard, denied.toString());
                }
                return OptionalLong.empty(); // next pass
            }
            throw e;
        }
    }

    /**
     * When {@code shard}'s holder is not live, ends its sessions on PostgreSQL: a process stopped (SIGSTOP, a frozen VM)
     * while PostgreSQL was sending it rows keeps its transaction "active", which no idle timeout ends, and its share
     * lock on the shard row with it. Its writes are refused by the fence anyway; ending its sessions releases the locks.
     */
    private void endSessionsOfDeadHolder(int shard, long now) {
        store.leaseJdbi().useHandle(h -> {
            String holder = h.createQuery("SELECT holder FROM shard_leases WHERE shard = :shard AND holder IS NOT NULL"
                            + " AND NOT EXISTS (SELECT 1 FROM replicas r WHERE r.holder = shard_leases.holder"
                            + " AND r.expires_at >= :now)")
                    .bind("shard", shard)
                    .bind("now", now)
                    .mapTo(String.class)
                    .findOne()
                    .orElse(null);
            if (holder != null) {
                int ended = h.createQuery("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity"
                                + " WHERE application_name = :app AND pid <> pg_backend_pid()")
                        .bind("app", Store.applicationName(holder))
                        .mapTo(Integer.class)
                        .one();
                LOG.info(
                        "shard {}: its holder {} is not live and still holds it in an open transaction: ended its {}"
                                + " database sessions",
                        shard,
                        holder,
                        ended);
            }
        });
    }

    private static boolean isLockTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "55P03".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Gives up those of {@code shards} that {@code holder} holds (they are free for any replica at once). On
     * PostgreSQL it waits at most {@link #TAKE_LOCK_WAIT} for this replica's own writes in flight on those shards,
     * then answers false (still held; the caller gives them up at its next pass): renewal must not wait long.
     */
    public boolean release(String holder, Collection<Integer> shards, long now) {
        if (shards.isEmpty()) {
            return true;
        }
        try {
            store.leaseJdbi().useTransaction(h -> {
                if (store.dialect() == Store.Dialect.POSTGRESQL) {
                    h.execute("SET LOCAL lock_timeout = '" + TAKE_LOCK_WAIT.toMillis() + "ms'");
                }
                h.createUpdate("UPDATE shard_leases SET holder = NULL, moved_at = :now"
                                + " WHERE holder = :holder AND shard IN (<shards>)")
                        .bind("holder", holder)
                        .bind("now", now)
                        .bindList("shards", new ArrayList<>(shards))
                        .execute();
            });
            return true;
        } catch (JdbiException e) {
            if (isLockTimeout(e)) {
                return false;
            }
            throw e;
        }
    }

    /** An orderly stop: gives up every shard of {@code holder} and deletes its replica row, in one transaction. */
    public void leave(String holder, long now) {
        store.leaseJdbi().useTransaction(h -> {
            h.createUpdate("UPDATE shard_leases SET holder = NULL, moved_at = :now WHERE holder = :holder")
                    .bind("holder", holder)
                    .bind("now", now)
                    .execute();
            h.createUpdate("DELETE FROM replicas WHERE holder = :holder")
                    .bind("holder", holder)
                    .execute();
        });
    }

    /**
     * The fence check, run by the store first in every transaction opened under a {@link Fence}: true when the
     * shard's row still names the fence's holder and token. On PostgreSQL the row is share-locked until the
     * transaction ends, so the shard cannot move while the write is in flight.
     */
    static boolean stillHeld(Handle h, Fence fence, Store.Dialect dialect) {
        String lock = dialect == Store.Dialect.POSTGRESQL ? " FOR SHARE" : "";
        return h.createQuery("SELECT token FROM shard_leases WHERE shard = :shard AND holder = :holder" + lock)
                .bind("shard", fence.shard())
                .bind("holder", fence.holder())
                .mapTo(Long.class)
                .findOne()
                .filter(t -> t == fence.token())
                .isPresent();
    }
}
