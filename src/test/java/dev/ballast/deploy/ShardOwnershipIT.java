package dev.ballast.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.store.Fence;
import dev.ballast.store.FencedException;
import dev.ballast.store.ShardLeases;
import dev.ballast.store.Shards;
import dev.ballast.store.Store;
import dev.ballast.testing.MutableClock;
import dev.ballast.testing.PostgresFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Shard ownership on a real PostgreSQL store, driven pass by pass ({@link ShardOwnership#tick}) on a clock moved by
 * hand: replicas split the shards fairly, rebalance when one joins or dies, and a write under a shard's old fence is
 * refused in its own transaction.
 */
class ShardOwnershipIT {
    private static final Duration TTL = Duration.ofSeconds(6);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T00:00:00Z"));

    @Test
    void replicasSplitTheShardsAndTakeOverThoseOfOneThatDies() {
        try (Store store = Store.openPostgres(PostgresFixture.newDatabase(), clock)) {
            ShardOwnership a = new ShardOwnership(store, "a/1", "a", clock, TTL);
            ShardOwnership b = new ShardOwnership(store, "b/1", "b", clock, TTL);
            ShardOwnership c = new ShardOwnership(store, "c/1", "c", clock, TTL);
            a.tick();
            assertThat(a.heldCount()).as("alone, a holds every shard").isEqualTo(Shards.COUNT);
            b.tick();
            c.tick();
            for (int pass = 0; pass < 3; pass++) {
                List.of(a, b, c).forEach(ShardOwnership::tick);
            }
            assertThat(List.of(a.heldCount(), b.heldCount(), c.heldCount())).containsExactly(22, 21, 21);
            assertThat(IntStream.range(0, Shards.COUNT)
                            .filter(s -> List.of(a, b, c).stream()
                                            .filter(o -> o.owns(s))
                                            .count()
                                    != 1)
                            .boxed()
                            .toList())
                    .as("every shard has exactly one owner")
                    .isEmpty();

            // c stops renewing (killed): once its lease is over, a and b share its shards
            clock.advance(TTL.plusMillis(1));
            assertThat(c.heldCount())
                    .as("c stops acting when its lease runs out")
                    .isZero();
            for (int pass = 0; pass < 2; pass++) {
                a.tick();
                b.tick();
            }
            assertThat(a.heldCount() + b.heldCount()).isEqualTo(Shards.COUNT);
            assertThat(List.of(a.heldCount(), b.heldCount())).containsExactly(32, 32);
            a.close();
            b.tick();
            assertThat(b.heldCount()).as("a gave its shards up on close").isEqualTo(Shards.COUNT);
        }
    }

    @Test
    void aWriteUnderAFenceWhoseShardMovedIsRefusedAndRolledBack() {
        try (Store store = Store.openPostgres(PostgresFixture.newDatabase(), clock)) {
            ShardOwnership a = new ShardOwnership(store, "a/1", "a", clock, TTL);
            a.tick();
            String key = "arn:aws:ecs:us-east-1:000000000000:service/default/web";
            int shard = Shards.of(key);
            ShardLeases.ShardRow before = store.shardLeases().shards().get(shard);
            Fence stale = new Fence(shard, "a/1", before.token());
            // a is paused past its lease; b takes everything, raising each token
            clock.advance(TTL.plusSeconds(1));
            ShardOwnership b = new ShardOwnership(store, "b/1", "b", clock, TTL);
            b.tick();
            assertThat(b.owns(shard)).isTrue();
            assertThat(store.shardLeases().shards().get(shard).token()).isEqualTo(before.token() + 1);

            assertThatThrownBy(() -> store.fenced(stale, () -> {
                        store.clusters()
                                .createOrGet(
                                        "stale",
                                        "arn:aws:ecs:us-east-1:000000000000:cluster/stale",
                                        "{\"settings\":[]}",
                                        List.of());
                        return null;
                    }))
                    .isInstanceOf(FencedException.class);
            assertThat(store.clusters().find("stale"))
                    .as("nothing written under the stale fence")
                    .isEmpty();

            Set<Boolean> ran = new HashSet<>();
            assertThat(b.runFenced(key, () -> {
                        store.clusters()
                                .createOrGet(
                                        "fresh",
                                        "arn:aws:ecs:us-east-1:000000000000:cluster/fresh",
                                        "{\"settings\":[]}",
                                        List.of());
                        ran.add(true);
                    }))
                    .isTrue();
            assertThat(ran).containsExactly(true);
            assertThat(store.clusters().find("fresh")).isPresent();
            assertThat(a.runFenced(key, () -> ran.add(false)))
                    .as("a knows its lease ran out and does not even try")
                    .isFalse();
        }
    }

    @Test
    void aWriteInFlightUnderADeadHolderDelaysTheTakeOfItsShardByOnePassAndItsSessionsAreEnded() throws Exception {
        String url = PostgresFixture.newDatabase();
        try (Store storeA = Store.openPostgres(url, clock, "a/1");
                Store storeB = Store.openPostgres(url, clock, "b/1")) {
            ShardOwnership a = new ShardOwnership(storeA, "a/1", "a", clock, TTL);
            a.tick();
            int shard = 5;
            long token = storeA.shardLeases().shards().get(shard).token();
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch finish = new CountDownLatch(1);
            AtomicReference<Throwable> writerFailure = new AtomicReference<>();
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    storeA.fenced(
                            new Fence(shard, "a/1", token),
                            () -> storeA.withSharedLock("fence-test", () -> {
                                inside.countDown(); // the fence was checked: the shard row is share-locked until we end
                                try {
                                    finish.await();
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                                return null;
                            }));
                } catch (RuntimeException e) {
                    writerFailure.set(e);
                }
            });
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
            clock.advance(TTL.plusSeconds(1)); // a is stopped past its lease, its transaction still open
            ShardOwnership b = new ShardOwnership(storeB, "b/1", "b", clock, TTL);
            b.tick();
            assertThat(b.owns(shard))
                    .as("the shard waits for the write in flight")
                    .isFalse();
            assertThat(b.heldCount())
                    .as("every other shard is taken in the same pass")
                    .isEqualTo(Shards.COUNT - 1);
            b.tick();
            assertThat(b.owns(shard))
                    .as("taken at the next pass: the dead holder's sessions were ended, its transaction with them")
                    .isTrue();
            assertThat(storeB.shardLeases().shards().get(shard).token()).isEqualTo(token + 1);
            finish.countDown();
            writer.join(10_000);
            assertThat(writerFailure.get()).as("a's transaction did not commit").isNotNull();
        }
    }
}
