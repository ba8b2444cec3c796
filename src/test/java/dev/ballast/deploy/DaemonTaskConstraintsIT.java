package dev.ballast.deploy;

import static dev.ballast.deploy.EcsHelpers.service;
import static dev.ballast.deploy.EcsHelpers.stable;
import static dev.ballast.deploy.EcsHelpers.tasks;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.Store;
import dev.ballast.store.Versioned;
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
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * DAEMON services whose {@code memberOf} reads the instance's tasks, through the AWS SDK against a running server
 * with two simulated instances: a sidecar limited to instances running a {@code service:web} task runs exactly
 * there (the other services' tasks are what the expression sees), and an expression stored before it was checked
 * (one an older server stored, refused today) gives a service event naming it instead of a failing reconcile.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DaemonTaskConstraintsIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private RegistryFixture registry;
    private TestServer server;
    private EcsClient ecs;

    @BeforeAll
    void start() {
        registry = RegistryFixture.start();
        registry.images().push("demo/sidecar:v1", TestImages.Format.OCI, "sidecar-1");
        registry.images().push("demo/web:v1", TestImages.Format.OCI, "web-1");
        server = TestServer.sqlite(c -> c.simulatedInstances(2));
        ecs = server.client();
        for (String family : new String[] {"sidecar", "web"}) {
            ecs.registerTaskDefinition(r -> r.family(family)
                    .containerDefinitions(ContainerDefinition.builder()
                            .name("app")
                            .image(registry.host() + "/demo/" + family + ":v1")
                            .memory(16)
                            .build()));
        }
    }

    @AfterAll
    void stop() {
        ecs.close();
        server.close();
        registry.close();
    }

    @Test
    void aDaemonLimitedToInstancesRunningAGroupRunsBesideIt() {
        ecs.createService(r -> r.serviceName("web").taskDefinition("web").desiredCount(1));
        Eventually.await("web stable", WAIT, () -> stable(ecs, "default", "web"));
        String webInstance = running("web").getFirst().containerInstanceArn();

        ecs.createService(r -> r.serviceName("sidecar")
                .taskDefinition("sidecar")
                .schedulingStrategy("DAEMON")
                .placementConstraints(c -> c.type("memberOf").expression("task:group == service:web")));
        Eventually.await(
                "one sidecar, beside the web task",
                WAIT,
                () -> stable(ecs, "default", "sidecar")
                        && running("sidecar").size() == 1
                        && running("sidecar").getFirst().containerInstanceArn().equals(webInstance));
        assertThat(service(ecs, "default", "sidecar").desiredCount())
                .as("only the instance running a web task qualifies")
                .isEqualTo(1);
        assertThat(running("sidecar"))
                .as("the sidecar is not stopped as not eligible")
                .singleElement()
                .satisfies(t -> assertThat(t.lastStatus()).isEqualTo("RUNNING"));
    }

    @Test
    void anExpressionThatNoLongerParsesIsSaidAsAServiceEvent() {
        ecs.createCluster(r -> r.clusterName("stored-before"));
        ecs.createService(r -> r.cluster("stored-before")
                .serviceName("guarded")
                .taskDefinition("sidecar")
                .schedulingStrategy("DAEMON")
                .placementConstraints(c -> c.type("memberOf").expression("attribute:zone =~ \"a+\"")));
        // as if stored by an older server that accepted it ('=' is not an operator of the query language)
        String stale = "attribute:zone = a";
        Store store = server.server().store();
        Versioned<ServiceRow> stored =
                store.services().live("stored-before", "guarded").orElseThrow();
        ObjectNode spec = stored.value().spec().deepCopy();
        ArrayNode constraints = (ArrayNode) spec.get("placementConstraints");
        ((ObjectNode) constraints.get(0)).put("expression", stale);
        assertThat(store.services()
                        .update(
                                stored.value().withTaskDefinition(stored.value().taskDefinitionArn(), spec),
                                stored.version()))
                .isTrue();

        Eventually.await(
                "an event naming the expression",
                WAIT,
                () -> events("stored-before", "guarded").stream()
                        .anyMatch(e -> e.message().contains("(service guarded) was unable to place a task")
                                && e.message().contains(stale)));
        assertThat(events("stored-before", "guarded"))
                .filteredOn(e -> e.message().contains(stale))
                .as("said once, not every pass")
                .hasSize(1);
    }

    private List<ServiceEvent> events(String cluster, String name) {
        return service(ecs, cluster, name).events();
    }

    private List<Task> running(String name) {
        return tasks(ecs, "default", name, DesiredStatus.RUNNING);
    }
}
