package dev.ballast.cli;

import dev.ballast.agent.Agent;
import dev.ballast.agent.ContainerRuntime;
import dev.ballast.agent.ControlPlane;
import dev.ballast.agent.docker.DockerRuntime;
import dev.ballast.agent.remote.JsonApiClient;
import dev.ballast.agent.remote.RemoteAgent;
import dev.ballast.agent.remote.RemoteControlPlane;
import dev.ballast.agent.remote.RemoteTasks;
import dev.ballast.api.Json;
import dev.ballast.api.auth.SigV4Signer;
import dev.ballast.registry.DockerConfigCredentials;
import dev.ballast.registry.RegistryClient;
import dev.ballast.registry.RegistryConfig;
import dev.ballast.registry.RepositoryCredentials;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ballast agent}: a container instance on this host. Registers with the server (re-registers with
 * the ARN saved in its state directory after a restart, so it keeps its tasks), then loops: {@code PollTasks}
 * (long-poll, also the heartbeat) → one pass of the {@link Agent} over the tasks → {@code SubmitTaskStateChange}
 * for each step. Protocol: docs/agent-protocol.md.
 */
@Command(
        name = "agent",
        mixinStandardHelpOptions = true,
        description = "Run a Ballast agent: register this host as a container instance and run the tasks placed on it.")
final class AgentCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(AgentCommand.class);
    static final String STATE_FILE = "instance.json";

    @Option(
            names = "--endpoint",
            description =
                    "Ballast API endpoint (default: $AWS_ENDPOINT_URL_ECS, $AWS_ENDPOINT_URL, the profile's endpoint_url, else http://127.0.0.1:8460).")
    URI endpoint;

    @Option(names = "--cluster", defaultValue = "default", description = "Cluster to join (default: ${DEFAULT-VALUE}).")
    String cluster;

    @Option(
            names = "--runtime",
            defaultValue = "simulated",
            converter = RuntimeChoice.Converter.class,
            description = "Container runtime: simulated or docker (default: ${DEFAULT-VALUE}).")
    RuntimeChoice runtime;

    @Option(names = "--cpu", defaultValue = "2048", description = "CPU units to register (default: ${DEFAULT-VALUE}).")
    int cpu;

    @Option(
            names = "--memory",
            defaultValue = "4096",
            description = "Memory to register, MiB (default: ${DEFAULT-VALUE}).")
    int memory;

    /** The agent's one clock: every component below takes it, none reads the time itself. */
    private final Clock clock = Clock.systemUTC();

    @Option(
            names = "--instance-state-dir",
            description =
                    "Directory keeping this agent's container instance ARN across restarts (default: ~/.ballast/agent).")
    Path stateDir;

    @Option(
            names = "--poll-wait",
            defaultValue = "20",
            description =
                    "Seconds a PollTasks may wait for work, 0-20 (default: ${DEFAULT-VALUE}; the server may wait less).")
    int pollWait;

    @Option(
            names = "--max-concurrent-pulls",
            defaultValue = "8",
            description = "Tasks pulling images at once (default: ${DEFAULT-VALUE}).")
    int maxConcurrentPulls;

    @Option(
            names = "--region",
            description =
                    "Signing region (default: $AWS_REGION, $AWS_DEFAULT_REGION, the profile's region, else us-east-1).")
    String region;

    @Option(
            names = "--access-key",
            description =
                    "Access key id (default: $AWS_ACCESS_KEY_ID, the profile ($AWS_PROFILE, else default) in ~/.aws/credentials or ~/.aws/config, else test).")
    String accessKey;

    @Option(names = "--secret-key", description = "Secret access key (default: as for --access-key).")
    String secretKey;

    @Option(
            names = "--port-host-ip",
            defaultValue = "127.0.0.1",
            description = "Address containers' port mappings bind on (docker runtime); 0.0.0.0 publishes them on every "
                    + "interface (default: ${DEFAULT-VALUE}).")
    String portHostIp;

    @Option(
            names = "--registry-credentials",
            paramLabel = "FILE",
            description =
                    "JSON file mapping secret names or ARNs to {\"username\",\"password\",\"registry\"}: what task definitions' "
                            + "repositoryCredentials.credentialsParameter name (see docs/registry.md); and the secret store for "
                            + "containers' secrets: names or ARNs to a string or a JSON object (see docs/secrets.md). Keep it mode 600.")
    Path registryCredentials;

    @Option(
            names = "--serverless",
            description = "Offer serverless capacity: FARGATE tasks may be placed on this instance (it registers the "
                    + "attribute ballast.serverless=true; default: EC2 tasks only).")
    boolean serverless;

    @Option(
            names = "--attribute",
            paramLabel = "NAME=VALUE",
            description = "An attribute this instance registers, repeatable (e.g. ecs.instance-type=m5.large, "
                    + "ecs.availability-zone=rack-1, or ballast.auto-scaling-group=blue for a capacity provider's pool): "
                    + "placement constraints, spread strategies and capacity providers read them.")
    Map<String, String> attributes = new LinkedHashMap<>();

    @picocli.CommandLine.Mixin
    RegistryOptions registryOptions = new RegistryOptions();

    private volatile boolean stopping;

    @Override
    public Integer call() throws Exception {
        Logging.init();
        if (pollWait < 0 || pollWait > 20 || cpu < 1 || memory < 1 || maxConcurrentPulls < 1) {
            LOG.error("invalid options: --poll-wait must be 0-20, --cpu, --memory and --max-concurrent-pulls positive");
            return 2;
        }
        if (runtime == RuntimeChoice.AUTO) {
            LOG.error("invalid options: --runtime must be simulated or docker");
            return 2;
        }
        RepositoryCredentials repositoryCredentials;
        RegistryConfig registryConfig;
        try {
            DockerRuntime.checkHostIp(portHostIp);
            OfferedAttributes.checked("--attribute", attributes);
            repositoryCredentials = RegistryCredentialsFile.load(registryCredentials, LOG);
            registryConfig = registryOptions.apply(
                    RegistryConfig.defaults()
                            .withRetries(2, Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(30)),
                    LOG);
        } catch (IllegalArgumentException e) {
            LOG.error("{}", e.getMessage());
            return 2;
        }
        try {
            return run(repositoryCredentials, registryConfig);
        } catch (RuntimeException | IOException e) {
            // start-up failed (no engine, the server refused the registration, state directory unusable): say so, exit
            // 1
            // (the loop itself catches what happens later)
            LOG.error("agent could not start: {}", e.getMessage() != null ? e.getMessage() : e.toString());
            LOG.debug("start-up failure", e);
            return 1;
        }
    }

    private int run(RepositoryCredentials repositoryCredentials, RegistryConfig registryConfig)
            throws IOException, InterruptedException {
        Path dir = stateDir != null ? stateDir : Path.of(System.getProperty("user.home"), ".ballast", "agent");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException("cannot create the instance state directory " + dir + ": " + e, e);
        }
        AwsEnvironment aws = AwsEnvironment.system();
        AwsEnvironment.Credentials credentials;
        try {
            endpoint = aws.endpoint(endpoint);
            credentials = aws.credentials(accessKey, secretKey);
        } catch (IllegalArgumentException e) {
            LOG.error("{}", e.getMessage());
            return 2;
        }
        JsonApiClient client = new JsonApiClient(
                endpoint,
                new SigV4Signer(
                                credentials.accessKeyId(),
                                credentials.secretAccessKey(),
                                aws.region(region),
                                "ecs",
                                clock)::sign,
                credentials.sessionToken());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        DockerConfigCredentials dockerConfig =
                DockerConfigCredentials.load(DockerConfigCredentials.defaultPath(), null);
        RegistryClient registry = new RegistryClient(registryConfig.withCredentials(dockerConfig), meters);
        // A refused report stops the task's containers on the runtime this agent ends up with (set below).
        AtomicReference<ContainerRuntime> chosen = new AtomicReference<>();
        RemoteControlPlane server =
                new RemoteControlPlane(client, cluster, refused -> RemoteAgent.stopContainers(chosen.get(), refused));

        String saved = savedArn(dir);
        var engine = runtime.engine(null); // looked for once: both runtimes below use what it found
        ContainerRuntime rt = AgentRuntimes.create(
                engine, saved != null ? saved : "unregistered", registry, dockerConfig::lookup, portHostIp);
        String arn = registerWithRetry(server, saved, rt);
        if (!arn.equals(saved)) {
            save(dir, arn);
            rt = AgentRuntimes.create(engine, arn, registry, dockerConfig::lookup, portHostIp);
        }
        chosen.set(rt);
        LOG.info(
                "agent runtime={} instance={} cluster={} endpoint={} — {}",
                rt.name(),
                arn,
                cluster,
                endpoint,
                rt.description());

        Semaphore nudge = new Semaphore(0);
        RemoteTasks tasks = server.tasks(arn);
        Thread main = Thread.currentThread();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stopping = true;
                            main.interrupt();
                        },
                        "ballast-agent-shutdown"));
        try (Agent agent = new Agent(
                arn,
                tasks,
                rt,
                meters,
                clock,
                maxConcurrentPulls,
                () -> {
                    if (nudge.availablePermits() == 0) {
                        nudge.release();
                    }
                },
                repositoryCredentials)) {
            return new RemoteAgent(tasks, agent, nudge, clock, pollWait).run(() -> stopping);
        }
    }

    /** Registers (or re-registers with the saved ARN); retries while the server cannot be reached. */
    private String registerWithRetry(ControlPlane server, String saved, ContainerRuntime rt)
            throws InterruptedException {
        long backoff = 250;
        while (true) {
            try {
                return server.register(new ControlPlane.Registration(
                        cluster,
                        saved,
                        null,
                        cpu,
                        memory,
                        OfferedAttributes.with(
                                RemoteControlPlane.attributes(rt.attributes()),
                                OfferedAttributes.offered(
                                        OfferedAttributes.checked("--attribute", attributes), serverless)),
                        "ballast-" + Version.current()));
            } catch (JsonApiClient.Failure f) {
                if (f.status() == 0 || f.status() >= 500) {
                    LOG.warn("agent: cannot register yet ({}); retrying in {} ms", f.getMessage(), backoff);
                    Thread.sleep(backoff);
                    backoff = Math.min(5_000, backoff * 2);
                    continue;
                }
                if (saved != null && f.type().equals("InvalidParameterException")) {
                    LOG.warn(
                            "agent: saved instance {} cannot be re-registered ({}); registering a new one",
                            saved,
                            f.getMessage());
                    saved = null;
                    continue;
                }
                throw new IllegalStateException(
                        "register in cluster " + cluster + " at " + endpoint + ": " + f.type() + ": " + f.getMessage(),
                        f);
            }
        }
    }

    private static String savedArn(Path dir) throws IOException {
        Path file = dir.resolve(STATE_FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        String arn = Json.mapper()
                .readTree(Files.readString(file))
                .path("containerInstanceArn")
                .asText(null);
        return arn == null || arn.isEmpty() ? null : arn;
    }

    private void save(Path dir, String arn) throws IOException {
        Path tmp = dir.resolve(STATE_FILE + ".tmp");
        Files.write(
                tmp,
                Json.write(Json.object()
                        .put("containerInstanceArn", arn)
                        .put("cluster", cluster)
                        .put("endpoint", endpoint.toString())));
        Files.move(tmp, dir.resolve(STATE_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
