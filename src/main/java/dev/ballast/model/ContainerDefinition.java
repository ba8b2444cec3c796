package dev.ballast.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One container of a task definition as Ballast uses it (ECS {@code ContainerDefinition}), with ECS's defaults
 * for what the document leaves out: {@code essential} true, {@code cpu} 0, empty lists. Members that have no
 * default stay null when absent ({@code versionConsistency}, {@code healthCheck}, {@code stopTimeout},
 * {@code memory}, {@code memoryReservation}, {@code workingDirectory}, {@code user},
 * {@code repositoryCredentials}). Members Ballast does not use are not modelled; the registered document keeps
 * them. {@code secrets} are references ({@code valueFrom}), never values: the agent resolves them (docs/secrets.md).
 *
 * @param stopTimeout seconds between SIGTERM and SIGKILL, or null (the agent's default)
 * @param cpu CPU units (relative shares)
 * @param memory hard limit in MiB, or null
 * @param memoryReservation soft limit in MiB, or null
 */
public record ContainerDefinition(
        String name,
        String image,
        boolean essential,
        VersionConsistency versionConsistency,
        List<Dependency> dependsOn,
        HealthCheck healthCheck,
        Integer stopTimeout,
        int cpu,
        Integer memory,
        Integer memoryReservation,
        List<PortMapping> portMappings,
        List<EnvironmentVariable> environment,
        List<String> command,
        List<String> entryPoint,
        String workingDirectory,
        String user,
        RepositoryCredentials repositoryCredentials,
        List<Secret> secrets) {

    /** ECS's {@code essential} when the definition does not say. */
    public static final boolean DEFAULT_ESSENTIAL = true;

    /** ECS's {@code cpu} when the definition does not say. */
    public static final int DEFAULT_CPU = 0;

    public ContainerDefinition {
        Objects.requireNonNull(name, "name");
        dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
        portMappings = portMappings == null ? List.of() : List.copyOf(portMappings);
        environment = environment == null ? List.of() : List.copyOf(environment);
        command = command == null ? List.of() : List.copyOf(command);
        entryPoint = entryPoint == null ? List.of() : List.copyOf(entryPoint);
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
    }

    /** A container without {@code secrets}. */
    public ContainerDefinition(
            String name,
            String image,
            boolean essential,
            VersionConsistency versionConsistency,
            List<Dependency> dependsOn,
            HealthCheck healthCheck,
            Integer stopTimeout,
            int cpu,
            Integer memory,
            Integer memoryReservation,
            List<PortMapping> portMappings,
            List<EnvironmentVariable> environment,
            List<String> command,
            List<String> entryPoint,
            String workingDirectory,
            String user,
            RepositoryCredentials repositoryCredentials) {
        this(
                name,
                image,
                essential,
                versionConsistency,
                dependsOn,
                healthCheck,
                stopTimeout,
                cpu,
                memory,
                memoryReservation,
                portMappings,
                environment,
                command,
                entryPoint,
                workingDirectory,
                user,
                repositoryCredentials,
                List.of());
    }

    /** From a document's members; absent ones (null) get ECS's defaults. */
    @JsonCreator
    public static ContainerDefinition of(
            @JsonProperty("name") String name,
            @JsonProperty("image") String image,
            @JsonProperty("essential") Boolean essential,
            @JsonProperty("versionConsistency") VersionConsistency versionConsistency,
            @JsonProperty("dependsOn") List<Dependency> dependsOn,
            @JsonProperty("healthCheck") HealthCheck healthCheck,
            @JsonProperty("stopTimeout") Integer stopTimeout,
            @JsonProperty("cpu") Integer cpu,
            @JsonProperty("memory") Integer memory,
            @JsonProperty("memoryReservation") Integer memoryReservation,
            @JsonProperty("portMappings") List<PortMapping> portMappings,
            @JsonProperty("environment") List<EnvironmentVariable> environment,
            @JsonProperty("command") List<String> command,
            @JsonProperty("entryPoint") List<String> entryPoint,
            @JsonProperty("workingDirectory") String workingDirectory,
            @JsonProperty("user") String user,
            @JsonProperty("repositoryCredentials") RepositoryCredentials repositoryCredentials,
            @JsonProperty("secrets") List<Secret> secrets) {
        return new ContainerDefinition(
                name,
                image,
                essential == null ? DEFAULT_ESSENTIAL : essential,
                versionConsistency,
                dependsOn,
                healthCheck,
                stopTimeout,
                cpu == null ? DEFAULT_CPU : cpu,
                memory,
                memoryReservation,
                portMappings,
                environment,
                command,
                entryPoint,
                workingDirectory,
                user,
                repositoryCredentials,
                secrets);
    }

    /** The secret {@code repositoryCredentials.credentialsParameter} names, or null when there is none. */
    public String credentialsParameter() {
        return repositoryCredentials == null ? null : repositoryCredentials.credentialsParameter();
    }

    /** Whether the container has a health check to run (a command other than {@code ["NONE"]}). */
    public boolean hasHealthCheck() {
        return healthCheck != null && healthCheck.enabled();
    }

    /** One {@code dependsOn} entry (ECS {@code ContainerDependency}); the condition is START when absent. */
    public record Dependency(String containerName, ContainerCondition condition) {
        public Dependency {
            Objects.requireNonNull(containerName, "containerName");
            condition = condition == null ? ContainerCondition.START : condition;
        }
    }

    /**
     * A container's {@code healthCheck} (ECS {@code HealthCheck}) as registered, with ECS's defaults for what is
     * absent: interval 30 s, timeout 5 s, retries 3, no start period.
     */
    public record HealthCheck(
            List<String> command, Duration interval, Duration timeout, int retries, Duration startPeriod) {
        public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
        public static final int DEFAULT_RETRIES = 3;
        public static final Duration DEFAULT_START_PERIOD = Duration.ZERO;

        public HealthCheck {
            command = command == null ? List.of() : List.copyOf(command);
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(startPeriod, "startPeriod");
        }

        /** From a document's members (seconds); absent ones (null) get ECS's defaults. */
        @JsonCreator
        public static HealthCheck of(
                @JsonProperty("command") List<String> command,
                @JsonProperty("interval") Integer interval,
                @JsonProperty("timeout") Integer timeout,
                @JsonProperty("retries") Integer retries,
                @JsonProperty("startPeriod") Integer startPeriod) {
            return new HealthCheck(
                    command,
                    interval == null ? DEFAULT_INTERVAL : Duration.ofSeconds(interval),
                    timeout == null ? DEFAULT_TIMEOUT : Duration.ofSeconds(timeout),
                    retries == null ? DEFAULT_RETRIES : retries,
                    startPeriod == null ? DEFAULT_START_PERIOD : Duration.ofSeconds(startPeriod));
        }

        /** Whether there is a check to run: a command that is not {@code ["NONE"]}. */
        public boolean enabled() {
            return !command.isEmpty() && !command.getFirst().equals("NONE");
        }
    }

    /** One {@code portMappings} entry; ports are 0 when absent, the protocol TCP. */
    public record PortMapping(int containerPort, int hostPort, TransportProtocol protocol) {
        public PortMapping {
            protocol = protocol == null ? TransportProtocol.TCP : protocol;
        }
    }

    /** One {@code environment} entry (ECS {@code KeyValuePair}); an absent value is empty. */
    public record EnvironmentVariable(String name, String value) {
        public EnvironmentVariable {
            name = name == null ? "" : name;
            value = value == null ? "" : value;
        }
    }

    /** A container's {@code repositoryCredentials}: the secret holding the registry's user name and password. */
    public record RepositoryCredentials(String credentialsParameter) {}

    /**
     * One {@code secrets} entry (ECS {@code Secret}): the environment variable {@code name} gets the value of the
     * secret {@code valueFrom} refers to (see {@link SecretReference}); the record holds the reference only.
     */
    public record Secret(String name, String valueFrom) {
        public Secret {
            name = name == null ? "" : name;
            valueFrom = valueFrom == null ? "" : valueFrom;
        }

        /** The parsed {@code valueFrom}; throws IllegalArgumentException naming it when it is malformed. */
        public SecretReference reference() {
            return SecretReference.parse(valueFrom);
        }
    }
}
