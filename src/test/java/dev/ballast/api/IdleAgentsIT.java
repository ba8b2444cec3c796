package dev.ballast.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.cli.ServerConfig;
import dev.ballast.schedule.InstanceHealth;
import dev.ballast.store.Change;
import dev.ballast.store.Store;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.PostgresFixture;
import dev.ballast.testing.RawClient;
import dev.ballast.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Issue 10's acceptance for idle agents, on PostgreSQL: {@value #AGENTS} remote agents long-polling an idle cluster
 * cost the server at most one database query per agent per heartbeat interval, and a task assigned to one of
 * them reaches it by a change notification, not when its poll's wait runs out.
 *
 * <p>The server's own loops (controllers every 250 ms, the shard lease, instance health) query the store
 * whatever the agents do; so a twin server with the same configuration and no agents runs alongside, and the
 * agents' cost is the difference of the two servers' {@code ballast_db_queries_total} over the same window.
 * The window is {@value #INTERVALS} heartbeat intervals of {@value #WAIT_SECONDS} s (the suite's bound; the
 * 60-second figure is in docs/benchmarks.md, made by bench/idle-agents).
 */
class IdleAgentsIT {
    static final int AGENTS = 100;
    static final int WAIT_SECONDS = 20;
    static final int INTERVALS = 2;

    /** A heartbeat interval (the poll's longest wait) of {@value #WAIT_SECONDS} s: agents disconnect after 3 of them. */
    static ServerConfig.Builder config(ServerConfig.Builder c) {
        return c.simulatedInstances(0)
                .agentHealth(new InstanceHealth.Settings(
                        Duration.ofSeconds(3L * WAIT_SECONDS), Duration.ofSeconds(6L * WAIT_SECONDS)));
    }

    @Test
    void idleAgentsCostAtMostOneQueryPerAgentPerHeartbeatIntervalAndAnAssignedTaskWakesItsPoll() throws Exception {
        try (TestServer server = TestServer.start(PostgresFixture.newDatabase(), IdleAgentsIT::config);
                TestServer twin = TestServer.start(PostgresFixture.newDatabase(), IdleAgentsIT::config);
                ExecutorService loops = Executors.newVirtualThreadPerTaskExecutor()) {
            RawClient raw = RawClient.forServer(server);
            IdleAgent.prepare(raw, "idle", "idle-app");
            IdleAgent.prepare(RawClient.forServer(twin), "idle", "idle-app");
            List<IdleAgent> agents = new ArrayList<>();
            for (int i = 0; i < AGENTS; i++) {
                agents.add(IdleAgent.register(raw, "idle"));
            }
            Store store = server.server().store();
            Eventually.await(
                    "the notification connection listens",
                    Duration.ofSeconds(10),
                    () -> store.changes().reliable());
            for (IdleAgent a : agents) {
                JsonNode first = a.poll(raw, 0); // warm: each agent's first poll reads its instance and tasks
                assertThat(first.path("tasks")).isEmpty();
                assertThat(first.path("heartbeatIntervalSeconds").asInt()).isEqualTo(WAIT_SECONDS);
            }
            AtomicBoolean running = new AtomicBoolean(true);
            for (IdleAgent a : agents) {
                loops.submit(() -> {
                    while (running.get()) {
                        try {
                            a.poll(raw, WAIT_SECONDS);
                        } catch (RuntimeException | AssertionError e) {
                            return; // the server closed under an in-flight poll
                        }
                    }
                });
            }
            Eventually.await(
                    "every agent waits in a poll",
                    Duration.ofSeconds(30),
                    () -> agents.stream()
                            .allMatch(a -> store.changes().waiting(Change.instanceTasks(a.instanceArn()))));

            long agentsBefore = store.queries();
            long twinBefore = twin.server().store().queries();
            Thread.sleep(Duration.ofSeconds((long) INTERVALS * WAIT_SECONDS)); // real time is what is measured here
            long agentsQueries = store.queries() - agentsBefore;
            long twinQueries = twin.server().store().queries() - twinBefore;
            double perAgentPerInterval = (double) (agentsQueries - twinQueries) / AGENTS / INTERVALS;
            System.out.printf(
                    "idle agents: %d queries with %d agents, %d without, over %d heartbeat intervals: %.3f queries"
                            + " per agent per interval%n",
                    agentsQueries, AGENTS, twinQueries, INTERVALS, perAgentPerInterval);
            assertThat(perAgentPerInterval).isLessThanOrEqualTo(1.0);

            // a task for one idle agent: its poll, already waiting up to 20 s, answers with it
            IdleAgent.prepare(raw, "pickup", "pickup-app");
            IdleAgent picker = IdleAgent.register(raw, "pickup");
            assertThat(picker.poll(raw, 0).path("tasks")).isEmpty();
            CompletableFuture<JsonNode> answer =
                    CompletableFuture.supplyAsync(() -> picker.poll(raw, WAIT_SECONDS), loops);
            Eventually.await(
                    "the poll waits",
                    Duration.ofSeconds(10),
                    () -> store.changes().waiting(Change.instanceTasks(picker.instanceArn())));
            String task = IdleAgent.runTask(raw, "pickup", "pickup-app");
            // the poll read no task before it waited; had its wait run out it would answer that read: with the task
            // in the answer, the notification woke it (and the store's notifications were reliable all along)
            JsonNode tasks = answer.get(WAIT_SECONDS + 10, TimeUnit.SECONDS).path("tasks");
            assertThat(tasks).hasSize(1);
            assertThat(tasks.get(0).path("task").path("arn").asText()).isEqualTo(task);
            assertThat(store.notificationConnects()).isEqualTo(1);

            assertThat(raw.get("/metrics").text()).contains("ballast_db_queries_total");
            running.set(false);
        }
    }
}
