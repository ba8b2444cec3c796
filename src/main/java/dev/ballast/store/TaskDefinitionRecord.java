package dev.ballast.store;

import dev.ballast.core.ModelJson;
import dev.ballast.model.TaskDefinition;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * A stored task definition revision. {@link #doc()} is the registered TaskDefinition as ECS JSON (without
 * status and timestamps, which live in columns), kept as registered: describe calls echo it.
 * {@link #definition()} is the same document typed; revisions are immutable, so records read from the store
 * share one parse per ARN ({@link TaskDefinitions}). A value: equality is by the stored columns.
 */
public final class TaskDefinitionRecord {
    private final String family;
    private final int revision;
    private final String arn;
    private final String status;
    private final String doc;
    private final long registeredAt;
    private final Long deregisteredAt;
    private final Long deleteRequestedAt;
    /** (arn, doc) → the typed definition: the store's cache by ARN, or a plain parse. */
    private final BiFunction<String, String, TaskDefinition> parser;

    private volatile TaskDefinition definition;

    /** A record whose {@link #definition()} is parsed from {@code doc} on first use (tests, callers off the store). */
    public TaskDefinitionRecord(
            String family,
            int revision,
            String arn,
            String status,
            String doc,
            long registeredAt,
            Long deregisteredAt,
            Long deleteRequestedAt) {
        this(
                family,
                revision,
                arn,
                status,
                doc,
                registeredAt,
                deregisteredAt,
                deleteRequestedAt,
                (a, d) -> ModelJson.taskDefinition(d));
    }

    TaskDefinitionRecord(
            String family,
            int revision,
            String arn,
            String status,
            String doc,
            long registeredAt,
            Long deregisteredAt,
            Long deleteRequestedAt,
            BiFunction<String, String, TaskDefinition> parser) {
        this.family = family;
        this.revision = revision;
        this.arn = arn;
        this.status = status;
        this.doc = doc;
        this.registeredAt = registeredAt;
        this.deregisteredAt = deregisteredAt;
        this.deleteRequestedAt = deleteRequestedAt;
        this.parser = Objects.requireNonNull(parser, "parser");
    }

    public String family() {
        return family;
    }

    public int revision() {
        return revision;
    }

    public String arn() {
        return arn;
    }

    /** ACTIVE, INACTIVE or DELETE_IN_PROGRESS. */
    public String status() {
        return status;
    }

    /** The document as registered; empty in listings ({@link TaskDefinitions#list}). */
    public String doc() {
        return doc;
    }

    public long registeredAt() {
        return registeredAt;
    }

    public Long deregisteredAt() {
        return deregisteredAt;
    }

    public Long deleteRequestedAt() {
        return deleteRequestedAt;
    }

    /**
     * The document typed, parsed on first use and then remembered (by the store, per ARN).
     *
     * @throws IllegalStateException for a record from a listing, which carries no document
     * @throws IllegalArgumentException when the stored document does not have the task definition's shape
     */
    public TaskDefinition definition() {
        TaskDefinition d = definition;
        if (d == null) {
            if (doc == null || doc.isEmpty()) {
                throw new IllegalStateException(
                        "task definition " + arn + ": this record (from a listing) has no document");
            }
            d = parser.apply(arn, doc);
            definition = d;
        }
        return d;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaskDefinitionRecord r
                && revision == r.revision
                && registeredAt == r.registeredAt
                && Objects.equals(family, r.family)
                && Objects.equals(arn, r.arn)
                && Objects.equals(status, r.status)
                && Objects.equals(doc, r.doc)
                && Objects.equals(deregisteredAt, r.deregisteredAt)
                && Objects.equals(deleteRequestedAt, r.deleteRequestedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(family, revision, arn, status, doc, registeredAt, deregisteredAt, deleteRequestedAt);
    }

    @Override
    public String toString() {
        return "TaskDefinitionRecord[arn=" + arn + ", status=" + status + ", registeredAt=" + registeredAt
                + ", deregisteredAt=" + deregisteredAt + ", deleteRequestedAt=" + deleteRequestedAt + "]";
    }
}
