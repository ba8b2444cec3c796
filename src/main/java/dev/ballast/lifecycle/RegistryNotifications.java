package dev.ballast.lifecycle;

import dev.ballast.image.Digest;
import dev.ballast.lifecycle.NotificationMetrics.Outcome;
import dev.ballast.model.TagKey;
import dev.ballast.model.TagSource;
import dev.ballast.store.Change;
import dev.ballast.store.MissingImage;
import dev.ballast.store.Store;
import dev.ballast.store.TagState;
import dev.ballast.store.TagStates;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies what registries report by push notification, the zero-polling source of the image lifecycle (the tag
 * watcher's HEADs stay the fallback):
 *
 * <ul>
 *   <li>a manifest pushed under a watched tag (a tag that already has a {@link TagState}, else one of
 *       {@link Holdings#tags()}, read at most once per {@link #HELD_TAGS_FOR} while no service is written) records the tag's new digest and media type with source {@link TagSource#PUSH};
 *   <li>a manifest pushed by digest or tag clears that digest's missing mark, if it had one;
 *   <li>a deleted digest that a holding launches from ({@link Holding#digest()}: an active deployment or a rollback
 *       target) is marked missing at once, source {@value #SOURCE}, so the guard's launch check needs no request;
 *   <li>a deleted digest that watched tags point to, or a deleted watched tag, records the tag as gone (digest
 *       null).
 * </ul>
 *
 * Blob events, pulls, mounts and unknown event types change nothing. After any change the controllers are woken, so
 * drift and moved-tag rollouts see it at once. Each event is counted in {@link NotificationMetrics}.
 */
public final class RegistryNotifications {
    /** The {@link MissingImage#source()} of a digest a registry reported deleted. */
    public static final String SOURCE = "notification";

    /** How long the held tags read for a push to a tag without state are reused while no service is written. */
    static final Duration HELD_TAGS_FOR = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(RegistryNotifications.class);

    private final Store store;
    private final Holdings holdings;
    private final Clock clock;
    private final Runnable wake;
    private final NotificationMetrics metrics;
    /** Service writes seen (a service, its deployments' service row, or its tasks): the held tags' cache key. */
    private final AtomicLong serviceWrites = new AtomicLong();
    /** How many times the watched tags were read from the holdings (tests: pushes to unwatched tags are cheap). */
    private final AtomicLong holdingsReads = new AtomicLong();

    private volatile HeldTags heldTags;

    /** The held tags as read after {@code writes} service writes, at {@code at} on the clock. */
    private record HeldTags(long writes, long at, Set<TagKey> tags) {}

    /**
     * @param wake called once after a notification changed something (the server wakes its controllers)
     */
    public RegistryNotifications(Store store, Clock clock, Runnable wake, NotificationMetrics metrics) {
        this.store = store;
        this.holdings = new Holdings(store);
        this.clock = clock;
        this.wake = wake;
        this.metrics = metrics;
        store.changes().subscribe((change, fromThisServer) -> {
            if (change.kind() == Change.Kind.SERVICE || change.kind() == Change.Kind.EVERYTHING) {
                serviceWrites.incrementAndGet();
            }
        });
    }

    /** The metrics events are counted in (the endpoint counts refused requests there too). */
    public NotificationMetrics metrics() {
        return metrics;
    }

    /** Applies the events of one notification, in order; returns how many came to each outcome. */
    public Map<Outcome, Integer> apply(List<RegistryEvent> events) {
        Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
        Held held = new Held();
        boolean changed = false;
        for (RegistryEvent e : events) {
            Outcome o = apply(e, held);
            metrics.event(e.kind(), o);
            outcomes.merge(o, 1, Integer::sum);
            changed |= o == Outcome.APPLIED;
        }
        if (changed) {
            wake.run();
        }
        return outcomes;
    }

    private Outcome apply(RegistryEvent e, Held held) {
        if (e.kind() != RegistryEvent.Kind.PUSH && e.kind() != RegistryEvent.Kind.DELETE) {
            return Outcome.IGNORED;
        }
        if (e.registry() == null || e.repository() == null) {
            return Outcome.INVALID;
        }
        if (e.digest() != null && !validDigest(e.digest())) {
            return Outcome.INVALID;
        }
        return e.kind() == RegistryEvent.Kind.PUSH ? push(e) : delete(e, held);
    }

    private Outcome push(RegistryEvent e) {
        if (!e.manifest() || e.digest() == null) {
            return Outcome.IGNORED; // layers and configs; an index's children arrive as untagged manifest pushes
        }
        boolean cleared = store.missingImages().clear(e.registry(), e.repository(), e.digest());
        if (cleared) {
            LOG.info(
                    "registry notification: {}/{}@{} was pushed again; no longer missing",
                    e.registry(),
                    e.repository(),
                    e.digest());
        }
        if (e.tag() == null) {
            return cleared ? Outcome.APPLIED : Outcome.IGNORED;
        }
        TagKey key = new TagKey(e.registry(), e.repository(), e.tag());
        Optional<TagState> previous = store.tagStates().find(key);
        if (!watched(key, previous)) {
            return cleared ? Outcome.APPLIED : Outcome.IGNORED;
        }
        boolean moved =
                previous.map(p -> !Objects.equals(p.digest(), e.digest())).orElse(true);
        long now = clock.millis();
        String etag = previous.filter(p -> !moved).map(TagState::etag).orElse(null);
        String mediaType = e.mediaType() != null
                ? e.mediaType()
                : previous.filter(p -> !moved).map(TagState::mediaType).orElse(null);
        TagState state = new TagState(key, e.digest(), mediaType, etag, now, now, TagSource.PUSH);
        TagStates.Recorded written = store.tagStates().record(state);
        boolean applied = written.applied() && (written.previous() == null || written.moved(state));
        if (applied) {
            LOG.info("registry notification: {} now points to {}", key, e.digest());
        }
        return applied || cleared ? Outcome.APPLIED : Outcome.UNCHANGED;
    }

    private Outcome delete(RegistryEvent e, Held held) {
        boolean relevant = false;
        boolean changed = false;
        long now = clock.millis();
        if (e.digest() != null) {
            boolean isHeld = held.holdings().stream()
                    .anyMatch(h -> e.digest().equals(h.digest())
                            && e.registry().equals(h.image().registry())
                            && e.repository().equals(h.image().repository()));
            if (isHeld) {
                relevant = true;
                if (store.missingImages()
                        .mark(new MissingImage(e.registry(), e.repository(), e.digest(), now, SOURCE))) {
                    changed = true;
                    LOG.warn(
                            "registry notification: {}/{}@{}, which services hold, was deleted",
                            e.registry(),
                            e.repository(),
                            e.digest());
                }
            }
            // the tags that pointed there went with the manifest
            for (TagState s : store.tagStates().all()) {
                TagKey k = s.key();
                if (e.digest().equals(s.digest())
                        && k.registry().equals(e.registry())
                        && k.repository().equals(e.repository())) {
                    relevant = true;
                    changed |= gone(k, Optional.of(s), now);
                }
            }
        }
        if (e.tag() != null) {
            TagKey key = new TagKey(e.registry(), e.repository(), e.tag());
            Optional<TagState> previous = store.tagStates().find(key);
            if (watched(key, previous)) {
                relevant = true;
                boolean samePointer = e.digest() == null
                        || previous.map(p -> e.digest().equals(p.digest())).orElse(true);
                if (samePointer) {
                    changed |= gone(key, previous, now);
                }
            }
        }
        return changed ? Outcome.APPLIED : relevant ? Outcome.UNCHANGED : Outcome.IGNORED;
    }

    /** Records the tag as pointing nowhere; false if it already did. */
    private boolean gone(TagKey key, Optional<TagState> previous, long now) {
        if (previous.isPresent() && previous.get().digest() == null) {
            return false;
        }
        store.tagStates().record(new TagState(key, null, null, null, now, now, TagSource.PUSH));
        LOG.info("registry notification: {} was deleted", key);
        return true;
    }

    /**
     * Whether {@code key} is a watched tag: it has a state (once the watcher ran, the states are exactly the held
     * tags), else it is one of the holdings' tags. Those are read at most once per {@link #HELD_TAGS_FOR} while no
     * service was written (a new service or deployment writes its service row), so a stream of pushes to tags
     * nothing uses reads the holdings once, not once per push.
     */
    private boolean watched(TagKey key, Optional<TagState> state) {
        if (state.isPresent()) {
            return true;
        }
        long writes = serviceWrites.get();
        long now = clock.millis();
        HeldTags cached = heldTags;
        if (cached == null
                || cached.writes() != writes
                || now < cached.at()
                || now - cached.at() >= HELD_TAGS_FOR.toMillis()
                || !store.changes().reliable()) {
            holdingsReads.incrementAndGet();
            cached = new HeldTags(writes, now, holdings.tags());
            heldTags = cached;
        }
        return cached.tags().contains(key);
    }

    /** How many times the held tags were read from the holdings. */
    long holdingsReads() {
        return holdingsReads.get();
    }

    private static boolean validDigest(String digest) {
        try {
            Digest.parse(digest);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The holdings, computed at most once per notification and only when a deleted digest needs them. */
    private final class Held {
        private List<Holding> current;

        List<Holding> holdings() {
            if (current == null) {
                current = holdings.current();
            }
            return current;
        }
    }
}
