package dev.ballast.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.model.TagKey;
import dev.ballast.model.TagSource;
import dev.ballast.testing.MutableClock;
import dev.ballast.testing.PostgresFixture;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The store's single-statement controller writes (missing-image marks, service events, tag checks, approvals) on a
 * real PostgreSQL store: under a fence whose shard moved each is refused in its own transaction and writes nothing,
 * and a fenced write outside a transaction fails in the tests' strict mode ({@value FencingTransactions#STRICT}).
 */
class FencedWritesIT {
    private static final long TTL = Duration.ofSeconds(6).toMillis();
    private static final String SERVICE = "arn:aws:ecs:us-east-1:000000000000:service/default/web";
    private static final String DIGEST = "sha256:" + "a".repeat(64);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T00:00:00Z"));

    @Test
    void singleStatementWritesUnderAStaleFenceAreRefusedAndWriteNothing() {
        try (Store store = Store.openPostgres(PostgresFixture.newDatabase(), clock)) {
            int shard = Shards.of(SERVICE);
            Fence stale = take(store, shard, "a/1");
            clock.advance(Duration.ofMillis(TTL + 1)); // a is paused past its lease; b takes the shard
            Fence current = take(store, shard, "b/1");
            assertThat(current.token()).isEqualTo(stale.token() + 1);
            MissingImage gone = new MissingImage("registry.test", "app", DIGEST, clock.millis(), "guard");
            TagKey tag = new TagKey("registry.test", "app", "latest");
            store.tagStates().record(new TagState(tag, DIGEST, "application/json", null, 1, 1, TagSource.POLL));

            assertThatThrownBy(() ->
                            store.fenced(stale, () -> store.missingImages().mark(gone)))
                    .isInstanceOf(FencedException.class);
            assertThatThrownBy(() -> store.fenced(stale, () -> store.events().addOnce(SERVICE, "k", "stale")))
                    .isInstanceOf(FencedException.class);
            assertThatThrownBy(() -> store.fenced(stale, () -> store.tagStates().checked(tag, 99)))
                    .isInstanceOf(FencedException.class);
            assertThat(store.missingImages().find("registry.test", "app", DIGEST))
                    .as("no mark written")
                    .isEmpty();
            assertThat(store.events().latest(SERVICE, 10))
                    .as("no event written")
                    .isEmpty();
            assertThat(store.tagStates().find(tag).orElseThrow().checkedAt())
                    .as("check time unchanged")
                    .isEqualTo(1);

            assertThat(store.fenced(current, () -> store.missingImages().mark(gone)))
                    .isTrue();
            assertThat(store.fenced(current, () -> store.events().addOnce(SERVICE, "k", "current")))
                    .isTrue();
            assertThat(store.missingImages().find("registry.test", "app", DIGEST))
                    .isPresent();
            assertThat(store.events().latest(SERVICE, 10)).hasSize(1);
        }
    }

    @Test
    void aFencedWriteOutsideATransactionFailsInStrictMode() {
        assertThat(Boolean.getBoolean(FencingTransactions.STRICT))
                .as("the build sets %s for tests", FencingTransactions.STRICT)
                .isTrue();
        try (Store store = Store.openPostgres(PostgresFixture.newDatabase(), clock)) {
            Fence fence = take(store, Shards.of(SERVICE), "a/1");
            assertThatThrownBy(() -> store.fenced(fence, () -> {
                        store.jdbi().useHandle(h -> h.execute("DELETE FROM missing_images"));
                        return null;
                    }))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("a fenced write must run in a transaction")
                    .hasMessageContaining("DELETE FROM missing_images");
            Integer read = store.fenced(
                    fence,
                    () -> store.jdbi()
                            .withHandle(h -> h.createQuery("SELECT 1")
                                    .mapTo(Integer.class)
                                    .one()));
            assertThat(read).as("a read outside a transaction is fine").isEqualTo(1);
        }
    }

    /** {@code holder} joins (a heartbeat) and takes {@code shard}; its fence. */
    private Fence take(Store store, int shard, String holder) {
        ShardLeases leases = store.shardLeases();
        leases.ensureShards();
        long now = clock.millis();
        leases.heartbeat(holder, holder, now, now + TTL);
        return new Fence(shard, holder, leases.take(shard, holder, now).orElseThrow());
    }
}
