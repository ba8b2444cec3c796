package dev.ballast.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.schedule.InstanceHealth;
import dev.ballast.store.InstanceRow;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;
import dev.ballast.testing.MutableClock;
import dev.ballast.testing.PostgresFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The instance-health monitor sharded over two replicas on one PostgreSQL database: two stores (each with its own
 * in-memory heartbeats, as two server processes have) and two {@link ShardOwnership}s ticked by hand on a clock moved
 * by hand. Each replica judges only the instances of its shards; an agent that polls only replica A is never
 * disconnected by replica B, which judges it from the heartbeats A flushes; when B stops renewing, A takes its
 * instances over.
 */
class ShardedInstanceHealthIT {
    private static final Duration TTL = Duration.ofSeconds(6);
    private static final InstanceHealth.Settings SETTINGS =
            new InstanceHealth.Settings(Duration.ofSeconds(30), Duration.ofSeconds(60));
    /** What the server uses as its heartbeat flush period and longest poll wait. */
    private static final long THIRD = SETTINGS.reportingPeriod().toSeconds();

    private static final String CLUSTER_ARN = "arn:aws:ecs:us-east-1:000000000000:cluster/default";
    private static final int INSTANCES = 12;
    private static final List<String> ARNS = IntStream.range(0, INSTANCES)
            .mapToObj(n ->
                    "arn:aws:ecs:us-east-1:000000000000:container-instance/default/" + "%032x".formatted(n * 7919L))
            .toList();

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T00:00:00Z"));

    /** One replica: its own store (and heartbeats), shard ownership and health monitor. */
    private record Replica(Store store, ShardOwnership shards, InstanceHealth health, SimpleMeterRegistry meters)
            implements AutoCloseable {
        static Replica open(String url, String name, MutableClock clock) {
            Store store = Store.openPostgres(url, clock);
            ShardOwnership shards = new ShardOwnership(store, name + "/1", name, clock, TTL);
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            return new Replica(store, shards, new InstanceHealth(store, clock, SETTINGS, meters, shards), meters);
        }

        double disconnects() {
            return meters.get("ballast.agents.disconnects").counter().count();
        }

        double stops() {
            return meters.get("ballast.tasks.infrastructure.stopped").counter().count();
        }

        long owned() {
            return ARNS.stream().filter(shards::owns).count();
        }

        @Override
        public void close() {
            store.close();
        }
    }

    @Test
    void anAgentPollingReplicaAIsNeverDisconnectedByReplicaBJudgingIt() {
        String url = PostgresFixture.newDatabase();
        try (Replica a = Replica.open(url, "a", clock);
                Replica b = Replica.open(url, "b", clock)) {
            setUp(a.store());
            tick(a, b);
            tick(a, b);
            assertThat(b.owned())
                    .as("b judges some of the instances, whose agents poll only a")
                    .isPositive();
            assertThat(a.owned() + b.owned()).isEqualTo(INSTANCES);
            // three minutes: every agent polls a at the start of each longest poll wait; a flushes its heartbeats
            // every flush period, each time just before the agents' next polls (the oldest the store can be)
            for (long t = 1; t <= 180; t++) {
                clock.advance(Duration.ofSeconds(1));
                if (t % THIRD == 0) {
                    a.store().heartbeats().flush();
                    for (String arn : ARNS) {
                        boolean connected = a.store()
                                .instances()
                                .find(arn)
                                .orElseThrow()
                                .value()
                                .agentConnected();
                        a.store().heartbeats().record(arn, clock.millis(), connected);
                    }
                }
                if (t % 2 == 0) {
                    tick(a, b);
                }
                // b first: a's own pass writes the heartbeats it holds that a check would misjudge (flushBefore)
                b.health().passOnce();
                a.health().passOnce();
            }
            assertThat(b.disconnects() + a.disconnects())
                    .as("no live agent judged disconnected")
                    .isZero();
            assertThat(ARNS)
                    .allSatisfy(arn -> assertThat(b.store()
                                    .instances()
                                    .find(arn)
                                    .orElseThrow()
                                    .value()
                                    .agentConnected())
                            .isTrue());
            assertThat(running(b.store())).isEqualTo(INSTANCES);
        }
    }

    @Test
    void eachInstanceIsJudgedByExactlyOneReplicaAndASilentReplicasInstancesAreTakenOver() {
        String url = PostgresFixture.newDatabase();
        try (Replica a = Replica.open(url, "a", clock);
                Replica b = Replica.open(url, "b", clock)) {
            setUp(a.store());
            tick(a, b);
            tick(a, b);
            long ofA = a.owned();
            long ofB = b.owned();
            assertThat(ofA).isPositive();
            assertThat(ofB).isPositive();

            // every agent goes silent: past disconnect-after each replica disconnects exactly its own instances
            for (int s = 0; s < 16; s++) {
                clock.advance(Duration.ofSeconds(2));
                tick(a, b);
                a.health().passOnce();
                b.health().passOnce();
            }
            assertThat(a.disconnects()).isEqualTo(ofA);
            assertThat(b.disconnects()).isEqualTo(ofB);
            assertThat(ARNS)
                    .allSatisfy(arn -> assertThat(a.store()
                                    .instances()
                                    .find(arn)
                                    .orElseThrow()
                                    .value()
                                    .agentConnected())
                            .isFalse());
            assertThat(a.stops() + b.stops())
                    .as("no task stopped before the task timeout")
                    .isZero();

            // b stops renewing (killed): a takes its shards once b's lease is over, then stops every instance's tasks
            for (int s = 0; s < 16; s++) {
                clock.advance(Duration.ofSeconds(2));
                a.shards().tick();
                a.health().passOnce();
                b.health().passOnce();
            }
            assertThat(a.owned()).isEqualTo(INSTANCES);
            assertThat(b.owned()).isZero();
            assertThat(a.stops()).as("a stopped the tasks of b's instances too").isEqualTo(INSTANCES);
            assertThat(b.stops()).isZero();
            assertThat(running(a.store())).isZero();
        }
    }

    private static long running(Store store) {
        return ARNS.stream()
                .flatMap(arn -> store.tasks().forInstance(arn).stream())
                .filter(t -> !t.value().isStopped())
                .count();
    }

    private static void tick(Replica a, Replica b) {
        a.shards().tick();
        b.shards().tick();
    }

    private void setUp(Store store) {
        store.clusters().createOrGet("default", CLUSTER_ARN, "{\"settings\":[]}", List.of());
        for (int n = 0; n < INSTANCES; n++) {
            String arn = ARNS.get(n);
            store.instances()
                    .insert(new InstanceRow(
                            arn,
                            "default",
                            CLUSTER_ARN,
                            "i-" + n,
                            "ACTIVE",
                            true,
                            1024,
                            1024,
                            Map.of(),
                            "test",
                            clock.millis()));
            store.tasks().insertAll(List.of(task(arn, n, clock.millis())));
        }
    }

    private static TaskRow task(String instanceArn, int n, long now) {
        String arn = "arn:aws:ecs:us-east-1:000000000000:task/default/" + "%032x".formatted(n + 1);
        return new TaskRow(
                arn,
                "default",
                CLUSTER_ARN,
                "arn:aws:ecs:us-east-1:000000000000:task-definition/app:1",
                null,
                null,
                null,
                "family:app",
                instanceArn,
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
