package dev.ballast.deploy;

import static dev.ballast.deploy.EcsHelpers.container;
import static dev.ballast.deploy.EcsHelpers.service;
import static dev.ballast.deploy.EcsHelpers.stable;
import static dev.ballast.deploy.EcsHelpers.tasks;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.image.Digest;
import dev.ballast.resolve.ResolveSettings;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.ForwardingScript;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ScriptedServer;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Failure modes: registry unreachable (strict fails, best-effort falls back), rollback after the tag
 * moved (recorded digests, no tag request), and 50 services sharing a sidecar force-deployed at once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResolutionFailureIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private RegistryFixture registry;
    private ScriptedServer proxy;
    private TestServer server;
    private EcsClient ecs;

    @BeforeAll
    void start() {
        registry = RegistryFixture.start();
        proxy = ScriptedServer.start(new ForwardingScript(registry.baseUri()));
        server = TestServer.sqlite(c -> c.simulatedInstances(4)
                .resolve(new ResolveSettings(
                        3, 3, Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofSeconds(5))));
        ecs = server.client();
    }

    @AfterAll
    void stop() {
        ecs.close();
        server.close();
        proxy.close();
        registry.close();
    }

    private String unreachable(String repoTag) {
        return "127.0.0.1:" + RegistryFixture.freePort() + "/" + repoTag;
    }

    @Test
    void strictFailsWithoutStartingTasksAndRunningTasksStayUntouched() {
        Digest d = registry.images().push("demo/strict:v1", TestImages.Format.OCI, "strict-1");
        ecs.registerTaskDefinition(r -> r.family("strict")
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image(registry.host() + "/demo/strict:v1")
                        .memory(16)
                        .versionConsistency("consistent")
                        .build()));
        ecs.createService(r -> r.serviceName("strict").taskDefinition("strict").desiredCount(2));
        Eventually.await("2 tasks running", WAIT, () -> stable(ecs, "default", "strict"));
        List<String> before = tasks(ecs, "default", "strict", DesiredStatus.RUNNING).stream()
                .map(Task::taskArn)
                .sorted()
                .toList();

        String td2 = ecs.registerTaskDefinition(r -> r.family("strict")
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("app")
                                .image(unreachable("demo/strict:v2"))
                                .memory(16)
                                .versionConsistency("consistent")
                                .build()))
                .taskDefinition()
                .taskDefinitionArn();
        ecs.updateService(r -> r.service("strict").taskDefinition(td2));
        Eventually.await(
                "new deployment failed",
                WAIT,
                () -> service(ecs, "default", "strict").deployments().stream()
                        .anyMatch(x -> x.taskDefinition().equals(td2)
                                && x.rolloutStateAsString().equals("FAILED")));
        Deployment failed = service(ecs, "default", "strict").deployments().stream()
                .filter(x -> x.taskDefinition().equals(td2))
                .findFirst()
                .orElseThrow();
        assertThat(failed.rolloutStateReason()).contains("app").contains("strict:v2");
        assertThat(failed.runningCount() + failed.pendingCount()).isZero();
        assertThat(tasks(ecs, "default", "strict", DesiredStatus.RUNNING).stream()
                        .map(Task::taskArn)
                        .sorted()
                        .toList())
                .as("running tasks untouched")
                .isEqualTo(before);
        assertThat(tasks(ecs, "default", "strict", DesiredStatus.RUNNING))
                .allSatisfy(t -> assertThat(container(t, "app").imageDigest()).isEqualTo(d.toString()));
        assertThat(ecs.listTasks(r -> r.serviceName("strict").desiredStatus(DesiredStatus.STOPPED))
                        .taskArns())
                .as("no task of the failed revision was started")
                .isEmpty();
        ecs.updateService(r -> r.service("strict").desiredCount(0));
    }

    @Test
    void bestEffortContinuesOnTheTagAfterThreeAttempts() {
        String image = unreachable("demo/loose:v1");
        ecs.registerTaskDefinition(r -> r.family("loose")
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image(image)
                        .memory(16)
                        .build()));
        ecs.createService(r -> r.serviceName("loose").taskDefinition("loose").desiredCount(0));
        Eventually.await(
                "fallback recorded",
                WAIT,
                () -> service(ecs, "default", "loose").events().stream()
                        .anyMatch(e -> e.message().contains("continuing on tag")));
        String revision = service(ecs, "default", "loose")
                .currentServiceRevisions()
                .get(0)
                .arn();
        var images = ecs.describeServiceRevisions(r -> r.serviceRevisionArns(revision))
                .serviceRevisions()
                .get(0)
                .containerImages();
        assertThat(images).singleElement().satisfies(ci -> {
            assertThat(ci.image()).isEqualTo(image);
            assertThat(ci.imageDigest()).isNull();
        });
        assertThat(service(ecs, "default", "loose").deployments().get(0).rolloutStateAsString())
                .isNotEqualTo("FAILED");
    }

    @Test
    void rollbackReusesRecordedDigestsWithoutAskingTheRegistry() {
        Digest d1 = registry.images().push("demo/roll:v1", TestImages.Format.OCI, "roll-1");
        String image = proxy.host() + "/demo/roll:v1";
        ecs.registerTaskDefinition(r -> r.family("roll")
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image(image)
                        .memory(16)
                        .versionConsistency("consistent")
                        .build()));
        ecs.createService(r -> r.serviceName("roll")
                .taskDefinition("roll")
                .desiredCount(2)
                .deploymentConfiguration(
                        c -> c.deploymentCircuitBreaker(b -> b.enable(true).rollback(true))));
        Eventually.await("2 tasks running", WAIT, () -> stable(ecs, "default", "roll"));
        registry.images().moveTag("demo/roll:v1", TestImages.Format.OCI, "roll-2");
        long tagRequestsBefore = proxy.count(q -> q.path().endsWith("/demo/roll/manifests/v1"));

        String td2 = ecs.registerTaskDefinition(r -> r.family("roll")
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("app")
                                .image(proxy.host() + "/demo/roll:missing")
                                .memory(16)
                                .versionConsistency("consistent")
                                .build()))
                .taskDefinition()
                .taskDefinitionArn();
        ecs.updateService(r -> r.service("roll").taskDefinition(td2));
        try {
            Eventually.await(
                    "rolled back and stable",
                    WAIT,
                    () -> service(ecs, "default", "roll").events().stream()
                                    .anyMatch(e -> e.message().contains("rolling back"))
                            && stable(ecs, "default", "roll")
                            && service(ecs, "default", "roll").taskDefinition().endsWith("roll:1"));
        } catch (AssertionError e) {
            var s = service(ecs, "default", "roll");
            throw new AssertionError(
                    e.getMessage() + "; service " + s.taskDefinition() + " deployments " + s.deployments() + " events "
                            + s.events().stream().map(x -> x.message()).toList(),
                    e);
        }
        assertThat(tasks(ecs, "default", "roll", DesiredStatus.RUNNING))
                .hasSize(2)
                .allSatisfy(t -> assertThat(container(t, "app").imageDigest()).isEqualTo(d1.toString()));
        assertThat(proxy.count(q -> q.path().endsWith("/demo/roll/manifests/v1")))
                .as("rollback sends no tag request")
                .isEqualTo(tagRequestsBefore);
        var deployments = ecs.listServiceDeployments(r -> r.service("roll")).serviceDeployments();
        assertThat(deployments).extracting(x -> x.statusAsString()).contains("ROLLBACK_SUCCESSFUL");
    }

    @Test
    void fiftyServicesSharingASidecarSendOneRequestPerUniqueReference() {
        registry.images().push("demo/shared-sidecar:v1", TestImages.Format.OCI, "side-1");
        registry.images().push("demo/web:v1", TestImages.Format.OCI, "web-1");
        String sidecar = proxy.host() + "/demo/shared-sidecar:v1";
        String web = proxy.host() + "/demo/web:v1";
        ecs.registerTaskDefinition(r -> r.family("fleet")
                .containerDefinitions(
                        ContainerDefinition.builder()
                                .name("web")
                                .image(web)
                                .memory(16)
                                .build(),
                        ContainerDefinition.builder()
                                .name("sidecar")
                                .image(sidecar)
                                .memory(16)
                                .essential(false)
                                .build()));
        List<String> names = IntStream.range(0, 50).mapToObj(i -> "fleet-" + i).toList();
        names.forEach(n ->
                ecs.createService(r -> r.serviceName(n).taskDefinition("fleet").desiredCount(0)));
        Eventually.await("50 services resolved", WAIT, () -> names.stream().allMatch(n -> resolved(n)));
        try {
            Thread.sleep(5_500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long sidecarBefore =
                proxy.count(q -> q.method().equals("HEAD") && q.path().endsWith("/demo/shared-sidecar/manifests/v1"));
        long webBefore = proxy.count(q -> q.method().equals("HEAD") && q.path().endsWith("/demo/web/manifests/v1"));
        List<String> oldRevisions = names.stream()
                .map(n -> service(ecs, "default", n)
                        .currentServiceRevisions()
                        .get(0)
                        .arn())
                .toList();

        // "At once": 50 callers released together (a parallel stream has only as many threads as cores, which
        // on 2 loaded cores spread the burst over seconds).
        CountDownLatch go = new CountDownLatch(1);
        try (var callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> calls = names.stream()
                    .map(n -> callers.submit(() -> {
                        go.await();
                        return ecs.updateService(r -> r.service(n).forceNewDeployment(true));
                    }))
                    .<Future<?>>map(f -> f)
                    .toList();
            go.countDown();
            for (Future<?> f : calls) {
                try {
                    f.get();
                } catch (Exception e) {
                    throw new AssertionError("UpdateService failed", e);
                }
            }
        }
        Eventually.await(
                "50 new revisions resolved",
                WAIT,
                () -> names.stream()
                        .allMatch(n -> resolved(n)
                                && !oldRevisions.contains(service(ecs, "default", n)
                                        .currentServiceRevisions()
                                        .get(0)
                                        .arn())));
        assertThat(proxy.count(q -> q.method().equals("HEAD") && q.path().endsWith("/demo/shared-sidecar/manifests/v1"))
                        - sidecarBefore)
                .as("sidecar tag requests for 50 force-deployments")
                .isLessThanOrEqualTo(1);
        assertThat(proxy.count(q -> q.method().equals("HEAD") && q.path().endsWith("/demo/web/manifests/v1"))
                        - webBefore)
                .as("web tag requests for 50 force-deployments")
                .isLessThanOrEqualTo(1);
    }

    private boolean resolved(String service) {
        String arn = service(ecs, "default", service)
                .currentServiceRevisions()
                .get(0)
                .arn();
        return ecs
                .describeServiceRevisions(r -> r.serviceRevisionArns(arn))
                .serviceRevisions()
                .get(0)
                .containerImages()
                .stream()
                .allMatch(ci -> ci.imageDigest() != null);
    }
}
