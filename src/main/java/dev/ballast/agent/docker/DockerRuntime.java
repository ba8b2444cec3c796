package dev.ballast.agent.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.ballast.agent.Agent;
import dev.ballast.agent.AgentContainer;
import dev.ballast.agent.AgentTask;
import dev.ballast.agent.CheckResult;
import dev.ballast.agent.ContainerRuntime;
import dev.ballast.agent.ExitStatus;
import dev.ballast.agent.HostCapacity;
import dev.ballast.agent.NetworkAddress;
import dev.ballast.agent.PullResult;
import dev.ballast.agent.RuntimeContainer;
import dev.ballast.agent.SecretEnvironment;
import dev.ballast.agent.StartFailedException;
import dev.ballast.image.Digest;
import dev.ballast.image.ImageReference;
import dev.ballast.model.ContainerError;
import dev.ballast.model.EniAttachment;
import dev.ballast.registry.Credential;
import dev.ballast.registry.RegistryClient;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Runs task containers on a container engine through the Docker Engine API (docker-java): Docker itself,
 * or Podman's compatible service. Images are pulled by digest and tagged with their original tag (see
 * {@link EngineImages}); containers are created from {@code repo@sha256:…} with the container definition's
 * command, entry point, environment, working directory, port mappings (bound on 127.0.0.1), memory and CPU
 * shares, and labels naming cluster, task and container ({@link #LABEL_CONTAINER_ARN} makes {@link #start}
 * idempotent, so a restarted agent re-adopts its containers instead of launching duplicates). Output goes to
 * the engine's default log driver. The containers of an awsvpc task share one network namespace of their own on
 * the engine network its interface names, with no ports published on the host ({@link TaskNetworks}). Thread-safe.
 */
public final class DockerRuntime implements ContainerRuntime, AutoCloseable {

    /** The value of {@link #name()} and of the {@code ballast.runtime} attribute. */
    public static final String NAME = "docker";

    public static final String LABEL_CLUSTER = "dev.ballast.cluster";
    public static final String LABEL_TASK_ARN = "dev.ballast.task-arn";
    public static final String LABEL_CONTAINER_NAME = "dev.ballast.container-name";
    public static final String LABEL_CONTAINER_ARN = "dev.ballast.container-arn";
    /** The container instance whose agent started the container: an agent only ever removes its own. */
    public static final String LABEL_INSTANCE_ARN = "dev.ballast.container-instance-arn";
    /** The container's {@code stopTimeout} in seconds, for stopping it when its task definition is no longer known. */
    public static final String LABEL_STOP_TIMEOUT = "dev.ballast.stop-timeout";
    /** Host address port mappings bind to unless configured otherwise. */
    public static final String DEFAULT_HOST_IP = "127.0.0.1";

    private final DockerClient docker;
    private final Map<String, Integer> transientFailures = new ConcurrentHashMap<>();
    private final EngineImages images;
    private final TaskNetworks networks;
    private final String hostIp;
    private final Map<String, String> attributes;
    private final String description;

    DockerRuntime(
            DockerClient docker,
            RegistryClient registry,
            Function<String, Optional<Credential>> credentials,
            String hostIp,
            Duration pullTimeout) {
        this.docker = Objects.requireNonNull(docker, "docker");
        this.images = new EngineImages(
                docker,
                Objects.requireNonNull(registry, "registry"),
                Objects.requireNonNull(credentials, "credentials"),
                pullTimeout);
        this.hostIp = Objects.requireNonNull(hostIp, "hostIp");
        this.networks = new TaskNetworks(docker);
        Version version = docker.versionCmd().exec();
        String engine = version.getComponents() != null
                        && version.getComponents().stream()
                                .anyMatch(
                                        c -> c.getName() != null && c.getName().startsWith("Podman"))
                ? "podman"
                : "docker";
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("ballast.runtime", NAME);
        attrs.put("ballast.engine", engine);
        attrs.put("ballast.engine-version", String.valueOf(version.getVersion()));
        attrs.put("ballast.engine-api-version", String.valueOf(version.getApiVersion()));
        attrs.put("ecs.os-type", version.getOperatingSystem() == null ? "linux" : version.getOperatingSystem());
        attrs.put("ecs.cpu-architecture", ecsArchitecture(version.getArch()));
        this.attributes = Map.copyOf(attrs);
        this.description = "containers run on " + engine + " " + version.getVersion() + " (Docker Engine API "
                + version.getApiVersion() + ")";
    }

    /**
     * Connects to the engine at {@code dockerHost} ({@code unix:///path} or {@code tcp://host:port}, see
     * {@link EngineDetection}) and asks its version.
     *
     * @param registry resolves tags to digests before pulling (with the server's credential source)
     * @param credentials registry host → credentials sent to the engine as {@code X-Registry-Auth}
     */
    public static DockerRuntime connect(
            String dockerHost, RegistryClient registry, Function<String, Optional<Credential>> credentials) {
        return connect(dockerHost, registry, credentials, DEFAULT_HOST_IP);
    }

    /** As above, binding containers' port mappings on {@code portHostIp} (an IP address; {@code 0.0.0.0}: every interface). */
    public static DockerRuntime connect(
            String dockerHost,
            RegistryClient registry,
            Function<String, Optional<Credential>> credentials,
            String portHostIp) {
        return new DockerRuntime(
                client(dockerHost), registry, credentials, checkHostIp(portHostIp), Duration.ofMinutes(10));
    }

    /** {@code ip} if it is an IPv4 or IPv6 literal (no name lookups: the engine binds it as given). */
    public static String checkHostIp(String ip) {
        if (ip == null
                || !(ip.matches("(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}")
                        || ip.matches("[0-9A-Fa-f:.]{2,45}")
                                && ip.chars().filter(c -> c == ':').count() >= 2)) {
            throw new IllegalArgumentException(
                    "port host address must be an IP address such as 127.0.0.1 or 0.0.0.0, got '" + ip + "'");
        }
        return ip;
    }

    /** A docker-java client for {@code dockerHost} (no TLS). */
    static DockerClient client(String dockerHost) {
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(dockerHost)
                .withDockerTlsVerify(false)
                .build();
        var http = new ZerodepDockerHttpClient.Builder()
                .dockerHost(URI.create(dockerHost))
                .maxConnections(64)
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofMinutes(10))
                .build();
        return DockerClientImpl.getInstance(config, http);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Map<String, String> attributes() {
        return attributes;
    }

    @Override
    public PullResult pull(String launchImage, Optional<Credential> credentials) {
        return images.pull(launchImage, credentials);
    }

    @Override
    public String start(AgentTask task, AgentContainer container) {
        return start(task, container, SecretEnvironment.NONE);
    }

    /** Creates the container with {@code secrets} after the definition's {@code environment}, then starts it. */
    @Override
    public String start(AgentTask task, AgentContainer container, SecretEnvironment secrets) {
        Optional<String> existing = findByArn(container.containerArn());
        if (existing.isPresent()) {
            String id = startIfCreated(existing.get(), container.containerArn());
            transientFailures.remove(container.containerArn());
            return id;
        }
        if (container.imageDigest() == null) {
            throw new IllegalStateException(
                    "start " + container.name() + " of " + task.arn() + ": no image digest recorded; pull first");
        }
        ContainerSpec spec = Optional.ofNullable(task.taskDefinition())
                .flatMap(td -> ContainerSpec.of(td, container.name()))
                .orElse(ContainerSpec.DEFAULTS);
        String image = EngineImages.byDigest(
                ImageReference.parse(container.launchImage()), Digest.parse(container.imageDigest()));
        String id;
        try {
            id = create(task, container, spec, image, secrets);
        } catch (ConflictException e) {
            // the deterministic name is taken: another pass (or a previous agent) created it first
            id = findByArn(container.containerArn())
                    .orElseThrow(() -> new IllegalStateException(
                            "create "
                                    + containerName(task, container) + ": name conflict, but no container labelled "
                                    + container.containerArn() + ": " + EngineImages.engineMessage(e),
                            e));
        } catch (DockerException e) {
            throw refusal(ContainerError.CANNOT_CREATE_CONTAINER, container.containerArn(), e);
        }
        String started = startIfCreated(id, container.containerArn());
        transientFailures.remove(container.containerArn());
        return started;
    }

    private String create(
            AgentTask task, AgentContainer container, ContainerSpec spec, String image, SecretEnvironment secrets) {
        Map<String, String> labels = new LinkedHashMap<>(Map.of(
                LABEL_CLUSTER,
                task.cluster(),
                LABEL_TASK_ARN,
                task.arn(),
                LABEL_CONTAINER_NAME,
                container.name(),
                LABEL_CONTAINER_ARN,
                container.containerArn()));
        if (task.containerInstanceArn() != null) {
            labels.put(LABEL_INSTANCE_ARN, task.containerInstanceArn());
        }
        labels.put(
                LABEL_STOP_TIMEOUT,
                String.valueOf(
                        spec.stopTimeoutSeconds() != null
                                ? spec.stopTimeoutSeconds()
                                : Agent.DEFAULT_STOP_TIMEOUT.toSeconds()));
        HostConfig host = HostConfig.newHostConfig();
        EniAttachment eni = task.eni();
        String ownAddress = null;
        if (eni != null && eni.networkName() != null) {
            // awsvpc: the task's own namespace on its network; its ports are reached there, not published
            String mode = networks.networkMode(task, eni);
            host.withNetworkMode(mode);
            if (mode.equals(eni.networkName())) {
                // a namespace made again (its first holder exited): it keeps the address already reported
                ownAddress = eni.privateIPv4Address();
            }
        } else if (spec.networkMode() != null && !spec.networkMode().equals("awsvpc")) {
            host.withNetworkMode(spec.networkMode());
        }
        List<ExposedPort> exposed = new ArrayList<>();
        Ports bindings = new Ports();
        for (ContainerSpec.PortMapping p : spec.portMappings()) {
            ExposedPort port = new ExposedPort(p.containerPort(), InternetProtocol.parse(p.protocol()));
            exposed.add(port);
            bindings.bind(
                    port,
                    p.hostPort() == 0
                            ? Ports.Binding.bindIp(hostIp)
                            : Ports.Binding.bindIpAndPort(hostIp, p.hostPort()));
        }
        boolean ownNamespace = eni != null && eni.networkName() != null;
        if (!exposed.isEmpty() && !"host".equals(spec.networkMode()) && !ownNamespace) {
            host.withPortBindings(bindings);
        }
        if (spec.memoryMiB() != null) {
            host.withMemory(spec.memoryMiB() * 1024L * 1024L);
        }
        if (spec.memoryReservationMiB() != null) {
            host.withMemoryReservation(spec.memoryReservationMiB() * 1024L * 1024L);
        }
        if (spec.cpuShares() > 0) {
            host.withCpuShares((int) spec.cpuShares());
        }
        CreateContainerCmd cmd = docker.createContainerCmd(image)
                .withName(containerName(task, container))
                .withLabels(labels)
                .withHostConfig(host);
        if (!spec.command().isEmpty()) {
            cmd.withCmd(spec.command());
        }
        if (!spec.entryPoint().isEmpty()) {
            cmd.withEntrypoint(spec.entryPoint());
        }
        List<String> environment = secrets.appendedTo(spec.environment());
        if (!environment.isEmpty()) {
            // holds secrets' values: docker-java logs commands at DEBUG, which logback.xml keeps off
            cmd.withEnv(environment);
        }
        if (spec.workingDirectory() != null) {
            cmd.withWorkingDir(spec.workingDirectory());
        }
        if (!exposed.isEmpty() && !ownNamespace) {
            cmd.withExposedPorts(exposed);
        }
        if (ownAddress != null) {
            cmd.withIpv4Address(ownAddress);
        }
        if (spec.stopTimeoutSeconds() != null) {
            cmd.withStopTimeout(spec.stopTimeoutSeconds());
        }
        return cmd.exec().getId();
    }

    /** Starts a container that was created but never started (a crash between create and start); returns its id. */
    private String startIfCreated(String id, String containerArn) {
        InspectContainerResponse.ContainerState state =
                docker.inspectContainerCmd(id).exec().getState();
        if ("created".equals(state.getStatus())) {
            try {
                docker.startContainerCmd(id).exec();
            } catch (NotModifiedException e) {
                // started meanwhile
            } catch (DockerException e) {
                RuntimeException failure = refusal(ContainerError.CANNOT_START_CONTAINER, containerArn, e);
                if (failure instanceof StartFailedException) {
                    // e.g. the command does not exist: the engine keeps the container, which would never run
                    try {
                        docker.removeContainerCmd(id).withForce(true).exec();
                    } catch (DockerException gone) {
                        // removed meanwhile
                    }
                }
                throw failure;
            }
        }
        return id;
    }

    /** Engine errors that say nothing about the container itself: tried again on later passes, up to this many times. */
    static final int MAX_TRANSIENT_START_FAILURES = 5;

    /**
     * What an engine's refusal to create or start a container means: final ({@link StartFailedException}) when
     * the request itself is wrong (HTTP 400/404, or a 500 naming a missing program, file, permission or a
     * taken port); otherwise transient — Podman answers 500 for lock contention when many containers are
     * created at once — and the start is tried again next pass, until {@link #MAX_TRANSIENT_START_FAILURES}.
     */
    private RuntimeException refusal(ContainerError error, String containerArn, DockerException e) {
        String errorName = error.wire();
        String message = EngineImages.engineMessage(e);
        if (finalRefusal(e.getHttpStatus(), message)) {
            transientFailures.remove(containerArn);
            return new StartFailedException(errorName, message, e);
        }
        int failures = transientFailures.merge(containerArn, 1, Integer::sum);
        if (failures >= MAX_TRANSIENT_START_FAILURES) {
            transientFailures.remove(containerArn);
            return new StartFailedException(errorName, message + " (" + failures + " attempts)", e);
        }
        return new IllegalStateException(errorName + " (will retry): " + message, e);
    }

    /** True for engine answers that will not change on retry. */
    static boolean finalRefusal(int httpStatus, String message) {
        if (httpStatus == 400 || httpStatus == 404) {
            return true;
        }
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("executable file not found")
                || m.contains("no such file or directory")
                || m.contains("permission denied")
                || m.contains("port is already allocated")
                || m.contains("address already in use")
                || m.contains("is not a valid")
                || m.contains("invalid");
    }

    /** The engine's id of the container labelled with {@code containerArn}, if there is one (running or not). */
    public Optional<String> findByArn(String containerArn) {
        List<Container> found = docker.listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(LABEL_CONTAINER_ARN, containerArn))
                .exec();
        return found.stream().map(Container::getId).findFirst();
    }

    /** The engine name of a task's container: deterministic, so that a repeated create is a harmless conflict. */
    static String containerName(AgentTask task, AgentContainer container) {
        String taskId = task.arn().substring(task.arn().lastIndexOf('/') + 1);
        return "ballast-" + taskId + "-" + container.name().replaceAll("[^a-zA-Z0-9_.-]", "_");
    }

    /** The engine host's CPUs and memory ({@code GET /info}: {@code NCPU}, {@code MemTotal}). */
    public HostCapacity hostCapacity() {
        Info info = docker.infoCmd().exec();
        if (info.getNCPU() == null || info.getMemTotal() == null) {
            throw new IllegalStateException("the engine's /info answer has no NCPU or MemTotal");
        }
        return new HostCapacity(info.getNCPU(), info.getMemTotal());
    }

    /** Each create, start and stop waits on the engine (about a third of a second on Podman): work on 8 tasks at once. */
    @Override
    public int concurrentTaskSteps() {
        return 8;
    }

    /** Runs the check by exec in the container (see {@link EngineHealthChecks}). */
    @Override
    public CheckResult runCheck(String runtimeId, List<String> command, Duration timeout) {
        return new EngineHealthChecks(docker).run(runtimeId, command, timeout);
    }

    /** Read from the engine's inspect of the container that joined the task's network (see {@link TaskNetworks}). */
    @Override
    public Optional<NetworkAddress> address(AgentTask task, String runtimeId) {
        EniAttachment eni = task.eni();
        return eni == null || eni.networkName() == null ? Optional.empty() : networks.address(runtimeId, eni);
    }

    @Override
    public void stop(String runtimeId, Duration timeout) {
        int seconds = (int) Math.max(0, Math.min(Integer.MAX_VALUE, (timeout.toMillis() + 999) / 1000));
        try {
            docker.stopContainerCmd(runtimeId).withTimeout(seconds).exec();
        } catch (NotModifiedException | NotFoundException e) {
            // already stopped, or gone
        }
    }

    @Override
    public List<RuntimeContainer> containersOf(String instanceArn) {
        return docker
                .listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(LABEL_INSTANCE_ARN, instanceArn))
                .exec()
                .stream()
                .filter(c -> c.getLabels() != null && c.getLabels().get(LABEL_TASK_ARN) != null)
                .map(c -> new RuntimeContainer(
                        c.getId(), c.getLabels().get(LABEL_TASK_ARN), "running".equals(c.getState())))
                .toList();
    }

    @Override
    public void remove(String runtimeId) {
        Duration timeout = Agent.DEFAULT_STOP_TIMEOUT;
        try {
            Map<String, String> labels =
                    docker.inspectContainerCmd(runtimeId).exec().getConfig().getLabels();
            String seconds = labels == null ? null : labels.get(LABEL_STOP_TIMEOUT);
            if (seconds != null && seconds.matches("[0-9]{1,6}")) {
                timeout = Duration.ofSeconds(Long.parseLong(seconds));
            }
        } catch (NotFoundException e) {
            return;
        }
        stop(runtimeId, timeout);
        try {
            docker.removeContainerCmd(runtimeId).withForce(true).exec();
        } catch (NotFoundException e) {
            // removed meanwhile
        }
    }

    @Override
    public Optional<ExitStatus> status(String runtimeId) {
        InspectContainerResponse.ContainerState state;
        try {
            state = docker.inspectContainerCmd(runtimeId).exec().getState();
        } catch (NotFoundException e) {
            return Optional.of(new ExitStatus(
                    -1, "ContainerNotFound: container " + runtimeId + " no longer exists in the engine"));
        }
        String status = state.getStatus() == null ? "" : state.getStatus();
        if (Boolean.TRUE.equals(state.getRunning())
                || status.equals("created")
                || status.equals("running")
                || status.equals("paused")
                || status.equals("restarting")) {
            return Optional.empty();
        }
        int code =
                state.getExitCodeLong() == null ? -1 : state.getExitCodeLong().intValue();
        String reason = Boolean.TRUE.equals(state.getOOMKilled())
                ? "OutOfMemoryError: Container killed due to memory usage"
                : state.getError() == null || state.getError().isBlank() ? null : state.getError();
        return Optional.of(new ExitStatus(code, reason));
    }

    /** ECS's {@code ecs.cpu-architecture} values for the engine's Go architecture names. */
    static String ecsArchitecture(String goArch) {
        if (goArch == null) {
            return "x86_64";
        }
        return switch (goArch) {
            case "amd64", "x86_64" -> "x86_64";
            case "arm64", "aarch64" -> "arm64";
            default -> goArch;
        };
    }

    /** The docker-java client this runtime uses (for tests and the benchmark's direct baseline). */
    DockerClient engine() {
        return docker;
    }

    @Override
    public void close() {
        try {
            docker.close();
        } catch (IOException e) {
            // closing the client's connections: nothing to report
        }
    }
}
