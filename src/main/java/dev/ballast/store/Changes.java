package dev.ballast.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Change notifications: store writes publish the {@link Change keys} they changed, and this server's subscribers
 * and waiters hear of them once the write is committed — never before, so whoever re-reads on a notification
 * sees the write. In-process delivery runs after the writing transaction commits; on PostgreSQL the write also
 * runs {@code pg_notify} inside its transaction (PostgreSQL delivers it at commit and drops it on rollback), and
 * every replica LISTENs on a dedicated connection ({@link PgNotifications}) and delivers other replicas'
 * changes here. While that connection is down nothing here is {@link #reliable() reliable}: waiters must
 * re-read on their own, and once it is back every waiter and subscriber hears {@link Change#EVERYTHING}.
 *
 * <p>Waiters use sequence numbers: {@link #now()} before a read, then {@link #changedSince} or
 * {@link #await} for the keys that read depends on. A change delivered after {@code now()} was taken is never
 * missed; one committed before it is visible to the read.
 */
public final class Changes {
    /** The {@code application_name} of each replica's listening PostgreSQL connection. */
    public static final String CONNECTION_NAME = "ballast-notifications";
    /** The PostgreSQL notification channel. */
    static final String CHANNEL = "ballast_changes";
    /** Payloads stay well below PostgreSQL's 8,000-byte limit. */
    private static final int MAX_PAYLOAD = 7_000;

    private static final Logger LOG = LoggerFactory.getLogger(Changes.class);

    /** Hears changes; called on the thread that delivers them, so it must return quickly and not block. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param change         what changed ({@link Change#EVERYTHING}: anything may have)
         * @param fromThisServer the write was committed by this process (false: by another replica)
         */
        void changed(Change change, boolean fromThisServer);
    }

    private final boolean notifyDatabase;
    private final String origin;
    private final AtomicLong sequence = new AtomicLong();
    private final Map<Change, Long> lastChanged = new ConcurrentHashMap<>();
    private final Map<Change, CompletableFuture<Void>> waiters = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile long everythingAt;
    private volatile boolean reliable;

    /**
     * @param notifyDatabase publish with {@code pg_notify} too (PostgreSQL); then nothing is reliable until
     *                       the listening connection says it {@link #listening listens}
     * @param origin         this process's id in payloads, so that it skips its own notifications
     */
    Changes(boolean notifyDatabase, String origin) {
        this.notifyDatabase = notifyDatabase;
        this.origin = origin;
        this.reliable = !notifyDatabase;
    }

    /** Subscribes {@code listener} to every change delivered from now on. */
    public void subscribe(Listener listener) {
        listeners.add(listener);
    }

    /**
     * True while every committed change reaches this server (always on SQLite; on PostgreSQL while the
     * notification connection listens).
     */
    public boolean reliable() {
        return reliable;
    }

    /** True while someone {@link #await awaits} a change of {@code key} (diagnostics and tests). */
    public boolean waiting(Change key) {
        CompletableFuture<Void> w = waiters.get(key);
        return w != null && !w.isDone();
    }

    /** The current sequence number: take it before a read whose keys you then watch. */
    public long now() {
        return sequence.get();
    }

    /** True when {@code key} may have changed after sequence number {@code since}. */
    public boolean changedSince(long since, Change key) {
        return !reliable || everythingAt > since || lastChanged.getOrDefault(key, 0L) > since;
    }

    /**
     * Waits up to {@code max} for {@code key} to change after {@code since}; true when it (may have) changed.
     * Costs no query. While not {@link #reliable()} it waits {@code max} (unless this server changes the key)
     * and answers true, so that a waiter falls back to re-reading once per {@code max}. Returns false when interrupted (with the interrupt flag set).
     */
    public boolean await(long since, Change key, Duration max) {
        CompletableFuture<Void> next = waiters.computeIfAbsent(key, k -> new CompletableFuture<>());
        if (reliable && changedSince(since, key)) {
            return true;
        } // while not reliable, wait out {@code max} (or a local change) before saying "may have changed"

        try {
            next.get(max.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return changedSince(since, key);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("change waiters are never completed exceptionally", e);
        }
        return changedSince(since, key);
    }

    /**
     * Publishes {@code changes} made by the write on {@code h}: delivered here once its transaction commits
     * (at once when {@code h} is not in one, i.e. the write already committed), and on PostgreSQL notified to
     * every replica by {@code pg_notify} in the same transaction.
     */
    void publish(Handle h, Collection<Change> changes) {
        if (changes.isEmpty()) {
            return;
        }
        Set<Change> distinct = new LinkedHashSet<>(changes);
        if (notifyDatabase) {
            for (String payload : payloads(distinct)) {
                h.createQuery("SELECT pg_notify(:channel, :payload)")
                        .bind("channel", CHANNEL)
                        .bind("payload", payload)
                        .mapToMap()
                        .list();
            }
        }
        if (h.isInTransaction()) {
            h.afterCommit(() -> deliver(distinct, true));
        } else {
            deliver(distinct, true);
        }
    }

    /** The notification payloads for {@code changes}: the origin, then one change per line. */
    private List<String> payloads(Collection<Change> changes) {
        List<String> out = new ArrayList<>();
        StringBuilder p = new StringBuilder(origin);
        for (Change c : changes) {
            String line = c.encode();
            if (p.length() + 1 + line.length() > MAX_PAYLOAD && p.length() > origin.length()) {
                out.add(p.toString());
                p = new StringBuilder(origin);
            }
            p.append('\n').append(line);
        }
        out.add(p.toString());
        return out;
    }

    /** A notification payload received from the database; this process's own are skipped (delivered at commit). */
    void received(String payload) {
        String[] lines = payload.split("\n");
        if (lines[0].equals(origin)) {
            return;
        }
        List<Change> changes = new ArrayList<>(lines.length - 1);
        for (int i = 1; i < lines.length; i++) {
            try {
                changes.add(Change.decode(lines[i]));
            } catch (IllegalArgumentException e) {
                LOG.warn("ignoring an unreadable change notification line: {}", e.getMessage());
                changes.add(Change.EVERYTHING);
            }
        }
        deliver(changes, false);
    }

    /**
     * The notification connection listens ({@code true}: from now on every commit reaches this server) or was
     * lost. Either way everyone hears {@link Change#EVERYTHING}: what was committed meanwhile was not notified.
     */
    void listening(boolean nowListening) {
        reliable = nowListening;
        deliver(List.of(Change.EVERYTHING), false);
    }

    private void deliver(Collection<Change> changes, boolean fromThisServer) {
        for (Change c : changes) {
            long seq = sequence.incrementAndGet();
            if (c.kind() == Change.Kind.EVERYTHING) {
                everythingAt = seq;
                for (Change k : waiters.keySet()) {
                    wake(k);
                }
            } else {
                lastChanged.merge(c, seq, Math::max);
                wake(c);
            }
        }
        for (Listener l : listeners) {
            for (Change c : changes) {
                try {
                    l.changed(c, fromThisServer);
                } catch (RuntimeException e) {
                    LOG.warn("a change listener failed on {}: {}", c, e.toString(), e);
                }
            }
        }
    }

    private void wake(Change key) {
        CompletableFuture<Void> w = waiters.remove(key);
        if (w != null) {
            w.complete(null);
        }
    }
}
