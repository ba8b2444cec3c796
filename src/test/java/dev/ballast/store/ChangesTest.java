package dev.ballast.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** In-process change notifications on SQLite: delivered once the write commits, never for a rolled-back one. */
class ChangesTest {
    @Test
    void aCommittedWriteIsDeliveredAfterCommitAndARolledBackOneNever() throws Exception {
        try (Store store = Store.openSqlite(Files.createTempDirectory("ballast-changes-"), Clock.systemUTC())) {
            List<Change> heard = new CopyOnWriteArrayList<>();
            List<Boolean> visibleWhenHeard = new CopyOnWriteArrayList<>();
            store.changes().subscribe((change, fromThisServer) -> {
                heard.add(change);
                visibleWhenHeard.add(store.clusters().find(change.id()).isPresent());
                assertThat(fromThisServer).isTrue();
            });
            assertThatThrownBy(() -> store.jdbi().useTransaction(h -> {
                        store.clusters().createOrGet("rolled-back", "arn:c/rolled-back", "{}", List.of());
                        throw new IllegalStateException("roll back");
                    }))
                    .hasMessageContaining("roll back");
            assertThat(heard).isEmpty();
            assertThat(store.clusters().find("rolled-back")).isEmpty();

            long before = store.changes().now();
            store.jdbi().useTransaction(h -> {
                store.clusters().createOrGet("kept", "arn:c/kept", "{}", List.of());
                assertThat(heard).as("not before the commit").isEmpty();
            });
            assertThat(heard).containsExactly(Change.cluster("kept"));
            assertThat(visibleWhenHeard).containsExactly(true);
            assertThat(store.changes().changedSince(before, Change.cluster("kept")))
                    .isTrue();
            assertThat(store.changes().changedSince(before, Change.cluster("other")))
                    .isFalse();
        }
    }

    @Test
    void aWaiterWakesOnItsKeyAndTimesOutOnOthers() throws Exception {
        try (Store store = Store.openSqlite(Files.createTempDirectory("ballast-changes-"), Clock.systemUTC())) {
            Changes changes = store.changes();
            assertThat(changes.reliable()).isTrue();
            long since = changes.now();
            assertThat(changes.await(since, Change.cluster("a"), Duration.ofMillis(1)))
                    .isFalse();
            CompletableFuture<Boolean> woken = CompletableFuture.supplyAsync(
                    () -> changes.await(since, Change.cluster("a"), Duration.ofMinutes(5)));
            while (!changes.waiting(Change.cluster("a"))) {
                Thread.onSpinWait();
            }
            store.clusters().createOrGet("b", "arn:c/b", "{}", List.of());
            assertThat(woken).isNotDone();
            store.clusters().createOrGet("a", "arn:c/a", "{}", List.of());
            assertThat(woken.get(1, TimeUnit.MINUTES)).isTrue();
        }
    }

    @Test
    void payloadsRoundTrip() {
        for (Change c : List.of(
                Change.instanceTasks("arn:aws:ecs:us-east-1:1:container-instance/x/1"),
                Change.service("arn:s"),
                Change.instance("arn:i"),
                Change.cluster("default"),
                Change.EVERYTHING)) {
            assertThat(Change.decode(c.encode())).isEqualTo(c);
        }
    }
}
