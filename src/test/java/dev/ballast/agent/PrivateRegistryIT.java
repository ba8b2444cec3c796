package dev.ballast.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.cli.RuntimeChoice;
import dev.ballast.image.Digest;
import dev.ballast.registry.Credential;
import dev.ballast.registry.CredentialSource;
import dev.ballast.registry.RepositoryCredentials;
import dev.ballast.resolve.ResolveSettings;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.PodmanFixture;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Private registries end to end on Podman: a registry with htpasswd Basic auth, an image pushed with
 * credentials, task definitions whose {@code repositoryCredentials.credentialsParameter} names an entry of
 * the server's {@code --registry-credentials} file, and services and tasks on the embedded docker agent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrivateRegistryIT {
    static final Duration WAIT = Duration.ofSeconds(120);
    static final String SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:ci/registry";

    @TempDir
    Path dir;

    RegistryFixture registry;
    PodmanFixture podman;
    Digest digest;
    String image;

    @BeforeAll
    void start() {
        registry = RegistryFixture.startWithBasicAuth("alice", "wonderland");
        podman = PodmanFixture.start(registry.host());
        digest = registry.images().pushRunnable("demo/private:v1", TestImages.Format.DOCKER, "private-v1");
        image = registry.host() + "/demo/private:v1";
    }

    @AfterAll
    void stop() {
        if (podman != null) {
            podman.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    private RepositoryCredentials credentialsFile() throws IOException {
        Path f = dir.resolve("registry-credentials.json");
        Files.writeString(
                f,
                "{\"ci/registry\": {\"username\": \"alice\", \"password\": \"wonderland\", \"registry\": \""
                        + registry.host() + "\"}}");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return RepositoryCredentials.load(f);
    }

    private static ResolveSettings fast() {
        return new ResolveSettings(2, 2, Duration.ofMillis(100), Duration.ofMillis(300), Duration.ofSeconds(1));
    }

    private ContainerDefinition.Builder app(String consistency, String credentialsParameter) {
        ContainerDefinition.Builder b = ContainerDefinition.builder()
                .name("app")
                .image(image)
                .memory(32)
                .versionConsistency(consistency)
                .stopTimeout(2);
        return credentialsParameter == null
                ? b
                : b.repositoryCredentials(r -> r.credentialsParameter(credentialsParameter));
    }

    /** Removes the pulled image from the engine, so that the next task must pull it again. */
    private void forgetImage() {
        podman.podman("images", "--format", "{{.ID}} {{.Repository}}")
                .lines()
                .filter(l -> l.contains("demo/private"))
                .map(l -> l.split(" ")[0])
                .distinct()
                .forEach(id -> podman.podman("rmi", "--force", "--ignore", id));
        assertThat(podman.podman("images", "--format", "{{.Repository}}")).doesNotContain("demo/private");
    }

    private static Service service(EcsClient ecs, String name) {
        return ecs.describeServices(r -> r.services(name)).services().get(0);
    }

    @Test
    void repositoryCredentialsResolveAndPullWhileMissingOnesFailClearly() throws IOException {
        RepositoryCredentials file = credentialsFile();
        try (TestServer server = TestServer.sqlite(c -> c.runtime(RuntimeChoice.DOCKER)
                        .dockerHost(podman.dockerHost())
                        .resolve(fast())
                        .repositoryCredentials(file));
                EcsClient ecs = server.client()) {
            // Pinned by the control plane with the named credentials, pulled by the engine with them.
            ecs.registerTaskDefinition(r -> r.family("private")
                    .containerDefinitions(app("enabled", SECRET_ARN).build()));
            assertThat(ecs.describeTaskDefinition(r -> r.taskDefinition("private"))
                            .taskDefinition()
                            .containerDefinitions()
                            .get(0)
                            .repositoryCredentials()
                            .credentialsParameter())
                    .isEqualTo(SECRET_ARN);
            ecs.createService(
                    r -> r.serviceName("private").taskDefinition("private").desiredCount(2));
            Eventually.await(
                    "2 private tasks running",
                    WAIT,
                    () -> service(ecs, "private").runningCount() == 2);
            List<Task> tasks = ecs.describeTasks(r ->
                            r.tasks(ecs.listTasks(l -> l.serviceName("private")).taskArns()))
                    .tasks();
            assertThat(tasks)
                    .hasSize(2)
                    .allSatisfy(t -> assertThat(t.containers().get(0).imageDigest())
                            .isEqualTo(digest.toString())
                            .isEqualTo(registry.images()
                                    .inspectDigest("demo/private:v1")
                                    .toString()));
            for (Task t : tasks) {
                Eventually.await(
                        "container output",
                        Duration.ofSeconds(30),
                        () -> podman.podman("logs", t.containers().get(0).runtimeId())
                                .contains("private-v1"));
            }

            ecs.updateService(r -> r.service("private").desiredCount(0));
            Eventually.await(
                    "private containers stopped",
                    Duration.ofSeconds(60),
                    () -> podman.podman("ps", "--format", "{{.ID}}").isBlank());

            // Not resolved by the server (disabled): the agent resolves the tag and pulls with the plain secret name.
            forgetImage();
            ecs.registerTaskDefinition(r -> r.family("loose")
                    .containerDefinitions(app("disabled", "ci/registry").build()));
            String loose =
                    ecs.runTask(r -> r.taskDefinition("loose")).tasks().get(0).taskArn();
            Eventually.await(
                    "loose task running",
                    WAIT,
                    () -> ecs.describeTasks(r -> r.tasks(loose))
                            .tasks()
                            .get(0)
                            .lastStatus()
                            .equals("RUNNING"));
            assertThat(ecs.describeTasks(r -> r.tasks(loose))
                            .tasks()
                            .get(0)
                            .containers()
                            .get(0)
                            .imageDigest())
                    .isEqualTo(digest.toString());

            // No credentials at all: the strict deployment fails, saying the registry wants some.
            ecs.registerTaskDefinition(r -> r.family("anonymous")
                    .containerDefinitions(app("enabled", null).build()));
            ecs.createService(
                    r -> r.serviceName("anonymous").taskDefinition("anonymous").desiredCount(1));
            Eventually.await(
                    "anonymous deployment failed",
                    WAIT,
                    () -> service(ecs, "anonymous")
                            .deployments()
                            .get(0)
                            .rolloutStateAsString()
                            .equals("FAILED"));
            Deployment failed = service(ecs, "anonymous").deployments().get(0);
            assertThat(failed.rolloutStateReason())
                    .contains("container app")
                    .contains("401")
                    .contains("no credentials configured for " + registry.host());
            assertThat(failed.runningCount() + failed.pendingCount()).isZero();

            // An unknown parameter: the deployment's events name the container and the parameter, not the file's path.
            ecs.registerTaskDefinition(r -> r.family("unknown")
                    .containerDefinitions(app("enabled", "ci/nope").build()));
            ecs.createService(
                    r -> r.serviceName("unknown").taskDefinition("unknown").desiredCount(1));
            Eventually.await(
                    "unknown deployment failed",
                    WAIT,
                    () -> service(ecs, "unknown")
                            .deployments()
                            .get(0)
                            .rolloutStateAsString()
                            .equals("FAILED"));
            assertThat(service(ecs, "unknown").events())
                    .anySatisfy(e -> assertThat(e.message())
                            .contains("container app")
                            .contains("repositoryCredentials.credentialsParameter \"ci/nope\"")
                            .contains("--registry-credentials file")
                            .doesNotContain("registry-credentials.json"));

            // A known secret named by an image on another host (here the same registry called localhost): refused,
            // so that no task definition can send a secret to a host its entry does not name.
            String elsewhere = image.replace("127.0.0.1:", "localhost:");
            assertThat(elsewhere).isNotEqualTo(image);
            ecs.registerTaskDefinition(r -> r.family("elsewhere")
                    .containerDefinitions(ContainerDefinition.builder()
                            .name("app")
                            .image(elsewhere)
                            .memory(32)
                            .versionConsistency("enabled")
                            .repositoryCredentials(c -> c.credentialsParameter("ci/registry"))
                            .build()));
            ecs.createService(
                    r -> r.serviceName("elsewhere").taskDefinition("elsewhere").desiredCount(1));
            Eventually.await(
                    "elsewhere deployment failed",
                    WAIT,
                    () -> service(ecs, "elsewhere")
                            .deployments()
                            .get(0)
                            .rolloutStateAsString()
                            .equals("FAILED"));
            assertThat(service(ecs, "elsewhere").events())
                    .anySatisfy(e -> assertThat(e.message())
                            .contains("container app")
                            .contains("\"ci/registry\" may be sent only to " + registry.host())
                            .contains("not to " + elsewhere.substring(0, elsewhere.indexOf('/'))));

            // Unknown at pull time (nothing resolved it first): the task stops with CannotPullContainerError naming it.
            ecs.registerTaskDefinition(r -> r.family("unknown-pull")
                    .containerDefinitions(app("disabled", "ci/nope").build()));
            String stopped = ecs.runTask(r -> r.taskDefinition("unknown-pull"))
                    .tasks()
                    .get(0)
                    .taskArn();
            Eventually.await(
                    "unknown-pull task stopped",
                    WAIT,
                    () -> ecs.describeTasks(r -> r.tasks(stopped))
                            .tasks()
                            .get(0)
                            .lastStatus()
                            .equals("STOPPED"));
            Task t = ecs.describeTasks(r -> r.tasks(stopped)).tasks().get(0);
            assertThat(t.stoppedReason())
                    .startsWith("CannotPullContainerError: ")
                    .contains("container app")
                    .contains("repositoryCredentials.credentialsParameter \"ci/nope\"");
            assertThat(t.stopCodeAsString()).isEqualTo("TaskFailedToStart");
            ecs.stopTask(r -> r.task(loose));
            Eventually.await(
                    "containers stopped",
                    Duration.ofSeconds(60),
                    () -> podman.podman("ps", "--format", "{{.ID}}").isBlank());
        }
    }

    @Test
    void theServersOwnRegistryCredentialsServeContainersWithoutRepositoryCredentials() {
        // As `ballast server` does with the docker config.json `auths` of its user.
        CredentialSource own = CredentialSource.of(Map.of(registry.host(), new Credential("alice", "wonderland")));
        try (TestServer server = TestServer.sqlite(c -> c.runtime(RuntimeChoice.DOCKER)
                        .dockerHost(podman.dockerHost())
                        .resolve(fast())
                        .registry(r -> r.withCredentials(own)));
                EcsClient ecs = server.client()) {
            forgetImage();
            ecs.registerTaskDefinition(r ->
                    r.family("own").containerDefinitions(app("enabled", null).build()));
            ecs.createService(r -> r.serviceName("own").taskDefinition("own").desiredCount(1));
            Eventually.await("own task running", WAIT, () -> service(ecs, "own").runningCount() == 1);
            Task t = ecs.describeTasks(r ->
                            r.tasks(ecs.listTasks(l -> l.serviceName("own")).taskArns()))
                    .tasks()
                    .get(0);
            assertThat(t.containers().get(0).imageDigest()).isEqualTo(digest.toString());
            ecs.updateService(r -> r.service("own").desiredCount(0));
            Eventually.await(
                    "containers stopped",
                    Duration.ofSeconds(60),
                    () -> podman.podman("ps", "--format", "{{.ID}}").isBlank());
        }
    }
}
