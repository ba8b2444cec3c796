package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.store.Change;
import dev.ballast.store.Changes;
import dev.ballast.store.ClusterRecord;
import dev.ballast.store.InstanceRow;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;
import dev.ballast.store.Versioned;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What agents' {@code PollTasks} and {@code Heartbeat} read — their cluster, their instance, their instance's
 * tasks — kept until a {@link Changes change notification} says it changed, so that an idle agent's poll costs
 * no query. A value is read again when its key changed after the read began, when notifications are not
 * {@link Changes#reliable() reliable} (the PostgreSQL listening connection is down), or after {@link #MAX_AGE}
 * as a safety net.
 */
final class PollViews {
    /** The longest a value is kept without being read again. */
    static final Duration MAX_AGE = Duration.ofMinutes(5);
    /** Beyond this many entries a map is emptied (keys are agent-supplied spellings of real resources). */
    private static final int MAX_ENTRIES = 50_000;

    private static final int MAX_DOCUMENTS = 1_000;

    /** A value read when the change sequence was at {@code seq}. */
    record Snapshot<T>(T value, long seq, long readAt) {}

    private final Store store;
    private final Clock clock;
    private final Map<String, Snapshot<ClusterRecord>> clusters = new ConcurrentHashMap<>();
    private final Map<String, Snapshot<Optional<Versioned<InstanceRow>>>> instances = new ConcurrentHashMap<>();
    private final Map<String, Snapshot<List<Versioned<TaskRow>>>> tasks = new ConcurrentHashMap<>();
    private final Map<String, Optional<JsonNode>> documents = new ConcurrentHashMap<>();

    PollViews(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** The ACTIVE cluster {@code ref} names, as {@code load} finds it (its failures are not kept). */
    ClusterRecord cluster(String ref, Function<String, ClusterRecord> load) {
        return view(clusters, String.valueOf(ref), c -> Change.cluster(c.name()), () -> load.apply(ref))
                .value();
    }

    /** The container instance with this ARN, if any. */
    Optional<Versioned<InstanceRow>> instance(String arn) {
        return view(
                        instances,
                        arn,
                        i -> Change.instance(arn),
                        () -> store.instances().find(arn))
                .value();
    }

    /** The instance's tasks that are not STOPPED, with the sequence number they are current at. */
    Snapshot<List<Versioned<TaskRow>>> tasks(String instanceArn) {
        return view(
                tasks,
                instanceArn,
                t -> Change.instanceTasks(instanceArn),
                () -> store.tasks().forInstance(instanceArn));
    }

    /**
     * The registered document of a task definition revision as PollTasks ships it, if the revision exists; kept
     * without expiry (a revision never changes), so polls of settled tasks cost no query.
     */
    Optional<JsonNode> taskDefinitionDocument(String arn) {
        Optional<JsonNode> known = documents.get(arn);
        if (known != null) {
            return known;
        }
        Optional<JsonNode> read = store.taskDefinitions().findByArn(arn).map(td -> Json.read(td.doc()));
        if (read.isPresent()) {
            if (documents.size() >= MAX_DOCUMENTS) {
                documents.clear();
            }
            documents.put(arn, read);
        }
        return read;
    }

    private <T> Snapshot<T> view(
            Map<String, Snapshot<T>> map, String key, Function<T, Change> changeOf, Supplier<T> load) {
        Changes changes = store.changes();
        Snapshot<T> known = map.get(key);
        long now = clock.millis();
        if (known != null
                && !changes.changedSince(known.seq(), changeOf.apply(known.value()))
                && Math.abs(now - known.readAt()) < MAX_AGE.toMillis()) {
            return known;
        }
        long seq = changes.now(); // before the read: a change committed after it is noticed next time
        Snapshot<T> fresh = new Snapshot<>(load.get(), seq, now);
        if (map.size() >= MAX_ENTRIES) {
            map.clear();
        }
        map.merge(key, fresh, (old, next) -> next.seq() >= old.seq() ? next : old);
        return fresh;
    }
}
