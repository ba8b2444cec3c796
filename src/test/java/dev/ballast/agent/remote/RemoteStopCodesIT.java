package dev.ballast.agent.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.agent.Agent;
import dev.ballast.agent.AgentContainer;
import dev.ballast.agent.AgentTask;
import dev.ballast.agent.CheckResult;
import dev.ballast.agent.ContainerRuntime;
import dev.ballast.agent.ControlPlane;
import dev.ballast.agent.ExitStatus;
import dev.ballast.agent.PullResult;
import dev.ballast.agent.StartFailedException;
import dev.ballast.agent.protocol.AgentProtocol;
import dev.ballast.agent.simulated.SimulatedRuntime;
import dev.ballast.api.auth.SigV4Signer;
import dev.ballast.registry.Credential;
import dev.ballast.registry.RegistryClient;
import dev.ballast.registry.RegistryConfig;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages.Format;
import dev.ballast.testing.TestServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * A remote agent (the in-process remote client: {@link RemoteControlPlane}, {@link RemoteTasks} and an {@link Agent}
 * on the simulated runtime) against a running server: a task ends with each stop code the agent or the server
 * produces, and DescribeTasks shows the agent's code as it sent it, never one derived from the reason's text.
 */
class RemoteStopCodesIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String CLUSTER = "remote";

    private static RegistryFixture registry;
    private static TestServer server;
    private static EcsClient ecs;
    private static JsonApiClient client;
    private static ScriptedRuntime runtime;
    private static RemoteTasks tasks;
    private static Agent agent;
    private static String instanceArn;

    @BeforeAll
    static void start() {
        registry = RegistryFixture.start();
        registry.images().push("demo/stops:v1", Format.OCI, "remote stop codes");
        server = TestServer.sqlite();
        ecs = server.client();
        ecs.createCluster(c -> c.clusterName(CLUSTER));
        client = new JsonApiClient(
                server.endpoint(),
                new SigV4Signer("test", "test", TestServer.ACCOUNT.region(), "ecs", Clock.systemUTC())::sign);
        RegistryClient registryClient = new RegistryClient(RegistryConfig.defaults(), new SimpleMeterRegistry());
        runtime = new ScriptedRuntime(new SimulatedRuntime("remote-stop-codes", registryClient));
        RemoteControlPlane controlPlane = new RemoteControlPlane(client, CLUSTER, refused -> {});
        instanceArn = controlPlane.register(new ControlPlane.Registration(
                CLUSTER, null, null, 4096, 8192, RemoteControlPlane.attributes(runtime.attributes()), "ballast-test"));
        tasks = controlPlane.tasks(instanceArn);
        agent = new Agent(instanceArn, tasks, runtime, new SimpleMeterRegistry(), Clock.systemUTC(), 2);
        ecs.registerTaskDefinition(
                r -> r.family("stops").containerDefinitions(container("app", true), container("sidecar", false)));
        ecs.registerTaskDefinition(r -> r.family("unstartable").containerDefinitions(container("broken", true)));
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

    private static ContainerDefinition container(String name, boolean essential) {
        return ContainerDefinition.builder()
                .name(name)
                .image(registry.host() + "/demo/stops:v1")
                .memory(32)
                .essential(essential)
                .build();
    }

    @Test
    void an_essential_container_that_exits_stops_the_task_with_essential_container_exited() {
        String arn = runTask("stops");
        Task running = settle(arn, t -> "RUNNING".equals(t.lastStatus()));
        String app = running.containers().stream()
                .filter(c -> c.name().equals("app"))
                .findFirst()
                .orElseThrow()
                .runtimeId();
        runtime.exit(app, 3);
        Task stopped = settle(arn, t -> "STOPPED".equals(t.lastStatus()));
        assertThat(stopped.stopCodeAsString()).isEqualTo("EssentialContainerExited");
        assertThat(stopped.stoppedReason()).isEqualTo(Agent.ESSENTIAL_EXITED_REASON);
    }

    @Test
    void an_essential_container_the_engine_refuses_stops_the_task_with_task_failed_to_start() {
        String arn = runTask("unstartable");
        Task stopped = settle(arn, t -> "STOPPED".equals(t.lastStatus()));
        assertThat(stopped.stopCodeAsString()).isEqualTo("TaskFailedToStart");
        assertThat(stopped.stoppedReason()).startsWith("CannotStartContainerError");
    }

    @Test
    void a_task_stopped_by_the_user_keeps_the_servers_user_initiated() {
        String arn = runTask("stops");
        settle(arn, t -> "RUNNING".equals(t.lastStatus()));
        ecs.stopTask(r -> r.cluster(CLUSTER).task(arn).reason("stop codes test"));
        Task stopped = settle(arn, t -> "STOPPED".equals(t.lastStatus()));
        assertThat(stopped.stopCodeAsString()).isEqualTo("UserInitiated");
        assertThat(stopped.stoppedReason()).isEqualTo("stop codes test");
    }

    @Test
    void a_task_the_service_scheduler_stops_keeps_service_scheduler_initiated() {
        ecs.createService(r ->
                r.cluster(CLUSTER).serviceName("stops").taskDefinition("stops").desiredCount(1));
        Eventually.await("the service's task RUNNING", WAIT, () -> {
            step();
            return ecs.listTasks(r -> r.cluster(CLUSTER).serviceName("stops")).taskArns().stream()
                    .anyMatch(a -> "RUNNING".equals(describe(a).lastStatus()));
        });
        String arn = ecs.listTasks(r -> r.cluster(CLUSTER).serviceName("stops"))
                .taskArns()
                .get(0);
        ecs.updateService(r -> r.cluster(CLUSTER).service("stops").desiredCount(0));
        Task stopped = settle(arn, t -> "STOPPED".equals(t.lastStatus()));
        assertThat(stopped.stopCodeAsString()).isEqualTo("ServiceSchedulerInitiated");
    }

    @Test
    void the_server_records_the_reports_stop_code_whatever_its_reason_says() {
        String arn = runTask("stops");
        settle(arn, t -> "RUNNING".equals(t.lastStatus()));
        // the reason's text says an essential container exited; the code says the task failed to start
        report(arn, Agent.ESSENTIAL_EXITED_REASON, "TaskFailedToStart");
        Task stopped = describe(arn);
        assertThat(stopped.lastStatus()).isEqualTo("STOPPED");
        assertThat(stopped.stopCodeAsString()).isEqualTo("TaskFailedToStart");
        assertThat(stopped.stoppedReason()).isEqualTo(Agent.ESSENTIAL_EXITED_REASON);
    }

    @Test
    void a_report_without_stop_code_from_an_older_agent_gets_the_state_based_code_not_one_read_from_its_reason() {
        String arn = runTask("stops");
        settle(arn, t -> "RUNNING".equals(t.lastStatus()));
        // a task that ran: EssentialContainerExited, although the reason's text speaks of a failed start
        report(arn, "CannotStartContainerError: an older agent's words", null);
        assertThat(describe(arn).stopCodeAsString()).isEqualTo("EssentialContainerExited");
    }

    @Test
    void a_stop_code_ecs_does_not_define_is_refused() {
        String arn = runTask("stops");
        settle(arn, t -> "RUNNING".equals(t.lastStatus()));
        assertThatThrownBy(() -> report(arn, "no such code", "ContainerGotBored"))
                .isInstanceOfSatisfying(JsonApiClient.Failure.class, f -> {
                    assertThat(f.status()).isEqualTo(400);
                    assertThat(f.getMessage()).contains("stopCode");
                });
        assertThat(describe(arn).lastStatus()).isEqualTo("RUNNING");
    }

    /** A SubmitTaskStateChange that stops the task, as this instance's agent, with the given reason and stop code. */
    private static void report(String taskArn, String reason, String stopCode) {
        ObjectNode in = AgentProtocol.mapper()
                .createObjectNode()
                .put("cluster", CLUSTER)
                .put("task", taskArn)
                .put("status", "STOPPED")
                .put("reason", reason);
        if (stopCode != null) {
            in.put("stopCode", stopCode);
        }
        client.call(
                AgentProtocol.ECS_TARGET_PREFIX,
                "SubmitTaskStateChange",
                in,
                Map.of(AgentProtocol.INSTANCE_HEADER, instanceArn));
    }

    private static String runTask(String family) {
        return ecs.runTask(r -> r.cluster(CLUSTER).taskDefinition(family))
                .tasks()
                .get(0)
                .taskArn();
    }

    private static Task describe(String arn) {
        return ecs.describeTasks(r -> r.cluster(CLUSTER).tasks(arn)).tasks().get(0);
    }

    /** Runs the agent (a poll and a pass) until the task satisfies {@code condition}; answers it then. */
    private static Task settle(String arn, Predicate<Task> condition) {
        Eventually.await(arn + " settles", WAIT, () -> {
            step();
            return condition.test(describe(arn));
        });
        return describe(arn);
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

    /**
     * The simulated runtime, plus what a real engine does on its own: a container exits when the test says so, and
     * the engine refuses to start any container named {@code broken}.
     */
    static final class ScriptedRuntime implements ContainerRuntime {
        private final SimulatedRuntime delegate;
        private final Map<String, ExitStatus> exited = new ConcurrentHashMap<>();

        ScriptedRuntime(SimulatedRuntime delegate) {
            this.delegate = delegate;
        }

        void exit(String runtimeId, int code) {
            exited.put(runtimeId, new ExitStatus(code, "exited on its own (test)"));
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public String description() {
            return delegate.description();
        }

        @Override
        public Map<String, String> attributes() {
            return delegate.attributes();
        }

        @Override
        public PullResult pull(String launchImage, Optional<Credential> credentials) {
            return delegate.pull(launchImage, credentials);
        }

        @Override
        public String start(AgentTask task, AgentContainer container) {
            assertThat(task.taskDefinition().containers())
                    .as("the task carries its definition")
                    .anyMatch(c -> c.name().equals(container.name()));
            if (container.name().equals("broken")) {
                throw new StartFailedException(
                        "CannotStartContainerError", "the test's engine refuses " + container.name(), null);
            }
            return delegate.start(task, container);
        }

        @Override
        public void stop(String runtimeId, Duration timeout) {
            delegate.stop(runtimeId, timeout);
        }

        @Override
        public Optional<ExitStatus> status(String runtimeId) {
            ExitStatus e = exited.get(runtimeId);
            return e != null ? Optional.of(e) : delegate.status(runtimeId);
        }

        @Override
        public CheckResult runCheck(String runtimeId, List<String> command, Duration timeout) {
            return delegate.runCheck(runtimeId, command, timeout);
        }
    }
}
