package dev.ballast.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.Ids;
import dev.ballast.model.DeploymentStatus;
import dev.ballast.store.Versioned;
import dev.ballast.testing.TestServer;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Deployment;

/**
 * {@link Deployer#redeploy}: the image lifecycle's forced new deployment (a gone digest with {@code reresolve}, a
 * moved tag with {@code autoRedeploy}) does what UpdateService's {@code forceNewDeployment} does, seen through the
 * AWS SDK; a service that is not ACTIVE gets none.
 */
class RedeployIT {
    @Test
    void aRedeployAddsAPrimaryDeploymentAndDemotesTheOldOne() {
        try (TestServer server = TestServer.sqlite(c -> c.simulatedInstances(0));
                EcsClient ecs = server.client()) {
            ecs.createCluster(c -> c.clusterName("life"));
            ecs.registerTaskDefinition(r -> r.family("idle")
                    .containerDefinitions(ContainerDefinition.builder()
                            .name("app")
                            .image("127.0.0.1:9/demo/idle:v1")
                            .memory(16)
                            .versionConsistency("disabled")
                            .build()));
            String arn = ecs.createService(r -> r.cluster("life")
                            .serviceName("web")
                            .taskDefinition("idle")
                            .desiredCount(0))
                    .service()
                    .serviceArn();
            Deployer deployer = new Deployer(server.server().store(), TestServer.ACCOUNT, new Ids(), Clock.systemUTC());

            var created = deployer.redeploy(arn, "test").orElseThrow();

            var deployments = ecs.describeServices(r -> r.cluster("life").services("web"))
                    .services()
                    .getFirst()
                    .deployments();
            assertThat(deployments).extracting(Deployment::status).containsExactly("PRIMARY", "ACTIVE");
            assertThat(deployments.getFirst().id()).isEqualTo(created.id());
            assertThat(deployments.getFirst().taskDefinition()).endsWith("task-definition/idle:1");

            ecs.deleteService(r -> r.cluster("life").service("web"));
            assertThat(deployer.redeploy(arn, "test")).isEmpty();
        }
    }

    @Test
    void aRedeployDecidedOnAnOldPrimaryLeavesTheUsersNewDeploymentAlone() {
        try (TestServer server = TestServer.sqlite(c -> c.simulatedInstances(0));
                EcsClient ecs = server.client()) {
            ecs.createCluster(c -> c.clusterName("life"));
            ecs.registerTaskDefinition(r -> r.family("idle")
                    .containerDefinitions(ContainerDefinition.builder()
                            .name("app")
                            .image("127.0.0.1:9/demo/idle:v1")
                            .memory(16)
                            .build()));
            String arn = ecs.createService(r -> r.cluster("life")
                            .serviceName("web")
                            .taskDefinition("idle")
                            .desiredCount(0))
                    .service()
                    .serviceArn();
            Deployer deployer = new Deployer(server.server().store(), TestServer.ACCOUNT, new Ids(), Clock.systemUTC());
            String decidedOn = server.server().store().deployments().ofService(arn).stream()
                    .map(Versioned::value)
                    .filter(d -> d.status().equals(DeploymentStatus.PRIMARY.wire()))
                    .findFirst()
                    .orElseThrow()
                    .revisionArn();
            // the user's UpdateService lands between the decision and the redeploy
            String users = ecs.updateService(
                            r -> r.cluster("life").service("web").forceNewDeployment(true))
                    .service()
                    .deployments()
                    .getFirst()
                    .id();

            assertThat(deployer.redeployFrom(arn, decidedOn, "test")).isEmpty();

            var deployments = ecs.describeServices(r -> r.cluster("life").services("web"))
                    .services()
                    .getFirst()
                    .deployments();
            assertThat(deployments.getFirst().id()).isEqualTo(users);
            assertThat(deployments)
                    .filteredOn(d -> d.status().equals("PRIMARY"))
                    .extracting(Deployment::id)
                    .containsExactly(users);
        }
    }
}
