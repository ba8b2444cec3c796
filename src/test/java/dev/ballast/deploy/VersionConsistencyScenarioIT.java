package dev.ballast.deploy;

import static dev.ballast.deploy.EcsHelpers.container;
import static dev.ballast.deploy.EcsHelpers.service;
import static dev.ballast.deploy.EcsHelpers.stable;
import static dev.ballast.deploy.EcsHelpers.tasks;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.image.Digest;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.ForwardingScript;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ScriptedServer;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceRevision;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The scenario users lived through, end to end: a real registry, the server with simulated container
 * instances that really fetch manifests, and the AWS SDK. {@code app} is pinned (consistent) and
 * {@code log-router} follows its tag (disabled), both on moving tags.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VersionConsistencyScenarioIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private RegistryFixture registry;
    private TestServer server;
    private EcsClient ecs;

    @BeforeAll
    void start() {
        registry = RegistryFixture.start();
        // a deleted pinned digest's pull failure itself: the pinned-image guard (which would stop the launch) is off
        server = TestServer.sqlite(
                c -> c.simulatedInstances(4).lifecycle(l -> l.withGuard(Duration.ZERO, l.guardCacheTtl())));
        ecs = server.client();
    }

    @AfterAll
    void stop() {
        ecs.close();
        server.close();
        registry.close();
    }

    @Test
    void pinnedAppStaysOnItsDigestWhileTheDisabledSidecarFollowsItsTag() {
        Digest app1 = registry.images().push("demo/app:v1", TestImages.Format.OCI, "app-1");
        Digest log1 = registry.images().push("demo/log:v1", TestImages.Format.OCI, "log-1");
        String appImage = registry.host() + "/demo/app:v1";
        String logImage = registry.host() + "/demo/log:v1";
        ecs.registerTaskDefinition(r -> r.family("scenario")
                .containerDefinitions(
                        ContainerDefinition.builder()
                                .name("app")
                                .image(appImage)
                                .memory(64)
                                .versionConsistency("consistent")
                                .build(),
                        ContainerDefinition.builder()
                                .name("log-router")
                                .image(logImage)
                                .memory(32)
                                .essential(false)
                                .versionConsistency("disabled")
                                .build()));
        ecs.createService(r -> r.serviceName("scenario")
                .taskDefinition("scenario")
                .desiredCount(3)
                .deploymentConfiguration(d -> d.minimumHealthyPercent(100).maximumPercent(200)));
        Eventually.await("3 tasks running", WAIT, () -> stable(ecs, "default", "scenario"));

        List<Task> first = tasks(ecs, "default", "scenario", DesiredStatus.RUNNING);
        assertThat(first).hasSize(3).allSatisfy(t -> {
            assertThat(container(t, "app").image()).isEqualTo(appImage);
            assertThat(container(t, "app").imageDigest()).isEqualTo(app1.toString());
            assertThat(container(t, "log-router").image()).isEqualTo(logImage);
            assertThat(container(t, "log-router").imageDigest()).isEqualTo(log1.toString());
        });
        assertThat(registry.images().inspectDigest("demo/app:v1")).isEqualTo(app1);

        Digest app2 = registry.images().moveTag("demo/app:v1", TestImages.Format.OCI, "app-2");
        Digest log2 = registry.images().moveTag("demo/log:v1", TestImages.Format.OCI, "log-2");
        assertThat(app2).isNotEqualTo(app1);

        ecs.updateService(r -> r.service("scenario").desiredCount(6));
        Eventually.await("6 tasks running", WAIT, () -> stable(ecs, "default", "scenario"));
        List<Task> scaled = tasks(ecs, "default", "scenario", DesiredStatus.RUNNING);
        List<String> firstArns = first.stream().map(Task::taskArn).toList();
        List<Task> added =
                scaled.stream().filter(t -> !firstArns.contains(t.taskArn())).toList();
        assertThat(added).hasSize(3).allSatisfy(t -> {
            assertThat(container(t, "app").imageDigest())
                    .as("scale-out keeps the deployment's digest")
                    .isEqualTo(app1.toString());
            assertThat(container(t, "log-router").imageDigest())
                    .as("disabled sidecar pulls the moved tag")
                    .isEqualTo(log2.toString());
        });
        String firstRevision = service(ecs, "default", "scenario")
                .currentServiceRevisions()
                .get(0)
                .arn();

        List<String> violations = new CopyOnWriteArrayList<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = Thread.ofVirtual().start(() -> {
            try (EcsClient watch = server.client()) {
                while (watching.get()) {
                    Service s = service(watch, "default", "scenario");
                    int running = s.deployments().stream()
                            .mapToInt(d -> d.runningCount())
                            .sum();
                    int total = s.deployments().stream()
                            .mapToInt(d -> d.runningCount() + d.pendingCount())
                            .sum();
                    if (total > 12 || running < 6 && s.deployments().size() > 1) {
                        violations.add("running " + running + ", running+pending " + total);
                    }
                }
            }
        });
        ecs.updateService(r -> r.service("scenario").forceNewDeployment(true));
        Eventually.await(
                "forced deployment completes",
                WAIT,
                () -> stable(ecs, "default", "scenario")
                        && !service(ecs, "default", "scenario")
                                .currentServiceRevisions()
                                .get(0)
                                .arn()
                                .equals(firstRevision));
        watching.set(false);
        try {
            watcher.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertThat(violations)
                .as("min 100%% / max 200%% of 6 held throughout the rollout")
                .isEmpty();
        String currentDeployment =
                service(ecs, "default", "scenario").deployments().get(0).id();
        assertThat(tasks(ecs, "default", "scenario", DesiredStatus.RUNNING))
                .hasSize(6)
                .allSatisfy(t -> {
                    assertThat(container(t, "app").imageDigest())
                            .as(
                                    "task %s of deployment %s (current %s, last status %s)",
                                    t.taskArn(), t.startedBy(), currentDeployment, t.lastStatus())
                            .isEqualTo(app2.toString());
                    assertThat(container(t, "app").image()).isEqualTo(appImage);
                });

        String secondRevision = service(ecs, "default", "scenario")
                .currentServiceRevisions()
                .get(0)
                .arn();
        List<ServiceRevision> revisions = ecs.describeServiceRevisions(
                        r -> r.serviceRevisionArns(firstRevision, secondRevision))
                .serviceRevisions();
        assertThat(revisions).hasSize(2);
        assertThat(revisions.get(0).containerImages()).anySatisfy(ci -> {
            assertThat(ci.containerName()).isEqualTo("app");
            assertThat(ci.image()).isEqualTo(appImage);
            assertThat(ci.imageDigest()).isEqualTo(app1.toString());
        });
        assertThat(revisions.get(1).containerImages()).anySatisfy(ci -> {
            assertThat(ci.containerName()).isEqualTo("app");
            assertThat(ci.imageDigest()).isEqualTo(app2.toString());
        });
        assertThat(revisions.get(1).containerImages()).anySatisfy(ci -> {
            assertThat(ci.containerName()).isEqualTo("log-router");
            assertThat(ci.imageDigest()).isNull();
        });
        List<String> events = service(ecs, "default", "scenario").events().stream()
                .map(e -> e.message())
                .toList();
        assertThat(events).anyMatch(m -> m.contains("has reached a steady state"));
        assertThat(events).anyMatch(m -> m.contains("app") && m.contains(app2.toString()));
    }

    @Test
    void runTaskResolvesOncePerCall() {
        Digest d = registry.images().push("demo/run:v1", TestImages.Format.DOCKER, "run-1");
        try (ScriptedServer proxy = ScriptedServer.start(new ForwardingScript(registry.baseUri()))) {
            String image = proxy.host() + "/demo/run:v1";
            ecs.registerTaskDefinition(r -> r.family("runner")
                    .containerDefinitions(ContainerDefinition.builder()
                            .name("job")
                            .image(image)
                            .memory(16)
                            .build()));
            List<Task> started = ecs.runTask(
                            r -> r.taskDefinition("runner").count(5).startedBy("batch-7"))
                    .tasks();
            assertThat(started).hasSize(5);
            List<String> arns = started.stream().map(Task::taskArn).toList();
            Eventually.await(
                    "5 tasks running",
                    WAIT,
                    () -> ecs.describeTasks(r -> r.tasks(arns)).tasks().stream()
                            .allMatch(t -> t.lastStatus().equals("RUNNING")));
            List<Task> running = ecs.describeTasks(r -> r.tasks(arns)).tasks();
            assertThat(running)
                    .extracting(t -> container(t, "job").imageDigest())
                    .containsOnly(d.toString());
            long tagRequests = proxy.count(q -> q.path().endsWith("/demo/run/manifests/v1"));
            assertThat(tagRequests)
                    .as("one tag resolution for the whole RunTask call")
                    .isEqualTo(1);
            assertThat(ecs.listTasks(r -> r.startedBy("batch-7")).taskArns()).hasSize(5);
            ecs.stopTask(r -> r.task(arns.get(0)).reason("done early"));
            Eventually.await(
                    "task stopped",
                    WAIT,
                    () -> ecs.describeTasks(r -> r.tasks(arns.get(0)))
                            .tasks()
                            .get(0)
                            .lastStatus()
                            .equals("STOPPED"));
            Task stopped = ecs.describeTasks(r -> r.tasks(arns.get(0))).tasks().get(0);
            assertThat(stopped.stopCodeAsString()).isEqualTo("UserInitiated");
            assertThat(stopped.stoppedReason()).isEqualTo("done early");
        }
    }

    @Test
    void deletedPinnedDigestStopsReplacementsWithAnEventNamingTheImage() {
        Digest d = registry.images().push("demo/gone:v1", TestImages.Format.OCI, "gone-1");
        String image = registry.host() + "/demo/gone:v1";
        ecs.registerTaskDefinition(r -> r.family("gone")
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image(image)
                        .memory(16)
                        .versionConsistency("enabled")
                        .build()));
        ecs.createService(r -> r.serviceName("gone").taskDefinition("gone").desiredCount(1));
        Eventually.await("1 task running", WAIT, () -> stable(ecs, "default", "gone"));
        registry.images().delete("demo/gone", d);

        ecs.updateService(r -> r.service("gone").desiredCount(4));
        Eventually.await(
                "a replacement fails to pull",
                WAIT,
                () -> service(ecs, "default", "gone").events().stream()
                        .anyMatch(e -> e.message().contains("CannotPullContainerError")));
        String event = service(ecs, "default", "gone").events().stream()
                .map(e -> e.message())
                .filter(m -> m.contains("CannotPullContainerError"))
                .findFirst()
                .orElseThrow();
        assertThat(event)
                .contains("(service gone)")
                .contains("app")
                .contains(image)
                .contains(d.toString());
        List<Task> stopped = tasks(ecs, "default", "gone", DesiredStatus.STOPPED);
        assertThat(stopped).isNotEmpty().allSatisfy(t -> {
            assertThat(t.stopCodeAsString()).isEqualTo("TaskFailedToStart");
            assertThat(container(t, "app").reason())
                    .startsWith("CannotPullContainerError")
                    .contains(d.toString());
        });
        ecs.updateService(r -> r.service("gone").desiredCount(0));
    }

    static List<String> names(List<Task> tasks) {
        List<String> out = new ArrayList<>();
        tasks.forEach(t -> out.add(t.taskArn()));
        return out;
    }
}
