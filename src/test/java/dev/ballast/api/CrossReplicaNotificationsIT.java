package dev.ballast.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.store.Change;
import dev.ballast.store.Changes;
import dev.ballast.store.Store;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.PostgresFixture;
import dev.ballast.testing.RawClient;
import dev.ballast.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Two servers on one PostgreSQL database: an agent long-polls replica one, RunTask goes to replica two, and the
 * poll answers with the task — carried by LISTEN/NOTIFY — also after the listening connections were killed.
 */
class CrossReplicaNotificationsIT {
    @Test
    void aTaskRunOnOneReplicaWakesAPollOnTheOtherAlsoAfterTheListeningConnectionIsKilled() throws Exception {
        String db = PostgresFixture.newDatabase();
        try (TestServer one = TestServer.start(db, IdleAgentsIT::config);
                TestServer two = TestServer.start(db, IdleAgentsIT::config);
                ExecutorService polls = Executors.newVirtualThreadPerTaskExecutor()) {
            RawClient r1 = RawClient.forServer(one);
            RawClient r2 = RawClient.forServer(two);
            IdleAgent.prepare(r1, "cross", "cross-app");
            IdleAgent agent = IdleAgent.register(r1, "cross");
            Store s1 = one.server().store();
            Store s2 = two.server().store();
            Eventually.await(
                    "both replicas listen",
                    Duration.ofSeconds(10),
                    () -> s1.changes().reliable() && s2.changes().reliable());
            List<Change> fromReplicaTwo = new CopyOnWriteArrayList<>();
            s1.changes().subscribe((change, fromThisServer) -> {
                if (!fromThisServer) {
                    fromReplicaTwo.add(change);
                }
            });
            assertThat(agent.poll(r1, 0).path("tasks")).isEmpty();

            String first = runWhilePolling(polls, agent, r1, s1, () -> IdleAgent.runTask(r2, "cross", "cross-app"), 1);
            assertThat(fromReplicaTwo).contains(Change.instanceTasks(agent.instanceArn()));
            WireFormatGoldenIT.ok(
                    "SubmitTaskStateChange",
                    r1.request("""
                    {"cluster": "cross", "task": "%s", "status": "RUNNING",
                     "containers": [{"containerName": "app", "status": "RUNNING"}]}""".formatted(first))
                            .operation("SubmitTaskStateChange")
                            .header("X-Ballast-Container-Instance", agent.instanceArn())
                            .send());

            assertThat(killListeningConnections(db)).isEqualTo(2);
            Eventually.await(
                    "both replicas listen again",
                    Duration.ofSeconds(30),
                    () -> s1.notificationConnects() == 2
                            && s2.notificationConnects() == 2
                            && s1.changes().reliable()
                            && s2.changes().reliable());
            fromReplicaTwo.clear();
            String second = runWhilePolling(polls, agent, r1, s1, () -> IdleAgent.runTask(r2, "cross", "cross-app"), 2);
            assertThat(second).isNotEqualTo(first);
            assertThat(fromReplicaTwo).contains(Change.instanceTasks(agent.instanceArn()));
        }
    }

    /**
     * Starts a 20-second poll on replica one, waits until it waits, runs {@code write} (a RunTask on replica two)
     * and answers the new task's ARN, checking that the poll answered {@code expected} tasks including it. The
     * poll read its tasks before it waited: had its wait run out it would answer that read, without the new task.
     */
    private static String runWhilePolling(
            ExecutorService polls, IdleAgent agent, RawClient r1, Store s1, Supplier<String> write, int expected)
            throws Exception {
        CompletableFuture<JsonNode> answer =
                CompletableFuture.supplyAsync(() -> agent.poll(r1, IdleAgentsIT.WAIT_SECONDS), polls);
        Eventually.await(
                "the poll waits",
                Duration.ofSeconds(10),
                () -> s1.changes().waiting(Change.instanceTasks(agent.instanceArn())));
        String task = write.get();
        JsonNode tasks =
                answer.get(IdleAgentsIT.WAIT_SECONDS + 10, TimeUnit.SECONDS).path("tasks");
        assertThat(tasks).hasSize(expected);
        assertThat(tasks.findValuesAsText("arn")).contains(task);
        return task;
    }

    /** Terminates every replica's listening connection to {@code db}; how many there were. */
    private static int killListeningConnections(String db) throws Exception {
        try (Connection c = DriverManager.getConnection(db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity" + " WHERE application_name = '"
                                + Changes.CONNECTION_NAME + "' AND datname = current_database()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
