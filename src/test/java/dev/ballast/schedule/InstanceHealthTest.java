package dev.ballast.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.model.AttachmentStatus;
import dev.ballast.model.DesiredStatus;
import dev.ballast.model.EniAttachment;
import dev.ballast.model.LaunchType;
import dev.ballast.model.TaskLaunch;
import dev.ballast.model.TaskStatus;
import dev.ballast.store.Events;
import dev.ballast.store.InstanceRow;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;
import dev.ballast.testing.MutableClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The instance-health monitor against a real store, driven by a hand-advanced clock. */
class InstanceHealthTest {
    private static final String ARN = "arn:aws:ecs:us-east-1:000000000000:container-instance/default/" + "1".repeat(32);
    private static final String CLUSTER_ARN = "arn:aws:ecs:us-east-1:000000000000:cluster/default";

    @Test
    void silentAgentIsDisconnectedThenItsTasksStop(@TempDir Path dir) {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (Store store = Store.openSqlite(dir, clock)) {
            InstanceHealth health = new InstanceHealth(
                    store, clock, new InstanceHealth.Settings(Duration.ofSeconds(30), Duration.ofSeconds(60)));
            store.clusters().createOrGet("default", CLUSTER_ARN, "{\"settings\":[]}", List.of());
            store.instances().insert(instance(clock.millis()));
            TaskRow task = task(clock.millis());
            store.tasks().insertAll(List.of(task));

            clock.advance(Duration.ofSeconds(29));
            assertThat(health.passOnce()).isZero();
            assertThat(instance(store).agentConnected()).isTrue();

            clock.advance(Duration.ofSeconds(2)); // 31 s silent
            assertThat(health.passOnce()).isZero();
            assertThat(instance(store).agentConnected()).isFalse();
            assertThat(store.tasks().find(task.arn()).orElseThrow().value().lastStatus())
                    .isEqualTo("RUNNING");

            // a heartbeat reconnects; silence starts over
            store.instances().heartbeat(ARN, clock.millis());
            assertThat(instance(store).agentConnected()).isTrue();
            clock.advance(Duration.ofSeconds(59));
            health.passOnce();
            assertThat(store.tasks().find(task.arn()).orElseThrow().value().lastStatus())
                    .isEqualTo("RUNNING");

            clock.advance(Duration.ofSeconds(2)); // 61 s silent
            assertThat(health.passOnce()).isEqualTo(1);
            TaskRow stopped = store.tasks().find(task.arn()).orElseThrow().value();
            assertThat(stopped.lastStatus()).isEqualTo("STOPPED");
            assertThat(stopped.desiredStatus()).isEqualTo("STOPPED");
            assertThat(stopped.stopCode()).isEqualTo(InstanceHealth.STOP_CODE);
            assertThat(stopped.stoppedReason()).isEqualTo(InstanceHealth.STOP_REASON);
            assertThat(stopped.stoppedAt()).isEqualTo(clock.millis());
            assertThat(stopped.containers())
                    .allSatisfy(c -> assertThat(c.lastStatus()).isEqualTo("STOPPED"));
            assertThat(health.passOnce()).isZero(); // idempotent
        }
    }

    @Test
    void aDisconnectIsAServiceEventAndTheMetricsCountAgentsAndInfrastructureStops(@TempDir Path dir) {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (Store store = Store.openSqlite(dir, clock)) {
            InstanceHealth health = new InstanceHealth(
                    store, clock, new InstanceHealth.Settings(Duration.ofSeconds(30), Duration.ofSeconds(60)), meters);
            store.clusters().createOrGet("default", CLUSTER_ARN, "{\"settings\":[]}", List.of());
            store.instances().insert(instance(clock.millis()));
            TaskRow unrelated = task(clock.millis());
            store.tasks()
                    .insertAll(List.of(serviceTask(clock.millis(), "3"), serviceTask(clock.millis(), "4"), unrelated));
            assertThat(meters.scrape())
                    .contains("ballast_agents_instances{state=\"connected\"} 1.0")
                    .contains("ballast_agents_instances{state=\"disconnected\"} 0.0")
                    .contains("ballast_tasks_infrastructure_stopped_tasks_total 0.0");

            clock.advance(Duration.ofSeconds(31));
            health.passOnce();
            assertThat(store.events().latest(SERVICE_ARN, 10))
                    .extracting(Events.Event::message)
                    .containsExactly("(service web) has 2 task(s) on (container-instance " + "1".repeat(32)
                            + ") whose agent is disconnected;"
                            + " they are stopped and replaced if it does not reconnect within 30 s.");
            health.passOnce();
            assertThat(store.events().latest(SERVICE_ARN, 10))
                    .as("one event per disconnect")
                    .hasSize(1);
            assertThat(meters.scrape())
                    .contains("ballast_agents_instances{state=\"connected\"} 0.0")
                    .contains("ballast_agents_instances{state=\"disconnected\"} 1.0");

            clock.advance(Duration.ofSeconds(30)); // 61 s silent
            assertThat(health.passOnce()).isEqualTo(3);
            assertThat(meters.scrape()).contains("ballast_tasks_infrastructure_stopped_tasks_total 3.0");
        }
    }

    @Test
    void nothingIsDeclaredDeadRightAfterAServerStart(@TempDir Path dir) {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (Store store = Store.openSqlite(dir, clock)) {
            store.clusters().createOrGet("default", CLUSTER_ARN, "{\"settings\":[]}", List.of());
            store.instances().insert(instance(clock.millis()));
            clock.advance(Duration.ofHours(1)); // the server was down for an hour
            InstanceHealth health = new InstanceHealth(store, clock, InstanceHealth.Settings.defaults());
            health.passOnce();
            assertThat(instance(store).agentConnected()).isTrue();
            clock.advance(Duration.ofSeconds(31));
            health.passOnce();
            assertThat(instance(store).agentConnected()).isFalse();
        }
    }

    @Test
    void aTaskStoppedWithoutItsAgentHasItsNetworkInterfaceDeleted() {
        EniAttachment eni = new EniAttachment(
                "att-1",
                AttachmentStatus.ATTACHED,
                "eni-0123456789abcdef0",
                "subnet-a",
                List.of(),
                "ballast-default",
                "10.0.0.7",
                "02:42:0a:00:00:07");
        TaskRow running = new TaskRow(
                        "arn:aws:ecs:us-east-1:123456789012:task/default/t1",
                        "default",
                        "arn:aws:ecs:us-east-1:123456789012:cluster/default",
                        "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1",
                        null,
                        null,
                        null,
                        "family:web",
                        "arn:aws:ecs:us-east-1:123456789012:container-instance/default/i1",
                        DesiredStatus.RUNNING.wire(),
                        TaskStatus.RUNNING.wire(),
                        List.of(),
                        null,
                        null,
                        null,
                        256,
                        512,
                        0,
                        null,
                        null,
                        1L,
                        null,
                        null,
                        0)
                .withLaunch(new TaskLaunch(LaunchType.FARGATE, null, "1.4.0", eni));
        TaskRow stopped = InstanceHealth.stoppedWithoutAgent(running, "TaskFailedToStart", "gone", 5);
        assertThat(stopped.lastStatus()).isEqualTo(TaskStatus.STOPPED.wire());
        assertThat(stopped.launch().eni().status()).isEqualTo(AttachmentStatus.DELETED);
        assertThat(stopped.launch().eni().privateIPv4Address()).isEqualTo("10.0.0.7");
        assertThat(stopped.launch().platformVersion()).isEqualTo("1.4.0");
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> new InstanceHealth.Settings(Duration.ofSeconds(30), Duration.ofSeconds(10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("task timeout");
        assertThatThrownBy(() -> new InstanceHealth.Settings(Duration.ZERO, Duration.ofSeconds(10)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static InstanceRow instance(long now) {
        return new InstanceRow(
                ARN, "default", CLUSTER_ARN, "i-1", "ACTIVE", true, 1024, 1024, Map.of(), "ballast-test", now);
    }

    private static InstanceRow instance(Store store) {
        return store.instances().find(ARN).orElseThrow().value();
    }

    private static final String SERVICE_ARN = "arn:aws:ecs:us-east-1:000000000000:service/default/web";

    private static TaskRow serviceTask(long now, String digit) {
        String arn = "arn:aws:ecs:us-east-1:000000000000:task/default/" + digit.repeat(32);
        return new TaskRow(
                arn,
                "default",
                CLUSTER_ARN,
                "arn:aws:ecs:us-east-1:000000000000:task-definition/app:1",
                SERVICE_ARN,
                "ecs-svc/1",
                "ecs-svc/1",
                "service:web",
                ARN,
                "RUNNING",
                "RUNNING",
                List.of(new TaskRow.ContainerRow(
                        "app",
                        arn + "/app",
                        "repo:v1",
                        "repo:v1",
                        "sha256:" + "a".repeat(64),
                        "RUNNING",
                        null,
                        null,
                        "rt-" + digit,
                        true)),
                null,
                null,
                null,
                128,
                256,
                now,
                now,
                now,
                now,
                null,
                null,
                0);
    }

    private static TaskRow task(long now) {
        String arn = "arn:aws:ecs:us-east-1:000000000000:task/default/" + "2".repeat(32);
        return new TaskRow(
                arn,
                "default",
                CLUSTER_ARN,
                "arn:aws:ecs:us-east-1:000000000000:task-definition/app:1",
                null,
                null,
                null,
                "family:app",
                ARN,
                "RUNNING",
                "RUNNING",
                List.of(new TaskRow.ContainerRow(
                        "app",
                        arn + "/app",
                        "repo:v1",
                        "repo:v1",
                        "sha256:" + "a".repeat(64),
                        "RUNNING",
                        null,
                        null,
                        "rt-1",
                        true)),
                null,
                null,
                null,
                128,
                256,
                now,
                now,
                now,
                now,
                null,
                null,
                0);
    }
}
