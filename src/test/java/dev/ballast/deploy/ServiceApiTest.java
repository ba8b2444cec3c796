package dev.ballast.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.testing.Eventually;
import dev.ballast.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.ServiceNotActiveException;
import software.amazon.awssdk.services.ecs.model.ServiceNotFoundException;

/** The service and task API's own rules, errors and listings, through the AWS SDK (no tasks run). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceApiTest {
    private TestServer server;
    private EcsClient ecs;

    @BeforeAll
    void start() {
        server = TestServer.sqlite(c -> c.simulatedInstances(0));
        ecs = server.client();
        ecs.createCluster(c -> c.clusterName("api"));
        ecs.registerTaskDefinition(r -> r.family("idle")
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image("127.0.0.1:9/demo/idle:v1")
                        .memory(16)
                        .versionConsistency("disabled")
                        .build()));
    }

    @AfterAll
    void stop() {
        ecs.close();
        server.close();
    }

    @Test
    void listDescribeAndDelete() {
        List<String> names = IntStream.range(0, 12).mapToObj(i -> "svc-" + i).toList();
        names.forEach(n -> ecs.createService(
                r -> r.cluster("api").serviceName(n).taskDefinition("idle").desiredCount(0)));
        assertThat(ecs.listServicesPaginator(r -> r.cluster("api").maxResults(5)).serviceArns().stream()
                        .toList())
                .hasSize(12)
                .allMatch(a -> a.startsWith("arn:aws:ecs:us-east-1:123456789012:service/api/svc-"));
        var described = ecs.describeServices(r -> r.cluster("api").services("svc-1", "nope"));
        assertThat(described.services()).singleElement().satisfies(s -> {
            assertThat(s.status()).isEqualTo("ACTIVE");
            assertThat(s.deployments())
                    .singleElement()
                    .satisfies(d -> assertThat(d.status()).isEqualTo("PRIMARY"));
            assertThat(s.deploymentConfiguration().maximumPercent()).isEqualTo(200);
            assertThat(s.deploymentConfiguration().minimumHealthyPercent()).isEqualTo(100);
        });
        assertThat(described.failures())
                .singleElement()
                .satisfies(f -> assertThat(f.reason()).isEqualTo("MISSING"));

        ecs.updateService(r -> r.cluster("api").service("svc-2").desiredCount(3));
        assertThatThrownBy(() -> ecs.deleteService(r -> r.cluster("api").service("svc-2")))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("scaled above 0");
        assertThat(ecs.deleteService(r -> r.cluster("api").service("svc-2").force(true))
                        .service()
                        .status())
                .isEqualTo("DRAINING");
        Eventually.await(
                "service INACTIVE",
                Duration.ofSeconds(20),
                () -> ecs.describeServices(r -> r.cluster("api").services("svc-2"))
                        .services()
                        .get(0)
                        .status()
                        .equals("INACTIVE"));
        assertThatThrownBy(() ->
                        ecs.updateService(r -> r.cluster("api").service("svc-2").desiredCount(1)))
                .isInstanceOf(ServiceNotFoundException.class);
        // The name is free again once the old service is INACTIVE.
        assertThat(ecs.createService(r -> r.cluster("api")
                                .serviceName("svc-2")
                                .taskDefinition("idle")
                                .desiredCount(0))
                        .service()
                        .status())
                .isEqualTo("ACTIVE");
        ecs.deleteService(r -> r.cluster("api").service("svc-3"));
        assertThatThrownBy(() -> ecs.deleteService(r -> r.cluster("api").service("svc-3")))
                .isInstanceOfAny(ServiceNotActiveException.class, ServiceNotFoundException.class);
    }

    @Test
    void createServiceErrorsNameTheInput() {
        assertThatThrownBy(() -> ecs.createService(r -> r.cluster("nope")
                        .serviceName("x")
                        .taskDefinition("idle")
                        .desiredCount(1)))
                .isInstanceOf(ClusterNotFoundException.class);
        assertThatThrownBy(() -> ecs.createService(r -> r.cluster("api")
                        .serviceName("x")
                        .taskDefinition("missing")
                        .desiredCount(1)))
                .isInstanceOf(ClientException.class)
                .hasMessageContaining("missing");
        assertThatThrownBy(() -> ecs.createService(r -> r.cluster("api")
                        .serviceName("bad name")
                        .taskDefinition("idle")
                        .desiredCount(1)))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("serviceName");
        assertThatThrownBy(() -> ecs.createService(r -> r.cluster("api")
                        .serviceName("pct")
                        .taskDefinition("idle")
                        .desiredCount(1)
                        .deploymentConfiguration(d -> d.maximumPercent(100).minimumHealthyPercent(100))))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("deploymentConfiguration");
        assertThatThrownBy(() -> ecs.createService(r -> r.cluster("api")
                        .serviceName("neg")
                        .taskDefinition("idle")
                        .desiredCount(-1)))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("desiredCount");
        assertThatThrownBy(() -> ecs.createService(
                        r -> r.cluster("api").serviceName("nodesired").taskDefinition("idle")))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("desiredCount");
        assertThat(ecs.listServices(r -> r.cluster("api")).serviceArns())
                .noneMatch(a -> a.endsWith("/pct") || a.endsWith("/neg"));
    }

    @Test
    void createServiceIsIdempotentWithItsClientToken() {
        var first = ecs.createService(r -> r.cluster("api")
                        .serviceName("token")
                        .taskDefinition("idle")
                        .desiredCount(0)
                        .clientToken("abc-123"))
                .service();
        var again = ecs.createService(r -> r.cluster("api")
                        .serviceName("token")
                        .taskDefinition("idle")
                        .desiredCount(0)
                        .clientToken("abc-123"))
                .service();
        assertThat(again.serviceArn()).isEqualTo(first.serviceArn());
        assertThat(again.deployments()).hasSize(1);
        assertThatThrownBy(() -> ecs.createService(r -> r.cluster("api")
                        .serviceName("token")
                        .taskDefinition("idle")
                        .desiredCount(0)))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("already exists");
    }

    @Test
    void runTaskAndTaskErrors() {
        assertThatThrownBy(() ->
                        ecs.runTask(r -> r.cluster("api").taskDefinition("idle").count(11)))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("count");
        var noCapacity =
                ecs.runTask(r -> r.cluster("api").taskDefinition("idle").count(2));
        assertThat(noCapacity.tasks()).isEmpty();
        assertThat(noCapacity.failures())
                .singleElement()
                .satisfies(f -> assertThat(f.reason()).contains("No Container Instances"));
        assertThatThrownBy(() -> ecs.stopTask(r -> r.cluster("api").task("0123456789abcdef0123456789abcdef")))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("not found");
        var missing = ecs.describeTasks(r -> r.cluster("api").tasks("0123456789abcdef0123456789abcdef"));
        assertThat(missing.failures())
                .singleElement()
                .satisfies(f -> assertThat(f.reason()).isEqualTo("MISSING"));
    }
}
