package dev.ballast.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ballast.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What keeps the store bounded under failing launches, on each database: identical service events collapse into
 * one refreshed event, stopped tasks past the retention are purged in bounded batches (with their tags), the
 * counts behind the gauges, and a deployment's failure counts round-trip. Subclasses pick SQLite or PostgreSQL.
 */
abstract class RetentionContract {
    static final String SERVICE = "arn:aws:ecs:us-east-1:123456789012:service/default/web";
    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    Store store;

    abstract Store open(MutableClock clock);

    @BeforeEach
    void start() {
        store = open(clock);
        store.clusters()
                .createOrGet(
                        "default",
                        "arn:aws:ecs:us-east-1:123456789012:cluster/default",
                        "{\"settings\":[]}",
                        List.of());
    }

    @AfterEach
    void stop() {
        store.close();
    }

    @Test
    void identicalEventsCollapseIntoOneThatMovesToTheTop() {
        store.events().add(SERVICE, "(service web) could not start a task: pull failed.");
        clock.advance(Duration.ofSeconds(1));
        store.events().add(SERVICE, "(service web) is unable to consistently start tasks successfully.");
        for (int i = 0; i < 200; i++) {
            clock.advance(Duration.ofSeconds(1));
            store.events().add(SERVICE, "(service web) has started 1 tasks: (task " + i + ").");
            store.events().add(SERVICE, "(service web) could not start a task: pull failed.");
        }
        List<Events.Event> page = store.events().latest(SERVICE, 100);
        assertThat(page.get(0).message()).isEqualTo("(service web) could not start a task: pull failed.");
        assertThat(page.get(0).createdAt()).isEqualTo(clock.millis());
        assertThat(page).filteredOn(e -> e.message().contains("pull failed")).hasSize(1);
        assertThat(store.events().latest(SERVICE, 1_000)).hasSize(202);

        // an identical event after the repeat interval is a new line; the older copy stays where it was
        clock.advance(Duration.ofMillis(Events.REPEAT_AFTER + 1));
        store.events().add(SERVICE, "(service web) has started 1 tasks: (task 199).");
        assertThat(store.events().latest(SERVICE, 1_000))
                .hasSize(203)
                .filteredOn(e -> e.message().equals("(service web) has started 1 tasks: (task 199)."))
                .hasSize(2);
    }

    @Test
    void eventsBeyondTheNewestKeptOnesArePurged() {
        for (int i = 0; i < 30; i++) {
            store.events().add(SERVICE, "event " + i);
            store.events().add(SERVICE + "-other", "event " + i);
        }
        store.events().add(SERVICE + "-small", "only one");
        assertThat(store.events().trim(10, 100)).isEqualTo(40);
        assertThat(store.events().latest(SERVICE, 100))
                .extracting(Events.Event::message)
                .containsExactlyElementsOf(IntStream.iterate(29, i -> i >= 20, i -> i - 1)
                        .mapToObj(i -> "event " + i)
                        .toList());
        assertThat(store.events().latest(SERVICE + "-other", 100)).hasSize(10);
        assertThat(store.events().latest(SERVICE + "-small", 100)).hasSize(1);
        assertThat(store.events().trim(10, 100)).isZero();
    }

    @Test
    void stoppedTasksPastTheRetentionArePurgedInBatchesWithTheirTags() {
        List<TaskRow> old =
                IntStream.range(0, 25).mapToObj(i -> task("old" + i, "STOPPED")).toList();
        store.tasks().insertAll(old);
        store.tags().put(old.get(0).arn(), List.of(new Tags.Tag("team", "a")), 50);
        clock.advance(Duration.ofMinutes(61));
        TaskRow recent = task("recent", "STOPPED");
        TaskRow running = task("running", "RUNNING");
        store.tasks().insertAll(List.of(recent, running));
        long cutoff = clock.millis() - Duration.ofHours(1).toMillis();

        assertThat(store.tasks().countsByStatus()).containsEntry("STOPPED", 26).containsEntry("RUNNING", 1);
        assertThat(store.tasks().purgeStopped(cutoff, 10)).isEqualTo(10);
        assertThat(store.tasks().purgeStopped(cutoff, 10)).isEqualTo(10);
        assertThat(store.tasks().purgeStopped(cutoff, 10)).isEqualTo(5);
        assertThat(store.tasks().purgeStopped(cutoff, 10)).isZero();
        assertThat(old).allSatisfy(t -> assertThat(store.tasks().find(t.arn())).isEmpty());
        assertThat(store.tags().list(old.get(0).arn())).isEmpty();
        assertThat(store.tasks().find(recent.arn())).isPresent();
        assertThat(store.tasks().find(running.arn())).isPresent();
        assertThat(store.tasks().countsByStatus()).containsEntry("STOPPED", 1).containsEntry("RUNNING", 1);
    }

    @Test
    void runTaskTokensAndTagsArriveWithTheirTasksAndExpireWithThem() {
        ClientTokenClaim claim = new ClientTokenClaim("default", "tok-1", "hash");
        TaskRow tokened = withToken(task("tokened", "STOPPED"), "tok-1");
        store.tasks().insertAll(List.of(tokened), claim, List.of(new Tags.Tag("team", "a")));
        assertThat(store.tags().list(tokened.arn())).containsExactly(new Tags.Tag("team", "a"));
        assertThat(store.tasks().clientTokenHash("default", "tok-1")).contains("hash");

        // a second claim of the token inserts nothing: neither tasks nor tags
        TaskRow loser = withToken(task("loser", "RUNNING"), "tok-1");
        Assertions.assertThatThrownBy(
                        () -> store.tasks().insertAll(List.of(loser), claim, List.of(new Tags.Tag("team", "b"))))
                .isInstanceOf(ClientTokenClaim.TakenException.class);
        assertThat(store.tasks().find(loser.arn())).isEmpty();
        assertThat(store.tags().list(loser.arn())).isEmpty();

        clock.advance(Duration.ofMinutes(61));
        TaskRow live = withToken(task("live", "RUNNING"), "tok-2");
        store.tasks().insertAll(List.of(live), new ClientTokenClaim("default", "tok-2", "h2"), List.of());
        clock.advance(Duration.ofMinutes(61));
        assertThat(store.tasks()
                        .purgeStopped(clock.millis() - Duration.ofHours(1).toMillis(), 10))
                .isEqualTo(1);
        assertThat(store.tasks().clientTokenHash("default", "tok-1"))
                .as("its tasks are gone: the token expires")
                .isEmpty();
        assertThat(store.tasks().clientTokenHash("default", "tok-2"))
                .as("its task still exists")
                .contains("h2");
    }

    private static TaskRow withToken(TaskRow t, String token) {
        return new TaskRow(
                t.arn(),
                t.cluster(),
                t.clusterArn(),
                t.taskDefinitionArn(),
                t.serviceArn(),
                t.deploymentId(),
                t.startedBy(),
                t.group(),
                t.containerInstanceArn(),
                t.desiredStatus(),
                t.lastStatus(),
                t.containers(),
                null,
                null,
                token,
                0,
                0,
                t.createdAt(),
                null,
                null,
                null,
                null,
                t.stoppedAt(),
                0);
    }

    @Test
    void deploymentFailureCountsRoundTripAndAreCountedByRolloutState() {
        DeploymentRow d = new DeploymentRow(
                "ecs-svc/1",
                "arn:aws:ecs:us-east-1:123456789012:service-deployment/default/web/x",
                SERVICE,
                "arn:aws:ecs:us-east-1:123456789012:cluster/default",
                "rev",
                "td",
                "PRIMARY",
                "IN_PROGRESS",
                "ECS deployment ecs-svc/1 in progress.",
                "IN_PROGRESS",
                1,
                0,
                JsonNodeFactory.instance.objectNode(),
                null,
                null,
                clock.millis(),
                clock.millis(),
                null);
        store.deployments().table().insert(d);
        assertThat(store.deployments().find("ecs-svc/1").orElseThrow().value().launchFailures())
                .isEqualTo(LaunchFailures.NONE);
        LaunchFailures f = new LaunchFailures(3, 1_234, List.of("t2", "t3"));
        assertThat(store.deployments().update(d.withFailures(7, f).withSteady(true), 1))
                .isTrue();
        DeploymentRow read = store.deployments().find("ecs-svc/1").orElseThrow().value();
        assertThat(read.failedTasks()).isEqualTo(7);
        assertThat(read.launchFailures()).isEqualTo(f);
        assertThat(read.steady()).isTrue();
        assertThat(store.deployments().activeCountsByRolloutState()).containsExactly(Map.entry("IN_PROGRESS", 1));
    }

    private TaskRow task(String id, String lastStatus) {
        String arn = "arn:aws:ecs:us-east-1:123456789012:task/default/" + id;
        return new TaskRow(
                arn,
                "default",
                "arn:aws:ecs:us-east-1:123456789012:cluster/default",
                "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1",
                SERVICE,
                "ecs-svc/1",
                "ecs-svc/1",
                "service:web",
                "i1",
                lastStatus.equals("STOPPED") ? "STOPPED" : "RUNNING",
                lastStatus,
                List.of(),
                null,
                null,
                null,
                0,
                0,
                clock.millis(),
                null,
                null,
                null,
                null,
                lastStatus.equals("STOPPED") ? clock.millis() : null,
                0);
    }
}
