package dev.ballast.agent.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.agent.Agent;
import dev.ballast.agent.ControlPlane;
import dev.ballast.agent.protocol.AgentProtocol;
import dev.ballast.agent.simulated.SimulatedRuntime;
import dev.ballast.api.auth.SigV4Signer;
import dev.ballast.model.AttachmentStatus;
import dev.ballast.model.EniAttachment;
import dev.ballast.registry.RegistryClient;
import dev.ballast.registry.RegistryConfig;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;
import dev.ballast.store.Versioned;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages.Format;
import dev.ballast.testing.TestServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * The awsvpc part of the agent protocol over the wire: a remote agent (the in-process remote client on the simulated
 * runtime) against a running server. The test gives a RunTask task an ENI attachment in the server's store, as the
 * launcher does for an awsvpc task; {@code PollTasks} carries it to the agent, and the agent's
 * {@code SubmitTaskStateChange} brings the address back, ATTACHED, then DELETED when the task stops.
 */
class RemoteAwsvpcIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String CLUSTER = "remote-awsvpc";

    private static RegistryFixture registry;
    private static TestServer server;
    private static EcsClient ecs;
    private static JsonApiClient client;
    private static RemoteTasks tasks;
    private static Agent agent;
    private static String instanceArn;

    @BeforeAll
    static void start() {
        registry = RegistryFixture.start();
        registry.images().push("demo/vpc:v1", Format.OCI, "remote awsvpc");
        server = TestServer.sqlite();
        ecs = server.client();
        ecs.createCluster(c -> c.clusterName(CLUSTER));
        client = new JsonApiClient(
                server.endpoint(),
                new SigV4Signer("test", "test", TestServer.ACCOUNT.region(), "ecs", Clock.systemUTC())::sign);
        SimulatedRuntime runtime = new SimulatedRuntime(
                "remote-awsvpc", new RegistryClient(RegistryConfig.defaults(), new SimpleMeterRegistry()));
        RemoteControlPlane controlPlane = new RemoteControlPlane(client, CLUSTER, refused -> {});
        instanceArn = controlPlane.register(new ControlPlane.Registration(
                CLUSTER, null, null, 4096, 8192, RemoteControlPlane.attributes(runtime.attributes()), "ballast-test"));
        tasks = controlPlane.tasks(instanceArn);
        agent = new Agent(instanceArn, tasks, runtime, new SimpleMeterRegistry(), Clock.systemUTC(), 2);
        ecs.registerTaskDefinition(r -> r.family("vpc")
                .containerDefinitions(
                        c -> c.name("app")
                                .image(registry.host() + "/demo/vpc:v1")
                                .memory(32),
                        c -> c.name("sidecar")
                                .image(registry.host() + "/demo/vpc:v1")
                                .memory(32)
                                .essential(false)));
    }

    @AfterAll
    static void stop() {
        if (agent != null) {
            agent.close();
        }
        if (ecs != null) {
            ecs.close();
        }
        if (server != null) {
            server.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void the_agent_gets_the_attachment_from_poll_tasks_and_reports_its_address_attached_then_deleted() {
        String a = awsvpcTask();
        String b = awsvpcTask();
        TaskRow runningA = settle(a, t -> t.launch().eni().status() == AttachmentStatus.ATTACHED);
        TaskRow runningB = settle(b, t -> t.launch().eni().status() == AttachmentStatus.ATTACHED);

        EniAttachment eniA = runningA.launch().eni();
        EniAttachment eniB = runningB.launch().eni();
        assertThat(runningA.lastStatus()).isEqualTo("RUNNING");
        assertThat(eniA.privateIPv4Address()).matches("10\\.[0-9.]+");
        assertThat(eniB.privateIPv4Address()).isNotEqualTo(eniA.privateIPv4Address());
        assertThat(eniA.macAddress()).startsWith("02:42:");
        assertThat(eniA.networkName())
                .as("the server's part of the attachment is the server's")
                .isEqualTo("ballast-vpc");
        assertThat(eniA.subnetId()).isEqualTo("subnet-remote");

        ecs.stopTask(r -> r.cluster(CLUSTER).task(a).reason("awsvpc test"));
        TaskRow stopped = settle(a, TaskRow::isStopped);
        assertThat(stopped.launch().eni().status()).isEqualTo(AttachmentStatus.DELETED);
        assertThat(stopped.launch().eni().privateIPv4Address()).isEqualTo(eniA.privateIPv4Address());
        ecs.stopTask(r -> r.cluster(CLUSTER).task(b).reason("awsvpc test"));
        settle(b, TaskRow::isStopped);
    }

    @Test
    void a_task_without_attachment_runs_as_before_and_polls_carry_no_launch() {
        String arn = ecs.runTask(r -> r.cluster(CLUSTER).taskDefinition("vpc"))
                .tasks()
                .get(0)
                .taskArn();
        ObjectNode in = AgentProtocol.mapper()
                .createObjectNode()
                .put("cluster", CLUSTER)
                .put("containerInstance", instanceArn)
                .put("waitSeconds", 0);
        var answer = client.call(AgentProtocol.EXTENSION_TARGET_PREFIX, "PollTasks", in);
        assertThat(answer.path("tasks").findValues("task").stream()
                        .filter(t -> t.path("arn").asText().equals(arn))
                        .toList())
                .singleElement()
                .satisfies(t -> assertThat(t.has("launch")).isFalse());
        TaskRow running = settle(arn, t -> t.lastStatus().equals("RUNNING"));
        assertThat(running.launch().eni()).isNull();
        ecs.stopTask(r -> r.cluster(CLUSTER).task(arn).reason("awsvpc test"));
        settle(arn, TaskRow::isStopped);
    }

    @Test
    void attachment_reports_that_are_not_what_they_say_are_refused_naming_the_member_and_change_nothing() {
        String arn = awsvpcTask();
        settle(arn, t -> t.launch().eni().status() == AttachmentStatus.ATTACHED);
        String id = row(arn).launch().eni().attachmentId();
        assertRefused(arn, attachment(id, "GLUED", null), "attachment status");
        assertRefused(arn, attachment(id, "ATTACHED", "10.0.0.300"), "privateIPv4Address");
        assertRefused(arn, attachment("no-such-attachment", "ATTACHED", null), "has no attachment");
        assertThat(row(arn).launch().eni().status()).isEqualTo(AttachmentStatus.ATTACHED);

        // an ARN ending in the id names it too; a status never moves backwards
        report(arn, attachment("arn:aws:ecs:us-east-1:123456789012:attachment/" + id, "PRECREATED", "10.9.9.9"));
        EniAttachment eni = row(arn).launch().eni();
        assertThat(eni.status()).isEqualTo(AttachmentStatus.ATTACHED);
        assertThat(eni.privateIPv4Address()).isEqualTo("10.9.9.9");
        ecs.stopTask(r -> r.cluster(CLUSTER).task(arn).reason("awsvpc test"));
        settle(arn, TaskRow::isStopped);
    }

    private static ObjectNode attachment(String id, String status, String address) {
        ObjectNode a = AgentProtocol.mapper()
                .createObjectNode()
                .put("attachmentArn", id)
                .put("status", status);
        if (address != null) {
            a.put("privateIPv4Address", address);
        }
        return a;
    }

    private static void assertRefused(String arn, ObjectNode attachment, String saying) {
        assertThatThrownBy(() -> report(arn, attachment)).isInstanceOfSatisfying(JsonApiClient.Failure.class, f -> {
            assertThat(f.status()).isEqualTo(400);
            assertThat(f.getMessage()).contains(saying);
        });
    }

    private static void report(String taskArn, ObjectNode attachment) {
        ObjectNode in = AgentProtocol.mapper()
                .createObjectNode()
                .put("cluster", CLUSTER)
                .put("task", taskArn);
        in.putArray("attachments").add(attachment);
        client.call(
                AgentProtocol.ECS_TARGET_PREFIX,
                "SubmitTaskStateChange",
                in,
                Map.of(AgentProtocol.INSTANCE_HEADER, instanceArn));
    }

    /** A RunTask task given an ENI attachment PRECREATED on {@code ballast-vpc}, as the launcher gives awsvpc tasks. */
    private static String awsvpcTask() {
        String arn = ecs.runTask(r -> r.cluster(CLUSTER).taskDefinition("vpc"))
                .tasks()
                .get(0)
                .taskArn();
        Store store = server.server().store();
        while (true) {
            Versioned<TaskRow> v = store.tasks().find(arn).orElseThrow();
            EniAttachment eni = new EniAttachment(
                    UUID.randomUUID().toString(),
                    AttachmentStatus.PRECREATED,
                    "eni-0123456789abcdef0",
                    "subnet-remote",
                    List.of("sg-remote"),
                    "ballast-vpc",
                    null,
                    null);
            if (store.tasks().update(v.value().withLaunch(v.value().launch().withEni(eni)), v.version())) {
                return arn;
            }
        }
    }

    private static TaskRow row(String arn) {
        return server.server().store().tasks().find(arn).orElseThrow().value();
    }

    /** Runs the agent (a poll and a pass) until the task satisfies {@code condition}; answers it then. */
    private static TaskRow settle(String arn, Predicate<TaskRow> condition) {
        Eventually.await(arn + " settles", WAIT, () -> {
            step();
            return condition.test(row(arn));
        });
        return row(arn);
    }

    private static synchronized void step() {
        try {
            tasks.poll(0);
            agent.reconcileOnce();
            agent.awaitPulls(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
