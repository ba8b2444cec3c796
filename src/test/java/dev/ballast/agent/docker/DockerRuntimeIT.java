package dev.ballast.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.Ports;
import dev.ballast.agent.AgentContainer;
import dev.ballast.agent.AgentTask;
import dev.ballast.agent.CheckResult;
import dev.ballast.agent.ExitStatus;
import dev.ballast.agent.PullFailedException;
import dev.ballast.agent.PullResult;
import dev.ballast.image.Digest;
import dev.ballast.registry.RegistryClient;
import dev.ballast.registry.RegistryConfig;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.PodmanFixture;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages.Format;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link DockerRuntime} against a real CNCF registry and a real Podman engine (runc) over its Docker API. */
class DockerRuntimeIT {

    static final String INSTANCE = DockerTasks.ACCOUNT_PREFIX + "container-instance/default/docker-it";

    static RegistryFixture registry;
    static PodmanFixture podman;
    static DockerRuntime runtime;
    static DockerClient docker;
    static Digest v1;
    static final Map<String, String> taskDefinitions = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        registry = RegistryFixture.start();
        podman = PodmanFixture.start(registry.host());
        v1 = registry.images().pushRunnable("demo/app:v1", Format.OCI, "app-v1");
        RegistryClient client = new RegistryClient(RegistryConfig.defaults(), new SimpleMeterRegistry());
        runtime = DockerRuntime.connect(podman.dockerHost(), client, r -> Optional.empty());
        docker = runtime.engine();
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
        if (podman != null) {
            podman.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    static String image(String repo) {
        return registry.host() + "/" + repo;
    }

    /** Registers a one-container task definition and returns a task of it, pulled and ready to start. */
    static AgentTask pulledTask(String launchImage, String containerJson) {
        String tdArn = DockerTasks.ACCOUNT_PREFIX + "task-definition/it-" + taskDefinitions.size() + ":1";
        String doc = DockerTasks.taskDefinition("it", containerJson);
        taskDefinitions.put(tdArn, doc);
        PullResult pulled = runtime.pull(launchImage, Optional.empty());
        return DockerTasks.agentTask(
                tdArn, doc, INSTANCE, "app", launchImage, pulled.digest().toString());
    }

    static String logs(String id) throws InterruptedException {
        StringBuilder out = new StringBuilder();
        docker.logContainerCmd(id)
                .withStdOut(true)
                .withStdErr(true)
                .exec(new ResultCallback.Adapter<Frame>() {
                    @Override
                    public void onNext(Frame frame) {
                        synchronized (out) {
                            out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                        }
                    }
                })
                .awaitCompletion(20, TimeUnit.SECONDS);
        synchronized (out) {
            return out.toString();
        }
    }

    @Test
    void a_pinned_image_is_pulled_by_digest_tagged_and_run_from_the_digest_reference_with_its_output_in_the_logs()
            throws Exception {
        String launch = image("demo/app:v1@" + v1);
        PullResult pulled = runtime.pull(launch, Optional.empty());
        assertThat(pulled.digest()).isEqualTo(v1);
        assertThat(docker.inspectImageCmd(image("demo/app:v1")).exec().getId())
                .as("the original tag exists in the engine")
                .isEqualTo(
                        docker.inspectImageCmd(image("demo/app@" + v1)).exec().getId());

        AgentTask task = pulledTask(launch, "{\"name\":\"app\",\"image\":\"" + image("demo/app:v1") + "\"}");
        AgentContainer c = task.containers().get(0);
        String id = runtime.start(task, c);

        InspectContainerResponse inspect = docker.inspectContainerCmd(id).exec();
        assertThat(inspect.getConfig().getImage()).isEqualTo(image("demo/app@" + v1));
        assertThat(inspect.getConfig().getLabels())
                .containsEntry(DockerRuntime.LABEL_CLUSTER, "default")
                .containsEntry(DockerRuntime.LABEL_TASK_ARN, task.arn())
                .containsEntry(DockerRuntime.LABEL_CONTAINER_NAME, "app")
                .containsEntry(DockerRuntime.LABEL_CONTAINER_ARN, c.containerArn());
        Eventually.await(
                "the image's output in the container's logs",
                Duration.ofSeconds(20),
                () -> uncheckedLogs(id).contains("app-v1"));
        assertThat(runtime.status(id)).isEmpty();
        assertThat(runtime.pull(launch, Optional.empty()).cached()).isTrue();
    }

    @Test
    void the_container_definition_sets_command_environment_directory_ports_memory_and_cpu() throws Exception {
        AgentTask task = pulledTask(image("demo/app:v1@" + v1), """
                {"name":"app","image":"x","cpu":128,"memory":64,"memoryReservation":32,
                 "entryPoint":["/bin/sh","-c"],"command":["echo env=$GREETING; pwd; sleep 3600"],
                 "environment":[{"name":"GREETING","value":"hello"}],"workingDirectory":"/etc",
                 "portMappings":[{"containerPort":8080,"hostPort":0,"protocol":"tcp"}]}""");
        String id = runtime.start(task, task.containers().get(0));

        InspectContainerResponse inspect = docker.inspectContainerCmd(id).exec();
        assertThat(inspect.getHostConfig().getMemory()).isEqualTo(64L * 1024 * 1024);
        assertThat(inspect.getHostConfig().getMemoryReservation()).isEqualTo(32L * 1024 * 1024);
        assertThat(inspect.getHostConfig().getCpuShares()).isEqualTo(128);
        assertThat(inspect.getConfig().getEnv()).contains("GREETING=hello");
        assertThat(inspect.getConfig().getWorkingDir()).isEqualTo("/etc");
        Ports.Binding[] bindings =
                inspect.getHostConfig().getPortBindings().getBindings().get(ExposedPort.tcp(8080));
        assertThat(bindings).isNotEmpty();
        assertThat(bindings[0].getHostIp()).isEqualTo("127.0.0.1");
        Eventually.await("the command's output", Duration.ofSeconds(20), () -> {
            String logs = uncheckedLogs(id);
            return logs.contains("env=hello") && logs.contains("/etc");
        });
    }

    @Test
    void port_mappings_bind_on_the_configured_host_address() throws Exception {
        RegistryClient client = new RegistryClient(RegistryConfig.defaults(), new SimpleMeterRegistry());
        try (DockerRuntime other =
                DockerRuntime.connect(podman.dockerHost(), client, r -> Optional.empty(), "127.0.0.2")) {
            AgentTask task = pulledTask(image("demo/app:v1@" + v1), """
                    {"name":"app","image":"x","memory":32,"command":["/bin/sh","-c","sleep 3600"],
                     "portMappings":[{"containerPort":8081,"hostPort":0,"protocol":"tcp"}]}""");
            String id = other.start(task, task.containers().get(0));
            Ports.Binding[] bindings = docker.inspectContainerCmd(id)
                    .exec()
                    .getHostConfig()
                    .getPortBindings()
                    .getBindings()
                    .get(ExposedPort.tcp(8081));
            assertThat(bindings).isNotEmpty();
            assertThat(bindings[0].getHostIp()).isEqualTo("127.0.0.2");
            other.stop(id, Duration.ofSeconds(1));
        }
    }

    @Test
    void health_checks_run_by_exec_in_the_container() throws Exception {
        AgentTask task = pulledTask(
                image("demo/app:v1@" + v1), "{\"name\":\"app\",\"image\":\"x\",\"command\":[\"/bin/sleep\",\"3600\"]}");
        String id = runtime.start(task, task.containers().get(0));
        Eventually.await(
                "the container to run",
                Duration.ofSeconds(20),
                () -> Boolean.TRUE.equals(
                        docker.inspectContainerCmd(id).exec().getState().getRunning()));
        Duration timeout = Duration.ofSeconds(5);

        assertThat(runtime.runCheck(id, List.of("/bin/sh", "-c", "test -f /etc/app-version"), timeout))
                .isEqualTo(new CheckResult.Passed());
        assertThat(runtime.runCheck(id, List.of("/bin/sh", "-c", "test -f /nowhere"), timeout))
                .isEqualTo(new CheckResult.Failed("exit code 1"));
        assertThat(runtime.runCheck(id, List.of("/bin/sh", "-c", "exit 7"), timeout))
                .isEqualTo(new CheckResult.Failed("exit code 7"));
        assertThat(runtime.runCheck(id, List.of("/bin/no-such-program"), timeout))
                .isInstanceOf(CheckResult.Failed.class);

        long began = System.nanoTime();
        assertThat(runtime.runCheck(id, List.of("/bin/sleep", "30"), Duration.ofSeconds(1)))
                .isEqualTo(new CheckResult.TimedOut());
        assertThat(Duration.ofNanos(System.nanoTime() - began))
                .as("the timeout bounds the wait")
                .isLessThan(Duration.ofSeconds(10));

        long[] millis = new long[20];
        for (int i = 0; i < millis.length; i++) {
            long t0 = System.nanoTime();
            runtime.runCheck(id, List.of("/bin/sh", "-c", "exit 0"), timeout);
            millis[i] = (System.nanoTime() - t0) / 1_000_000;
        }
        Arrays.sort(millis);
        System.out.printf(
                "health check by exec on Podman: median %d ms, max %d ms over %d checks%n",
                millis[millis.length / 2], millis[millis.length - 1], millis.length);

        runtime.stop(id, Duration.ofSeconds(1));
        assertThat(runtime.runCheck(id, List.of("/bin/sh", "-c", "exit 0"), timeout))
                .isEqualTo(new CheckResult.NotRunning());
    }

    @Test
    void an_exit_code_is_reported_by_status() throws Exception {
        AgentTask task = pulledTask(
                image("demo/app:v1@" + v1),
                "{\"name\":\"app\",\"image\":\"x\",\"command\":[\"/bin/sh\",\"-c\",\"exit 3\"]}");
        String id = runtime.start(task, task.containers().get(0));
        Eventually.await(
                "the container to exit",
                Duration.ofSeconds(20),
                () -> runtime.status(id).isPresent());
        assertThat(runtime.status(id)).contains(new ExitStatus(3, null));
    }

    @Test
    void stop_kills_a_container_that_ignores_sigterm_after_the_timeout() throws Exception {
        AgentTask task = pulledTask(
                image("demo/app:v1@" + v1), "{\"name\":\"app\",\"image\":\"x\",\"command\":[\"/bin/sleep\",\"3600\"]}");
        String id = runtime.start(task, task.containers().get(0));
        Eventually.await(
                "the container to run",
                Duration.ofSeconds(20),
                () -> Boolean.TRUE.equals(
                        docker.inspectContainerCmd(id).exec().getState().getRunning()));

        long began = System.nanoTime();
        runtime.stop(id, Duration.ofSeconds(2));
        Duration took = Duration.ofNanos(System.nanoTime() - began);

        // busybox sleep as PID 1 ignores SIGTERM: SIGKILL after the 2 s timeout, not ECS's default 30 s
        assertThat(took).isBetween(Duration.ofMillis(1800), Duration.ofSeconds(10));
        assertThat(runtime.status(id))
                .hasValueSatisfying(s -> assertThat(s.exitCode()).isEqualTo(137));
        runtime.stop(id, Duration.ofSeconds(2)); // a no-op on an exited container
    }

    @Test
    void a_deleted_pinned_image_fails_the_pull_naming_the_image() {
        Digest doomed = registry.images().pushRunnable("demo/doomed:v1", Format.OCI, "doomed");
        registry.images().delete("demo/doomed", doomed);
        String launch = image("demo/doomed:v1@" + doomed);
        assertThatThrownBy(() -> runtime.pull(launch, Optional.empty()))
                .isInstanceOf(PullFailedException.class)
                .hasMessageStartingWith("pull image manifest for " + launch + ": ")
                .hasMessageContaining("manifest unknown")
                .satisfies(e -> assertThat(((PullFailedException) e).kind()).isEqualTo("NOT_FOUND"));
    }

    @Test
    void a_tag_pull_reports_the_digest_the_tag_points_to_now_after_it_moved() {
        Digest first = registry.images().pushRunnable("demo/moving:latest", Format.DOCKER, "moving-1");
        assertThat(runtime.pull(image("demo/moving:latest"), Optional.empty()).digest())
                .isEqualTo(first);
        Digest second = registry.images().pushRunnable("demo/moving:latest", Format.DOCKER, "moving-2");
        assertThat(second).isNotEqualTo(first);

        PullResult pulled = runtime.pull(image("demo/moving:latest"), Optional.empty());

        assertThat(pulled.digest())
                .isEqualTo(registry.images().inspectDigest("demo/moving:latest"))
                .isEqualTo(second);
        assertThat(pulled.cached()).isFalse();
        assertThat(docker.inspectImageCmd(image("demo/moving:latest")).exec().getId())
                .as("the local tag moved with the registry's")
                .isEqualTo(docker.inspectImageCmd(image("demo/moving@" + second))
                        .exec()
                        .getId());
    }

    @Test
    void starting_the_same_container_twice_or_after_a_restart_gives_one_container() {
        AgentTask task = pulledTask(image("demo/app:v1@" + v1), "{\"name\":\"app\",\"image\":\"x\"}");
        AgentContainer c = task.containers().get(0);
        String first = runtime.start(task, c);
        String again = runtime.start(task, c);
        String afterRestart;
        try (DockerRuntime restarted = DockerRuntime.connect(
                podman.dockerHost(),
                new RegistryClient(RegistryConfig.defaults(), new SimpleMeterRegistry()),
                r -> Optional.empty())) {
            afterRestart = restarted.start(task, c);
        }
        assertThat(again).isEqualTo(first);
        assertThat(afterRestart).isEqualTo(first);
        assertThat(docker.listContainersCmd()
                        .withShowAll(true)
                        .withLabelFilter(Map.of(DockerRuntime.LABEL_CONTAINER_ARN, c.containerArn()))
                        .exec())
                .hasSize(1);
    }

    @Test
    void attributes_name_the_runtime_and_the_engine() {
        assertThat(runtime.name()).isEqualTo("docker");
        assertThat(runtime.attributes())
                .containsEntry("ballast.runtime", "docker")
                .containsEntry("ecs.os-type", "linux")
                .containsEntry("ecs.cpu-architecture", "x86_64")
                .containsEntry("ballast.engine", "podman")
                .containsKey("ballast.engine-version");
        assertThat(runtime.description()).contains("podman");
        assertThat(EngineDetection.find(Map.of("DOCKER_HOST", podman.dockerHost())))
                .contains(new EngineDetection.Engine(podman.dockerHost(), "DOCKER_HOST"));
    }

    private static String uncheckedLogs(String id) {
        try {
            return logs(id);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
