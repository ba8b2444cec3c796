package dev.ballast.lifecycle;

import dev.ballast.image.Digest;
import dev.ballast.image.ImageReference;
import dev.ballast.model.TagKey;
import dev.ballast.model.TagSource;
import dev.ballast.registry.RegistryClient;
import dev.ballast.registry.RegistryException;
import dev.ballast.registry.TagHead;
import dev.ballast.store.FencedException;
import dev.ballast.store.Sharding;
import dev.ballast.store.Shards;
import dev.ballast.store.Store;
import dev.ballast.store.TagState;
import dev.ballast.store.TagStates;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tag watcher: one watch per unique (registry, repository, tag) that an active deployment or rollback target
 * references ({@link Holdings#tags()}), never one per service. Each {@link #passOnce() pass} sends one HEAD per tag
 * ({@link RegistryClient#headTag}, with {@code If-None-Match} when the last answer had an ETag), as far as each
 * registry's request budget ({@link RegistryClient#budget()}) allows; tags left unchecked because a budget was empty
 * come first next pass (tags are taken oldest {@code checkedAt} first). Each answer is recorded in
 * {@code store.tagStates()} (source {@link TagSource#POLL}; an answer older than the stored state, e.g. a push
 * recorded while the HEAD was under way, is dropped); a tag the registry does not have (404) is recorded with
 * a null digest. A new index digest's children are read once (one GET by digest) into
 * {@code store.indexPlatforms()}, so drift can tell an index that changed only for other platforms. When a digest
 * changes the controllers are woken ({@code onChange}) and {@code ballast_tag_changes_total} counts it; the
 * {@code ballast_watched_tags} gauge is the number of tags the last pass watched. Tag states of tags no longer
 * referenced are forgotten, whoever recorded them.
 *
 * <p>The server runs a pass every {@link #DEFAULT_INTERVAL} (the {@code job:tag-watch} periodic job, on every
 * replica) on a virtual thread of its own ({@link #trigger}), so registry I/O never holds a controller worker; tests
 * call {@link #passOnce()}. With several replicas ({@link Sharding}) each watches only the tags whose repository
 * ({@code registry/repository}) is in a shard it holds, and records their states under that shard's fence: no tag is
 * asked about by two replicas, and the gauge is this replica's share.
 */
public final class TagWatcher {

    private static final Logger LOG = LoggerFactory.getLogger(TagWatcher.class);

    /** How often tags are checked by default: five minutes, 12 HEADs an hour per tag. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);

    /** What one pass did. */
    public record Pass(int watched, int checked, int changed, int deferred, int failed) {}

    private final Store store;
    private final Holdings holdings;
    private final RegistryClient registry;
    private final Clock clock;
    private final Runnable onChange;
    private final Sharding sharding;
    private final Counter changes;
    private final AtomicInteger watched = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean();
    /** When the last pass started (the watcher's creation before the first), epoch millis on the clock. */
    private volatile long lastPass;

    /**
     * @param registry the client whose {@link RegistryClient#budget() budget} limits the HEADs
     * @param onChange called after a pass that saw a tag move, appear or vanish (wakes the controllers)
     */
    public TagWatcher(Store store, RegistryClient registry, Clock clock, MeterRegistry meters, Runnable onChange) {
        this(store, registry, clock, meters, onChange, Sharding.ALL);
    }

    /** As above, watching only the tags of the repositories in the shards {@code sharding} holds. */
    public TagWatcher(
            Store store,
            RegistryClient registry,
            Clock clock,
            MeterRegistry meters,
            Runnable onChange,
            Sharding sharding) {
        this.sharding = Objects.requireNonNull(sharding, "sharding");
        this.store = Objects.requireNonNull(store, "store");
        this.holdings = new Holdings(store);
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.onChange = Objects.requireNonNull(onChange, "onChange");
        this.lastPass = clock.millis();
        this.changes = Counter.builder("ballast.tag.changes")
                .description("Watched tags seen pointing to another digest than before")
                .baseUnit("changes")
                .register(meters);
        Gauge.builder("ballast.watched.tags", watched, AtomicInteger::get)
                .description("Unique (registry, repository, tag) this replica's tag watcher watched in its last pass")
                .baseUnit("tags")
                .register(meters);
    }

    /**
     * The periodic job: starts a pass on a virtual thread unless one is still running or the last one started less
     * than half an {@code interval} ago — so none runs at start-up (the job is queued at once; tag states are kept
     * in the store) and a job queued early runs no extra pass. Never blocks the caller.
     */
    public void trigger(Duration interval) {
        if (clock.millis() - lastPass < interval.toMillis() / 2) {
            return;
        }
        if (running.compareAndSet(false, true)) {
            Thread.ofVirtual().name("ballast-tag-watch").start(() -> {
                try {
                    passOnce();
                } catch (RuntimeException e) {
                    LOG.warn("tag watch pass failed: {}", e.toString());
                    LOG.debug("tag watch pass failed", e);
                } finally {
                    running.set(false);
                }
            });
        }
    }

    /**
     * One pass on the caller's thread: every watched tag of this replica's shards whose registry's budget allows,
     * oldest check first.
     */
    public Pass passOnce() {
        lastPass = clock.millis();
        boolean[] owned = new boolean[Shards.COUNT]; // read once: both filters below see the same shards
        for (int shard = 0; shard < Shards.COUNT; shard++) {
            owned[shard] = sharding.owns(shard);
        }
        Set<TagKey> tags = new HashSet<>(holdings.tags());
        tags.removeIf(k -> !owned[Shards.of(shardKey(k))]);
        watched.set(tags.size());
        Map<TagKey, TagState> known = new HashMap<>();
        for (TagState s : store.tagStates().all()) {
            if (owned[Shards.of(shardKey(s.key()))]) {
                known.put(s.key(), s);
            }
        }
        forgetUnwatched(tags, known);
        List<TagKey> order = tags.stream()
                .sorted(Comparator.comparingLong(
                        (TagKey k) -> known.containsKey(k) ? known.get(k).checkedAt() : Long.MIN_VALUE))
                .toList();
        Set<String> exhausted = new HashSet<>();
        int checked = 0;
        int changed = 0;
        int deferred = 0;
        int failed = 0;
        for (TagKey key : order) {
            if (exhausted.contains(key.registry()) || !registry.budget().tryAcquire(key.registry())) {
                exhausted.add(key.registry()); // asked once per pass: the rest wait for the next one
                deferred++;
                continue;
            }
            switch (fencedCheck(key, known.get(key))) {
                case UNCHANGED -> checked++;
                case CHANGED -> {
                    checked++;
                    changed++;
                }
                case RATE_LIMITED -> {
                    exhausted.add(key.registry());
                    failed++;
                }
                case FAILED -> failed++;
            }
        }
        if (changed > 0) {
            onChange.run();
        }
        Pass pass = new Pass(tags.size(), checked, changed, deferred, failed);
        LOG.debug("tag watch pass: {}", pass);
        return pass;
    }

    private enum Outcome {
        UNCHANGED,
        CHANGED,
        RATE_LIMITED,
        FAILED
    }

    private static String shardKey(TagKey key) {
        return Repositories.key(key.registry(), key.repository());
    }

    /** {@link #check} under the fence of the tag's shard; FAILED when the shard moved meanwhile (its holder goes on). */
    private Outcome fencedCheck(TagKey key, TagState previous) {
        Outcome[] outcome = {Outcome.FAILED};
        try {
            sharding.runFenced(shardKey(key), () -> outcome[0] = check(key, previous));
        } catch (FencedException e) {
            LOG.info("tag watch {}: stopped, its shard moved: {}", key, e.getMessage());
            return Outcome.FAILED;
        }
        return outcome[0];
    }

    private Outcome check(TagKey key, TagState previous) {
        ImageReference ref = ImageReference.parse(key.toString());
        long now = clock.millis();
        TagHead last = previous != null && previous.digest() != null && previous.mediaType() != null
                ? new TagHead(Digest.parse(previous.digest()), previous.mediaType(), previous.etag(), false)
                : null;
        TagState next;
        try {
            TagHead head = registry.headTag(ref, last);
            recordPlatforms(key, ref, head);
            if (head.notModified()) {
                store.tagStates().checked(key, now);
                return Outcome.UNCHANGED;
            }
            next = new TagState(key, head.digest().toString(), head.mediaType(), head.etag(), now, now, TagSource.POLL);
        } catch (RegistryException e) {
            switch (e.kind()) {
                case NOT_FOUND -> next = new TagState(key, null, null, null, now, now, TagSource.POLL);
                case RATE_LIMITED -> {
                    LOG.info("tag watch {}: {} (budget closed until {})", key, e.getMessage(), e.retryAt());
                    return Outcome.RATE_LIMITED;
                }
                default -> {
                    LOG.debug("tag watch {}: {}", key, e.getMessage());
                    return Outcome.FAILED;
                }
            }
        }
        // "moved" from what the write replaced, not from the snapshot read at the start of the pass: a notification
        // recorded meanwhile is either what this answer replaces or, being newer, keeps its place
        TagStates.Recorded written = store.tagStates().record(next);
        if (written.moved(next)) {
            changes.increment();
            LOG.info("tag {} moved from {} to {}", key, written.previous().digest(), next.digest());
            return Outcome.CHANGED;
        }
        return written.applied() && written.previous() == null ? Outcome.CHANGED : Outcome.UNCHANGED;
    }

    /** Reads a new index digest's children once (when the budget allows; else on a later pass). */
    private void recordPlatforms(TagKey key, ImageReference ref, TagHead head) {
        if (!head.isIndex()
                || store.indexPlatforms()
                        .find(key.registry(), key.repository(), head.digest().toString())
                        .isPresent()
                || !registry.budget().tryAcquire(key.registry())) {
            return;
        }
        Map<String, String> children;
        try {
            children = IndexChildren.recorded(registry.indexPlatforms(ref.withDigest(head.digest())));
        } catch (RegistryException e) {
            LOG.debug("tag watch {}: index {}: {}", key, head.digest(), e.getMessage());
            return; // tried again on the next pass that sees this index
        }
        store.indexPlatforms()
                .record(key.registry(), key.repository(), head.digest().toString(), children);
    }

    /**
     * Forgets the states of tags nothing references any more, whoever recorded them (poll, push or the resolution
     * baseline): a stale state must not be taken for the tag's digest when a service references the tag again.
     */
    private void forgetUnwatched(Set<TagKey> tags, Map<TagKey, TagState> known) {
        for (TagState s : List.copyOf(known.values())) {
            if (!tags.contains(s.key())) {
                try {
                    sharding.runFenced(
                            shardKey(s.key()), () -> store.tagStates().delete(s.key()));
                } catch (FencedException e) {
                    LOG.info("tag watch {}: not forgotten, its shard moved: {}", s.key(), e.getMessage());
                }
                known.remove(s.key());
            }
        }
    }
}
