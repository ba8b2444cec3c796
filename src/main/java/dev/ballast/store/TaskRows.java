package dev.ballast.store;

import dev.ballast.model.LaunchType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;

/** Task rows: what the scheduler wants (desiredStatus) and what the agent reported (lastStatus). */
public final class TaskRows {
    /**
     * Parsed task documents kept by ARN and version: agents and controllers re-read the same rows every
     * pass. A task of two containers takes about 2.4 KB parsed (measured), so at most about 25 MB of heap;
     * beyond 10,000 recently read tasks, older ones are parsed again when read.
     */
    static final int CACHED_DOCS = 10_000;

    private final DocTable<TaskRow> table;
    private final Store store;

    TaskRows(Store store) {
        this.store = store;
        this.table = new DocTable<>(
                        store,
                        "tasks",
                        "arn",
                        TaskRow.class,
                        t -> {
                            Map<String, Object> c = new HashMap<>();
                            c.put("arn", t.arn());
                            c.put("cluster", t.cluster());
                            c.put("task_definition_arn", t.taskDefinitionArn());
                            c.put("service_arn", t.serviceArn());
                            c.put("deployment_id", t.deploymentId());
                            c.put("started_by", t.startedBy());
                            c.put("container_instance_arn", t.containerInstanceArn());
                            c.put("desired_status", t.desiredStatus());
                            c.put("last_status", t.lastStatus());
                            c.put("client_token", t.clientToken());
                            c.put("created_at", t.createdAt());
                            return c;
                        },
                        CACHED_DOCS)
                .publishing(TaskRows::changes);
    }

    /** What a write of {@code t} changes: the tasks of its instance and its service. */
    private static List<Change> changes(TaskRow t) {
        List<Change> out = new ArrayList<>(2);
        if (t.containerInstanceArn() != null) {
            out.add(Change.instanceTasks(t.containerInstanceArn()));
        }
        if (t.serviceArn() != null) {
            out.add(Change.service(t.serviceArn()));
        }
        return out;
    }

    public Optional<Versioned<TaskRow>> find(String arn) {
        return table.find(arn);
    }

    /**
     * Inserts new tasks in one transaction (all or none), which also finds their cluster ACTIVE.
     *
     * @throws ClusterNotActiveException when a task's cluster is not ACTIVE (deleted meanwhile)
     */
    public void insertAll(List<TaskRow> tasks) {
        insertAll(tasks, null);
    }

    /**
     * As {@link #insertAll(List)}, also claiming a RunTask client token in the same transaction: the
     * {@code (cluster, client_token)} primary key lets one call's tasks in and rolls every other back.
     *
     * @param claim the token to claim, or null
     * @throws ClientTokenClaim.TakenException when another call holds the token (nothing was inserted)
     */
    public void insertAll(List<TaskRow> tasks, ClientTokenClaim claim) {
        insertAll(tasks, claim, List.of());
    }

    /**
     * As {@link #insertAll(List, ClientTokenClaim)}, also giving every task {@code tags} in the same transaction:
     * no task is ever seen without the tags it was launched with.
     */
    public void insertAll(List<TaskRow> tasks, ClientTokenClaim claim, List<Tags.Tag> tags) {
        List<String> arns = tasks.stream().map(TaskRow::arn).toList();
        Set<String> clusters = new TreeSet<>();
        tasks.forEach(t -> clusters.add(t.cluster()));
        table.insertAll(tasks, h -> {
            clusters.forEach(c -> Clusters.lockActive(h, store.dialect(), c));
            if (claim != null
                    && h.createUpdate(
                                            "INSERT INTO run_task_client_tokens (cluster, client_token, request_hash,"
                                                    + " created_at) VALUES (:c, :t, :h, :now) ON CONFLICT (cluster, client_token) DO NOTHING")
                                    .bind("c", claim.cluster())
                                    .bind("t", claim.token())
                                    .bind("h", claim.requestHash())
                                    .bind("now", store.now())
                                    .execute()
                            == 0) {
                throw new ClientTokenClaim.TakenException(claim);
            }
            Tags.putEach(h, arns, tags);
        });
    }

    /** The request fingerprint stored with a claimed RunTask client token ("" when unknown), if it was claimed. */
    public Optional<String> clientTokenHash(String cluster, String token) {
        return store.jdbi()
                .withHandle(h -> h.createQuery(
                                "SELECT request_hash FROM run_task_client_tokens WHERE cluster = :c AND client_token = :t")
                        .bind("c", cluster)
                        .bind("t", token)
                        .mapTo(String.class)
                        .findOne());
    }

    /** Writes {@code t} if the row is still at {@code version}; false if it moved on. */
    public boolean update(TaskRow t, long version) {
        return table.update(t, version);
    }

    /** Tasks of a service that are not yet STOPPED (any deployment). */
    public List<Versioned<TaskRow>> liveOfService(String serviceArn) {
        return table.where(
                "service_arn = :s AND last_status <> 'STOPPED'", Map.of("s", serviceArn), "created_at", 100_000);
    }

    /** Stopped tasks of one deployment (newest first, at most {@code limit}). */
    public List<TaskRow> stoppedOfDeployment(String deploymentId, int limit) {
        return table
                .where(
                        "deployment_id = :d AND last_status = 'STOPPED'",
                        Map.of("d", deploymentId),
                        "updated_at DESC",
                        limit)
                .stream()
                .map(Versioned::value)
                .toList();
    }

    /** Tasks assigned to a container instance that still need the agent's attention. */
    public List<Versioned<TaskRow>> forInstance(String instanceArn) {
        return table.where(
                "container_instance_arn = :i AND last_status <> 'STOPPED'",
                Map.of("i", instanceArn),
                "created_at",
                100_000);
    }

    /** Tasks with the given client token in a cluster (RunTask idempotency). */
    public List<TaskRow> byClientToken(String cluster, String token) {
        return table.where("cluster = :c AND client_token = :t", Map.of("c", cluster, "t", token), "arn", 10).stream()
                .map(Versioned::value)
                .toList();
    }

    /**
     * As {@link #list(String, String, String, String, String, String, String, int)}, of the tasks launched as
     * {@code launchType} only (null: any). The launch type lives in the task's document, so rows are read a page at
     * a time and filtered until {@code limit} match: a page ends at a matching task, so ARN cursors stay right.
     */
    public List<TaskRow> list(
            String cluster,
            String serviceArn,
            String family,
            String desiredStatus,
            String startedBy,
            String instanceArn,
            LaunchType launchType,
            String after,
            int limit) {
        if (launchType == null) {
            return list(cluster, serviceArn, family, desiredStatus, startedBy, instanceArn, after, limit);
        }
        List<TaskRow> out = new ArrayList<>();
        String cursor = after;
        while (out.size() < limit) {
            List<TaskRow> page =
                    list(cluster, serviceArn, family, desiredStatus, startedBy, instanceArn, cursor, limit);
            for (TaskRow t : page) {
                if (t.launch().launchType() == launchType && out.size() < limit) {
                    out.add(t);
                }
            }
            if (page.size() < limit) {
                break;
            }
            cursor = page.getLast().arn();
        }
        return out;
    }

    /** A filtered listing, in ARN order after {@code after}. Null filters are not applied. */
    public List<TaskRow> list(
            String cluster,
            String serviceArn,
            String family,
            String desiredStatus,
            String startedBy,
            String instanceArn,
            String after,
            int limit) {
        StringBuilder where = new StringBuilder("cluster = :cluster AND arn > :after");
        Map<String, Object> binds = new HashMap<>(Map.of("cluster", cluster, "after", after == null ? "" : after));
        if (serviceArn != null) {
            where.append(" AND service_arn = :service");
            binds.put("service", serviceArn);
        }
        if (family != null) {
            where.append(" AND substr(task_definition_arn, 1, :flen) = :fprefix");
            binds.put("fprefix", family);
            binds.put("flen", family.length());
        }
        if (desiredStatus != null) {
            where.append(" AND desired_status = :desired");
            binds.put("desired", desiredStatus);
        }
        if (startedBy != null) {
            where.append(" AND started_by = :startedBy");
            binds.put("startedBy", startedBy);
        }
        if (instanceArn != null) {
            where.append(" AND container_instance_arn = :instance");
            binds.put("instance", instanceArn);
        }
        return table.where(where.toString(), binds, "arn", limit).stream()
                .map(Versioned::value)
                .toList();
    }

    /** Running and pending (any other unstopped status) task counts. */
    public record Counts(int running, int pending) {
        public static final Counts NONE = new Counts(0, 0);

        public Counts plus(Counts o) {
            return new Counts(running + o.running, pending + o.pending);
        }
    }

    /**
     * A service's tasks wanted RUNNING and not yet STOPPED, counted per deployment id by one grouped query
     * over the indexed columns (DescribeServices runs this on every call; it must not read documents).
     */
    public Map<String, Counts> liveCountsOfService(String serviceArn) {
        return store.jdbi().withHandle(h -> {
            Map<String, Counts> out = new HashMap<>();
            h.createQuery("SELECT deployment_id, last_status = 'RUNNING' AS running, COUNT(*) FROM tasks"
                            + " WHERE service_arn = :s AND last_status <> 'STOPPED' AND desired_status = 'RUNNING'"
                            + " GROUP BY deployment_id, last_status = 'RUNNING'")
                    .bind("s", serviceArn)
                    .map((rs, ctx) -> {
                        int n = rs.getInt(3);
                        Counts c = rs.getBoolean(2) ? new Counts(n, 0) : new Counts(0, n);
                        return out.merge(String.valueOf(rs.getString(1)), c, Counts::plus);
                    })
                    .list();
            return out;
        });
    }

    public int count(String cluster, String lastStatus) {
        return table.count("cluster = :c AND last_status = :s", Map.of("c", cluster, "s", lastStatus));
    }

    /**
     * Deletes up to {@code batch} tasks that have been STOPPED since before {@code cutoff} (epoch ms; their row
     * was last written then), with their tags, in one transaction; returns how many. Called repeatedly, it
     * purges any backlog in bounded steps.
     */
    public int purgeStopped(long cutoff, int batch) {
        return store.jdbi().inTransaction(h -> {
            List<String> arns = h.createQuery(
                            "SELECT arn FROM tasks WHERE last_status = 'STOPPED' AND updated_at < :cutoff "
                                    + "ORDER BY updated_at LIMIT :n")
                    .bind("cutoff", cutoff)
                    .bind("n", batch)
                    .mapTo(String.class)
                    .list();
            if (arns.isEmpty()) {
                return 0;
            }
            h.createUpdate("DELETE FROM tags WHERE resource_arn IN (<arns>)")
                    .bindList("arns", arns)
                    .execute();
            int purged = h.createUpdate("DELETE FROM tasks WHERE arn IN (<arns>) AND last_status = 'STOPPED'")
                    .bindList("arns", arns)
                    .execute();
            // a RunTask client token whose tasks are all gone expires with them: a retry after the retention
            // launches anew rather than answering an empty list forever, and the table stays bounded
            h.createUpdate(
                            "DELETE FROM run_task_client_tokens WHERE created_at < :cutoff AND NOT EXISTS (SELECT 1 FROM tasks t "
                                    + "WHERE t.cluster = run_task_client_tokens.cluster "
                                    + "AND t.client_token = run_task_client_tokens.client_token)")
                    .bind("cutoff", cutoff)
                    .execute();
            return purged;
        });
    }

    /** All tasks counted by {@code lastStatus} (for the {@code ballast.tasks} gauge). */
    public Map<String, Integer> countsByStatus() {
        return store.jdbi().withHandle(h -> {
            Map<String, Integer> out = new HashMap<>();
            h.createQuery("SELECT last_status, COUNT(*) FROM tasks GROUP BY last_status")
                    .map((rs, ctx) -> out.put(rs.getString(1), rs.getInt(2)))
                    .list();
            return out;
        });
    }

    /** Tasks not yet STOPPED on any of a cluster's instances (for resource accounting). */
    public List<TaskRow> liveInCluster(String cluster) {
        return store.jdbi().withHandle(h -> liveInCluster(h, cluster));
    }

    /** As {@link #liveInCluster(String)}, on {@code h} (inside its transaction). */
    List<TaskRow> liveInCluster(Handle h, String cluster) {
        return table
                .where(h, "cluster = :c AND last_status <> 'STOPPED'", Map.of("c", cluster), "arn", 1_000_000)
                .stream()
                .map(Versioned::value)
                .toList();
    }
}
