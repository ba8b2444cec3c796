package dev.ballast.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.ballast.core.ModelJson;
import dev.ballast.model.TaskDefinition;
import dev.ballast.model.TaskDefinitionStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Task definition revisions, numbered per family from 1 without gaps or reuse. A revision's document never
 * changes, so its typed form ({@link TaskDefinitionRecord#definition()}) is parsed once per ARN and kept in a
 * bounded cache shared by every record this store reads.
 */
public final class TaskDefinitions {
    /** How many parsed revisions are kept (least recently used go first). */
    static final int PARSED_REVISIONS = 4_096;

    private static final String COLUMNS =
            "family, revision, arn, status, doc, registered_at, deregistered_at, delete_requested_at";

    /** What the caller builds once the revision number is known. */
    public record Registration(String arn, String doc, List<Tags.Tag> tags) {}

    private final Store store;
    private final Function<String, TaskDefinition> parser;
    private final Cache<String, TaskDefinition> parsed =
            Caffeine.newBuilder().maximumSize(PARSED_REVISIONS).build();

    TaskDefinitions(Store store) {
        this(store, ModelJson::taskDefinition);
    }

    /** With {@code parser} turning a document into its typed form (tests count its calls). */
    TaskDefinitions(Store store, Function<String, TaskDefinition> parser) {
        this.store = store;
        this.parser = parser;
    }

    /** The typed form of revision {@code arn}, whose document is {@code doc}: parsed the first time only. */
    private TaskDefinition definition(String arn, String doc) {
        return parsed.get(arn, a -> parser.apply(doc));
    }

    /**
     * Allocates the family's next revision and stores what {@code build} makes of it, with its tags, in
     * one transaction.
     */
    public TaskDefinitionRecord register(String family, IntFunction<Registration> build) {
        return store.jdbi().inTransaction(h -> {
            int revision = h.createQuery("""
                    INSERT INTO task_definition_families (family, last_revision) VALUES (:family, 1)
                    ON CONFLICT (family) DO UPDATE SET last_revision = task_definition_families.last_revision + 1
                    RETURNING last_revision
                    """)
                    .bind("family", family)
                    .mapTo(Integer.class)
                    .one();
            Registration r = build.apply(revision);
            long now = store.now();
            h.createUpdate("INSERT INTO task_definitions (" + COLUMNS + ") "
                            + "VALUES (:family, :revision, :arn, 'ACTIVE', :doc, :now, NULL, NULL)")
                    .bind("family", family)
                    .bind("revision", revision)
                    .bind("arn", r.arn())
                    .bind("doc", r.doc())
                    .bind("now", now)
                    .execute();
            Tags.replaceAll(h, r.arn(), r.tags());
            return new TaskDefinitionRecord(
                    family,
                    revision,
                    r.arn(),
                    TaskDefinitionStatus.ACTIVE.wire(),
                    r.doc(),
                    now,
                    null,
                    null,
                    this::definition);
        });
    }

    public Optional<TaskDefinitionRecord> find(String family, int revision) {
        return store.jdbi()
                .withHandle(h -> h.createQuery("SELECT " + COLUMNS
                                + " FROM task_definitions WHERE family = :family AND revision = :revision")
                        .bind("family", family)
                        .bind("revision", revision)
                        .map(this::row)
                        .findOne());
    }

    public Optional<TaskDefinitionRecord> findByArn(String arn) {
        return store.jdbi()
                .withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM task_definitions WHERE arn = :arn")
                        .bind("arn", arn)
                        .map(this::row)
                        .findOne());
    }

    /**
     * The typed form of revision {@code arn}: from the parsed cache without a query once any reader has parsed
     * it (a revision never changes), else read and parsed once; empty when there is no such revision.
     */
    public Optional<TaskDefinition> definition(String arn) {
        TaskDefinition known = parsed.getIfPresent(arn);
        return known != null ? Optional.of(known) : findByArn(arn).map(TaskDefinitionRecord::definition);
    }

    /** The latest ACTIVE revision of a family. */
    public Optional<TaskDefinitionRecord> latestActive(String family) {
        return store.jdbi()
                .withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM task_definitions "
                                + "WHERE family = :family AND status = 'ACTIVE' ORDER BY revision DESC LIMIT 1")
                        .bind("family", family)
                        .map(this::row)
                        .findOne());
    }

    /** Moves one revision from status {@code from} to {@code to}, stamping the matching time; false if not in {@code from}. */
    public boolean transition(String family, int revision, String from, String to) {
        String stamp = to.equals(TaskDefinitionStatus.INACTIVE.wire()) ? "deregistered_at" : "delete_requested_at";
        return store.jdbi()
                        .inTransaction(h -> h.createUpdate("UPDATE task_definitions SET status = :to, " + stamp
                                        + " = :now WHERE family = :family AND revision = :revision AND status = :from")
                                .bind("to", to)
                                .bind("from", from)
                                .bind("now", store.now())
                                .bind("family", family)
                                .bind("revision", revision)
                                .execute())
                == 1;
    }

    /** Position after which a listing continues. */
    public record Cursor(String family, int revision) {}

    /**
     * Revisions with the given status, optionally of one family, ordered by family then revision, after the
     * cursor (exclusive). The returned records carry an empty {@code doc}.
     */
    public List<TaskDefinitionRecord> list(String status, String family, boolean descending, Cursor after, int limit) {
        // Listings need keys and ARNs only: leave the (large) document out.
        StringBuilder sql = new StringBuilder(
                "SELECT " + COLUMNS.replace("doc,", "'' AS doc,") + " FROM task_definitions WHERE status = :status");
        if (family != null) {
            sql.append(" AND family = :family");
        }
        if (after != null) {
            String cmp = descending ? "<" : ">";
            sql.append(" AND (family ")
                    .append(cmp)
                    .append(" :afterFamily OR (family = :afterFamily AND revision ")
                    .append(cmp)
                    .append(" :afterRevision))");
        }
        String dir = descending ? " DESC" : "";
        sql.append(" ORDER BY family")
                .append(dir)
                .append(", revision")
                .append(dir)
                .append(" LIMIT :limit");
        return store.jdbi().withHandle(h -> {
            var q = h.createQuery(sql.toString()).bind("status", status).bind("limit", limit);
            if (family != null) {
                q.bind("family", family);
            }
            if (after != null) {
                q.bind("afterFamily", after.family()).bind("afterRevision", after.revision());
            }
            return q.map(this::row).list();
        });
    }

    /** Which families a family listing returns. */
    public enum FamilyStatus {
        ACTIVE,
        INACTIVE,
        ALL
    }

    /** Family names starting with {@code prefix}, after {@code after} (exclusive), in name order. */
    public List<String> families(String prefix, FamilyStatus status, String after, int limit) {
        String having = switch (status) {
            case ACTIVE -> " HAVING SUM(CASE WHEN status = 'ACTIVE' THEN 1 ELSE 0 END) > 0";
            case INACTIVE -> " HAVING SUM(CASE WHEN status = 'ACTIVE' THEN 1 ELSE 0 END) = 0";
            case ALL -> "";
        };
        String p = prefix == null ? "" : prefix;
        return store.jdbi()
                .withHandle(h -> h.createQuery("SELECT family FROM task_definitions "
                                + "WHERE substr(family, 1, :len) = :prefix AND family > :after GROUP BY family" + having
                                + " ORDER BY family LIMIT :limit")
                        .bind("len", p.length())
                        .bind("prefix", p)
                        .bind("after", after == null ? "" : after)
                        .bind("limit", limit)
                        .mapTo(String.class)
                        .list());
    }

    private TaskDefinitionRecord row(ResultSet rs, StatementContext ctx) throws SQLException {
        long dereg = rs.getLong("deregistered_at");
        Long deregisteredAt = rs.wasNull() ? null : dereg;
        long del = rs.getLong("delete_requested_at");
        Long deleteRequestedAt = rs.wasNull() ? null : del;
        return new TaskDefinitionRecord(
                rs.getString("family"),
                rs.getInt("revision"),
                rs.getString("arn"),
                rs.getString("status"),
                rs.getString("doc"),
                rs.getLong("registered_at"),
                deregisteredAt,
                deleteRequestedAt,
                this::definition);
    }
}
