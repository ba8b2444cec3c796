package dev.ballast.agent;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ballast.agent.simulated.SimulatedRuntime;
import dev.ballast.api.StoreControlPlane;
import dev.ballast.core.Account;
import dev.ballast.image.Digest;
import dev.ballast.registry.RegistryClient;
import dev.ballast.registry.RegistryConfig;
import dev.ballast.store.InstanceRow;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages.Format;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Embedded agents: registration with stable ids, the start-up notice, and the loop driving tasks. */
class EmbeddedAgentsIT {

    @TempDir
    Path dir;

    @Test
    void registers_stable_simulated_instances_and_runs_their_tasks_until_closed() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger logger = (Logger) LoggerFactory.getLogger(EmbeddedAgents.class);
        ch.qos.logback.classic.Level level = logger.getLevel();
        logger.setLevel(ch.qos.logback.classic.Level.INFO);
        logger.addAppender(log);
        Account account = Account.defaults();
        // a long interval: only wake() makes the agents run a pass promptly
        EmbeddedAgents.Config config =
                new EmbeddedAgents.Config(account, "default", 3, 1024, 2048, Duration.ofMinutes(10), 4, "0.1.0");
        try (RegistryFixture registry = RegistryFixture.start();
                Store store = Store.openSqlite(dir, Clock.systemUTC())) {
            Digest d = registry.images().push("demo/embedded:v1", Format.OCI, "embedded");
            RegistryClient client = new RegistryClient(RegistryConfig.defaults(), new SimpleMeterRegistry());
            List<String> arns;
            try (EmbeddedAgents agents = EmbeddedAgents.start(
                    config,
                    new StoreControlPlane(store, account, Clock.systemUTC()),
                    arn -> new SimulatedRuntime(arn, client),
                    new SimpleMeterRegistry(),
                    Clock.systemUTC())) {
                arns = agents.agents().stream().map(Agent::instanceArn).toList();
                assertThat(arns)
                        .hasSize(3)
                        .doesNotHaveDuplicates()
                        .allSatisfy(arn -> assertThat(arn)
                                .matches("arn:aws:ecs:us-east-1:000000000000:container-instance/default/[0-9a-f]{32}"));
                List<InstanceRow> rows = store.instances().active("default");
                assertThat(rows).extracting(InstanceRow::arn).containsExactlyInAnyOrderElementsOf(arns);
                assertThat(rows).allSatisfy(r -> {
                    assertThat(r.cpu()).isEqualTo(1024);
                    assertThat(r.memory()).isEqualTo(2048);
                    assertThat(r.agentConnected()).isTrue();
                    assertThat(r.agentVersion()).isEqualTo("ballast-0.1.0");
                    assertThat(r.clusterArn()).isEqualTo(account.clusterArn("default"));
                    assertThat(r.attributes())
                            .containsAllEntriesOf(Map.of(
                                    "ballast.runtime",
                                    "simulated",
                                    "ecs.os-type",
                                    "linux",
                                    "ecs.cpu-architecture",
                                    "x86_64"));
                });
                assertThat(log.list)
                        .extracting(ILoggingEvent::getFormattedMessage)
                        .contains("agent runtime=simulated instance=" + arns.get(0)
                                + " cluster=default cpu=1024 memory_mib=2048"
                                + " — containers are not run; images are fetched and verified only");

                TaskRow placed = new Tasks(store).place(arns.get(1), registry.host() + "/demo/embedded:v1@" + d);
                agents.wake();
                awaitStatus(store, placed, "RUNNING");
                assertThat(store.tasks()
                                .find(placed.arn())
                                .orElseThrow()
                                .value()
                                .containers()
                                .get(0)
                                .imageDigest())
                        .isEqualTo(d.toString());
            }
            // a restart registers the same instances again, not new ones
            try (EmbeddedAgents again = EmbeddedAgents.start(
                    config,
                    new StoreControlPlane(store, account, Clock.systemUTC()),
                    arn -> new SimulatedRuntime(arn, client),
                    new SimpleMeterRegistry(),
                    Clock.systemUTC())) {
                assertThat(again.agents()).extracting(Agent::instanceArn).containsExactlyElementsOf(arns);
                assertThat(store.instances().active("default")).hasSize(3);
            }
        } finally {
            logger.detachAppender(log);
            logger.setLevel(level);
        }
    }

    @Test
    void instance_arns_are_a_function_of_cluster_and_index() {
        Account a = Account.defaults();
        assertThat(EmbeddedAgents.instanceArn(a, "default", 0))
                .isEqualTo(EmbeddedAgents.instanceArn(a, "default", 0))
                .isNotEqualTo(EmbeddedAgents.instanceArn(a, "default", 1))
                .isNotEqualTo(EmbeddedAgents.instanceArn(a, "other", 0));
    }

    /** Waits for the agents' own loop (woken, not timed) to move the task; fails after 20 s. */
    private static void awaitStatus(Store store, TaskRow task, String status) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            last = store.tasks().find(task.arn()).orElseThrow().value().lastStatus();
            if (last.equals(status)) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("task " + task.arn() + " is " + last + ", not " + status + ", after 20 s");
    }
}
