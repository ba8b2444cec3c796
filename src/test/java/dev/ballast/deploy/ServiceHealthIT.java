package dev.ballast.deploy;

import static dev.ballast.deploy.EcsHelpers.container;
import static dev.ballast.deploy.EcsHelpers.service;
import static dev.ballast.deploy.EcsHelpers.tasks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.testing.Eventually;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.ContainerCondition;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerDependency;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.HealthCheck;
import software.amazon.awssdk.services.ecs.model.HealthStatus;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Container health through the whole server, driven by the AWS SDK, on simulated instances (whose checks pass
 * unless the command is {@code exit N}, see SimulatedRuntime): DescribeTasks health, replacement of unhealthy
 * service tasks, the grace period, the circuit breaker's second stage, and registration errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceHealthIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private RegistryFixture registry;
    private TestServer server;
    private EcsClient ecs;
    private String image;

    @BeforeAll
    void start() {
        registry = RegistryFixture.start();
        registry.images().push("demo/health:v1", TestImages.Format.OCI, "health-1");
        image = registry.host() + "/demo/health:v1";
        server = TestServer.sqlite(c -> c.simulatedInstances(2));
        ecs = server.client();
    }

    @AfterAll
    void stop() {
        ecs.close();
        server.close();
        registry.close();
    }

    private String register(String family, String command) {
        return ecs.registerTaskDefinition(r -> r.family(family)
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("app")
                                .image(image)
                                .memory(16)
                                .healthCheck(HealthCheck.builder()
                                        .command("CMD-SHELL", command)
                                        .interval(5)
                                        .timeout(2)
                                        .retries(1)
                                        .build())
                                .build()))
                .taskDefinition()
                .taskDefinitionArn();
    }

    @Test
    void a_passing_check_shows_healthy_container_and_task() {
        register("healthy", "exit 0");
        ecs.createService(
                r -> r.serviceName("healthy").taskDefinition("healthy").desiredCount(1));
        Eventually.await(
                "task HEALTHY",
                WAIT,
                () -> tasks(ecs, "default", "healthy", DesiredStatus.RUNNING).stream()
                        .anyMatch(t -> t.healthStatus() == HealthStatus.HEALTHY));
        Task t = tasks(ecs, "default", "healthy", DesiredStatus.RUNNING).getFirst();
        assertThat(container(t, "app").healthStatus()).isEqualTo(HealthStatus.HEALTHY);
    }

    @Test
    void unhealthy_tasks_are_replaced_after_the_grace_period_and_trip_the_circuit_breaker() {
        register("sick", "exit 1");
        register("patient", "exit 1");
        ecs.createService(r -> r.serviceName("sick")
                .taskDefinition("sick")
                .desiredCount(1)
                .deploymentConfiguration(
                        d -> d.deploymentCircuitBreaker(b -> b.enable(true).rollback(false))));
        ecs.createService(r -> r.serviceName("patient")
                .taskDefinition("patient")
                .desiredCount(1)
                .healthCheckGracePeriodSeconds(3600));

        Eventually.await(
                "a sick task stopped for failed health checks",
                WAIT,
                () -> tasks(ecs, "default", "sick", DesiredStatus.STOPPED).stream()
                        .anyMatch(t -> "Task failed container health checks".equals(t.stoppedReason())));
        Task replaced = tasks(ecs, "default", "sick", DesiredStatus.STOPPED).stream()
                .filter(t -> "Task failed container health checks".equals(t.stoppedReason()))
                .findFirst()
                .orElseThrow();
        assertThat(replaced.stopCodeAsString()).isEqualTo("ServiceSchedulerInitiated");
        assertThat(replaced.healthStatus()).isEqualTo(HealthStatus.UNHEALTHY);
        String id = replaced.taskArn().substring(replaced.taskArn().lastIndexOf('/') + 1);
        Eventually.await(
                "event and replacement",
                WAIT,
                () -> service(ecs, "default", "sick").events().stream()
                                .anyMatch(e -> e.message()
                                        .equals("(service sick) (task " + id + ") failed container health checks."))
                        && tasks(ecs, "default", "sick", DesiredStatus.RUNNING).stream()
                                .anyMatch(t -> !t.taskArn().equals(replaced.taskArn())));

        // stage 2 of the circuit breaker: threshold 3 for a desired count of 1
        Eventually.await(
                "deployment FAILED",
                WAIT,
                () -> "FAILED"
                        .equals(service(ecs, "default", "sick")
                                .deployments()
                                .getFirst()
                                .rolloutStateAsString()));
        assertThat(service(ecs, "default", "sick").deployments().getFirst().rolloutStateReason())
                .contains("failed container health checks")
                .contains("3 of threshold 3");
        assertThat(service(ecs, "default", "sick").deployments().getFirst().failedTasks())
                .isGreaterThanOrEqualTo(3);

        // by now (3 replacements later) the patient service's task, as unhealthy, is still in its grace period
        List<Task> patient = tasks(ecs, "default", "patient", DesiredStatus.RUNNING);
        assertThat(patient).hasSize(1);
        assertThat(patient.getFirst().healthStatus()).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(tasks(ecs, "default", "patient", DesiredStatus.STOPPED)).isEmpty();
    }

    @Test
    void depends_on_healthy_needs_a_health_check_and_ranges_are_checked() {
        assertThatThrownBy(() -> ecs.registerTaskDefinition(r -> r.family("nocheck")
                        .containerDefinitions(
                                ContainerDefinition.builder()
                                        .name("db")
                                        .image(image)
                                        .memory(16)
                                        .essential(false)
                                        .build(),
                                ContainerDefinition.builder()
                                        .name("app")
                                        .image(image)
                                        .memory(16)
                                        .dependsOn(ContainerDependency.builder()
                                                .containerName("db")
                                                .condition(ContainerCondition.HEALTHY)
                                                .build())
                                        .build())))
                .isInstanceOf(ClientException.class)
                .satisfies(
                        e -> assertThat(((ClientException) e).awsErrorDetails().errorMessage())
                                .isEqualTo(
                                        "Invalid 'dependsOn' condition HEALTHY for container 'app': container 'db' has no 'healthCheck'."));
        assertThatThrownBy(() -> ecs.registerTaskDefinition(r -> r.family("range")
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("app")
                                .image(image)
                                .memory(16)
                                .healthCheck(HealthCheck.builder()
                                        .command("CMD-SHELL", "true")
                                        .interval(4)
                                        .build())
                                .build())))
                .isInstanceOf(ClientException.class)
                .satisfies(
                        e -> assertThat(((ClientException) e).awsErrorDetails().errorMessage())
                                .isEqualTo(
                                        "Invalid 'healthCheck.interval' 4 for container 'app': it must be between 5 and 300."));
        assertThatThrownBy(() -> ecs.registerTaskDefinition(r -> r.family("cmd")
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("app")
                                .image(image)
                                .memory(16)
                                .healthCheck(HealthCheck.builder()
                                        .command("curl localhost")
                                        .build())
                                .build())))
                .isInstanceOf(ClientException.class)
                .satisfies(
                        e -> assertThat(((ClientException) e).awsErrorDetails().errorMessage())
                                .startsWith("Invalid 'healthCheck.command' for container 'app'"));
        for (String bad :
                new String[] {"timeout:1", "timeout:61", "retries:0", "retries:11", "startPeriod:301", "interval:301"
                }) {
            String[] p = bad.split(":");
            int v = Integer.parseInt(p[1]);
            HealthCheck.Builder hc = HealthCheck.builder().command("CMD", "true");
            switch (p[0]) {
                case "timeout" -> hc.timeout(v);
                case "retries" -> hc.retries(v);
                case "startPeriod" -> hc.startPeriod(v);
                default -> hc.interval(v);
            }
            assertThatThrownBy(() -> ecs.registerTaskDefinition(r -> r.family("r")
                            .containerDefinitions(ContainerDefinition.builder()
                                    .name("app")
                                    .image(image)
                                    .memory(16)
                                    .healthCheck(hc.build())
                                    .build())))
                    .as(bad)
                    .isInstanceOf(ClientException.class)
                    .satisfies(e -> assertThat(
                                    ((ClientException) e).awsErrorDetails().errorMessage())
                            .startsWith("Invalid 'healthCheck." + p[0] + "' " + v));
        }
    }
}
