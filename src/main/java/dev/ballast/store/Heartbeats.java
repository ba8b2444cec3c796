package dev.ballast.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agent heartbeats kept in memory and written for all agents at once: a {@code PollTasks} or {@code Heartbeat}
 * only {@link #record records} its time, and {@link #flush} writes every recorded heartbeat with one read and
 * one batched compare-and-set update (a heartbeat older than the stored one is dropped; one that lost a race
 * with another write stays for the next flush). The composition root flushes on a period shorter than the
 * agent disconnect timeout minus the poll interval, and the instance-health pass {@link #flushBefore flushes}
 * what it is about to judge, so an agent is judged on its latest heartbeat on this server; across replicas a
 * replica's heartbeats reach the database within its flush period.
 */
public final class Heartbeats {
    private final ReentrantLock writing = new ReentrantLock();
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);
    private final Store store;
    /** Recorded and not yet written: instance ARN to heartbeat time. */
    private final Map<String, Long> pending = new ConcurrentHashMap<>();
    /** The heartbeat time last written per instance (what the database holds, as far as this server knows). */
    private final Map<String, Long> written = new ConcurrentHashMap<>();

    Heartbeats(Store store) {
        this.store = store;
    }

    /**
     * Records a heartbeat of the instance's agent at {@code now}: no query while the store has the agent
     * connected; written at once when it does not ({@code connected} false), so that a returning agent is
     * connected again (and placement uses its instance) without waiting for a flush.
     */
    public void record(String instanceArn, long now, boolean connected) {
        pending.merge(instanceArn, now, Math::max);
        if (!connected) {
            write(List.of(instanceArn));
        }
    }

    /**
     * Starts a virtual thread that {@link #flush flushes} every {@code period} until the returned handle is closed
     * (which flushes once more).
     */
    public AutoCloseable flushEvery(Duration period) {
        Thread t = Thread.ofVirtual().name("heartbeat-flush").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(period);
                    flush();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("writing agent heartbeats failed, retrying in {}: {}", period, e.toString());
                }
            }
        });
        return () -> {
            t.interrupt();
            t.join();
            flush(); // what was recorded since the last period: a replica stopping in a rolling restart keeps no
            // heartbeat back
        };
    }

    /** Writes every recorded heartbeat (at most two statements); returns how many instances were written. */
    public int flush() {
        return write(new ArrayList<>(pending.keySet()));
    }

    /**
     * Writes the recorded heartbeats of instances whose stored heartbeat is (as far as this server knows) before
     * {@code cutoff}: what a health check with that cutoff would misjudge. No query when there are none.
     */
    public int flushBefore(long cutoff) {
        List<String> due = new ArrayList<>();
        pending.forEach((arn, at) -> {
            if (written.getOrDefault(arn, Long.MIN_VALUE) < cutoff) {
                due.add(arn);
            }
        });
        return write(due);
    }

    private int write(List<String> arns) {
        writing.lock(); // one flush at a time (a ReentrantLock: never a monitor around database I/O)
        try {
            if (arns.isEmpty()) {
                return 0;
            }
            Map<String, Long> taken = new ConcurrentHashMap<>();
            for (String arn : arns) {
                Long at = pending.remove(arn);
                if (at != null) {
                    taken.put(arn, at);
                }
            }
            if (taken.isEmpty()) {
                return 0;
            }
            List<String> retry = new ArrayList<>();
            int count;
            try {
                count = writeBatch(taken, retry);
            } catch (RuntimeException e) {
                taken.forEach((arn, at) -> pending.merge(arn, at, Math::max)); // written by the next flush
                throw e;
            }
            taken.forEach((arn, at) -> {
                if (retry.contains(arn)) {
                    pending.merge(arn, at, Math::max);
                } else {
                    written.merge(arn, at, Math::max);
                }
            });
            return count;

        } finally {
            writing.unlock();
        }
    }

    /** One read and one batched compare-and-set update; {@code retry} gets the instances that moved meanwhile. */
    private int writeBatch(Map<String, Long> taken, List<String> retry) {
        return store.jdbi().inTransaction(h -> {
            List<Versioned<InstanceRow>> rows = store.instances().table().whereIn(h, List.copyOf(taken.keySet()));
            PreparedBatch batch = h.prepareBatch(
                    "UPDATE container_instances SET version = version + 1, doc = :doc,"
                            + " heartbeat_at = :at, agent_connected = 1, updated_at = :now WHERE arn = :arn AND version = :version");
            List<String> batched = new ArrayList<>();
            List<Change> reconnected = new ArrayList<>();
            for (Versioned<InstanceRow> v : rows) {
                InstanceRow i = v.value();
                long at = taken.get(i.arn());
                if (i.deregistered() || (at <= i.heartbeatAt() && i.agentConnected())) {
                    written.merge(i.arn(), i.heartbeatAt(), Math::max);
                    continue;
                }
                batch.bind("doc", store.instances().table().write(i.heartbeat(Math.max(at, i.heartbeatAt()))))
                        .bind("at", Math.max(at, i.heartbeatAt()))
                        .bind("now", store.now())
                        .bind("arn", i.arn())
                        .bind("version", v.version())
                        .add();
                batched.add(i.arn());
                if (!i.agentConnected()) {
                    reconnected.add(Change.instance(i.arn()));
                }
            }
            if (batched.isEmpty()) {
                return 0;
            }
            int[] results = batch.execute();
            store.changes().publish(h, reconnected); // readers of the instance's row see it connected again
            int n = 0;
            for (int k = 0; k < results.length; k++) {
                if (results[k] == 1) {
                    n++;
                } else {
                    retry.add(batched.get(k));
                }
            }
            return n;
        });
    }
}
