package dev.ballast.lifecycle;

import dev.ballast.image.ImageReference;
import dev.ballast.registry.RegistryClient;
import dev.ballast.registry.RegistryException;
import dev.ballast.registry.Resolution;
import dev.ballast.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches, once per digest, the children of an index drift needs to compare by platform (or {@code ListPins} needs for
 * its keep-list, {@link #children(DigestKey)}) and records them in {@code
 * store.indexPlatforms()} (a digest that names a single manifest is recorded with no children, so it is not asked
 * again). Each fetch runs on its own virtual thread, never on a controller worker; at most one per digest at a time,
 * a failed one is tried again after {@link #RETRY_AFTER}. {@code fetched} is told after each recorded answer.
 *
 * <p>A fetch's thread writes under no shard fence, on purpose: {@code index_platforms} holds registry facts (the
 * children of a content-addressed digest, the same whichever replica records them), not a controller's decisions.
 */
public final class IndexChildrenFetcher {
    /** How long a failed fetch of a digest waits before it is tried again. */
    static final Duration RETRY_AFTER = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(IndexChildrenFetcher.class);
    private static final long IN_FLIGHT = Long.MAX_VALUE;

    private final Store store;
    private final RegistryClient registry;
    private final Clock clock;
    private final Runnable fetched;
    private final Map<ServiceDrift.IndexRef, Long> attempts = new ConcurrentHashMap<>();

    public IndexChildrenFetcher(Store store, RegistryClient registry, Clock clock, Runnable fetched) {
        this.store = store;
        this.registry = registry;
        this.clock = clock;
        this.fetched = fetched;
    }

    /** Starts a fetch of {@code ref}'s children unless one runs or failed within {@link #RETRY_AFTER}. */
    public void request(ServiceDrift.IndexRef ref) {
        long now = clock.millis();
        boolean[] start = {false};
        attempts.compute(ref, (k, failedAt) -> {
            if (failedAt == null || (failedAt != IN_FLIGHT && now - failedAt >= RETRY_AFTER.toMillis())) {
                start[0] = true;
                return IN_FLIGHT;
            }
            return failedAt;
        });
        if (start[0]) {
            Thread.ofVirtual().name("ballast-index-children").start(() -> fetch(ref));
        }
    }

    /**
     * {@code key}'s children as recorded, else fetched now on the caller's thread (one request) and recorded for next
     * time (a single manifest: an empty map); empty when they cannot be learned now (the registry did not answer).
     */
    public Optional<Map<String, String>> children(DigestKey key) {
        Optional<Map<String, String>> known =
                store.indexPlatforms().find(key.registry(), key.repository(), key.digest());
        if (known.isPresent()) {
            return known;
        }
        boolean fetched = fetch(new ServiceDrift.IndexRef(key.registry(), key.repository(), key.digest()));
        return fetched ? store.indexPlatforms().find(key.registry(), key.repository(), key.digest()) : Optional.empty();
    }

    /** Fetches and records {@code ref}'s children on the caller's thread; false when the registry failed. */
    boolean fetch(ServiceDrift.IndexRef ref) {
        try {
            Resolution r = registry.resolve(
                    ImageReference.parse(ref.registry() + "/" + ref.repository() + "@" + ref.digest()));
            store.indexPlatforms()
                    .record(ref.registry(), ref.repository(), ref.digest(), IndexChildren.recorded(r.platforms()));
            attempts.remove(ref);
            fetched.run();
            return true;
        } catch (RegistryException | IllegalArgumentException e) {
            LOG.warn(
                    "cannot read the platforms of {}/{}@{} (tried again in {}): {}",
                    ref.registry(),
                    ref.repository(),
                    ref.digest(),
                    RETRY_AFTER,
                    e.getMessage());
            attempts.put(ref, clock.millis());
            return false;
        } catch (RuntimeException e) {
            attempts.put(ref, clock.millis());
            throw e;
        }
    }
}
