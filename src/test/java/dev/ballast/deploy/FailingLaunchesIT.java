package dev.ballast.deploy;

import static dev.ballast.deploy.EcsHelpers.service;
import static dev.ballast.deploy.EcsHelpers.tasks;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.image.Digest;
import dev.ballast.schedule.InstanceHealth;
import dev.ballast.store.TaskRow;
import dev.ballast.store.Versioned;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * A service whose pinned image was deleted from a real registry after its deployment resolved, on simulated
 * instances (which really fetch manifests; an instance that pulled the image before keeps it, as an engine
 * does). Ten minutes of the server's clock pass in 5 s steps, each followed by a reconcile pass and the agents'
 * work, so the launch back-off, the failure count, the events and the stopped-task purge are checked over the
 * time they are about without waiting for it.
 */
class FailingLaunchesIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration RETENTION = Duration.ofMinutes(5);
    private static final String UNABLE =
            "is unable to consistently start tasks successfully. For more information, see the "
                    + "Troubleshooting section of the Amazon ECS Developer Guide.";
    private final OffsetClock clock =
            new OffsetClock(Duration.ofMinutes(-12)); // SigV4 allows 15 min of skew either way
    private RegistryFixture registry;
    private TestServer server;
    private EcsClient ecs;
    /** Every task of the service seen so far (they are purged later). */
    private final Set<String> seen = new HashSet<>();

    @BeforeEach
    void start() {
        registry = RegistryFixture.start();
        server = TestServer.sqlite(c -> c.simulatedInstances(2)
                .clock(clock)
                .agentHealth(new InstanceHealth.Settings(Duration.ofHours(1), Duration.ofHours(2)))
                .stoppedTaskRetention(RETENTION)
                // the launch back-off after failed pulls itself: the pinned-image guard would stop these launches
                .lifecycle(l -> l.withGuard(Duration.ZERO, l.guardCacheTtl())));
        ecs = server.client();
    }

    @AfterEach
    void stop() {
        ecs.close();
        server.close();
        registry.close();
    }

    @Test
    void aDeletedPinnedImageBacksOffLaunchesCountsFailuresKeepsTheExplanationAndPurgesOldTasks() {
        Digest digest = registry.images().push("demo/gone:v1", TestImages.Format.OCI, "gone-1");
        register("gone");
        ecs.createService(r -> r.serviceName("gone").taskDefinition("gone").desiredCount(0));
        awaitResolved("gone");
        Eventually.await("deployment of 0 tasks COMPLETED", WAIT, () -> EcsHelpers.stable(ecs, "default", "gone"));
        registry.images().delete("demo/gone", digest);
        ecs.updateService(r -> r.service("gone").desiredCount(1));

        List<Integer> launchedPerMinute = new ArrayList<>();
        List<String> firstMinute = new ArrayList<>();
        for (int minute = 0; minute < 10; minute++) {
            int before = seen.size();
            for (int step = 0; step < 12; step++) {
                step("gone");
            }
            launchedPerMinute.add(seen.size() - before);
            if (minute == 0) {
                firstMinute.addAll(seen);
            }
        }

        // without the back-off: one launch per 5 s guard, ~120 in 10 minutes; with it: 5, 10, 20, 40 … s apart
        assertThat(seen.size())
                .as("tasks launched in 10 minutes (per minute: %s)", launchedPerMinute)
                .isBetween(5, 10);
        assertThat(launchedPerMinute.subList(5, 10))
                .as("launches per minute once backed off")
                .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(1));
        Service s = service(ecs, "default", "gone");
        Deployment d = s.deployments().getFirst();
        assertThat(s.runningCount()).isZero();
        assertThat(d.failedTasks())
                .as("every failed task counted, also the purged ones")
                .isEqualTo(seen.size());
        assertThat(d.rolloutStateAsString()).isEqualTo("COMPLETED"); // scaling makes no deployment, as in ECS
        List<String> page = s.events().stream().map(ServiceEvent::message).toList();
        assertThat(page)
                .as("first page of events")
                .contains(
                        "(service gone) " + UNABLE
                                + " Task launches are backed off (doubling, at most 15 minutes between attempts) until a task reaches RUNNING.");
        // one copy per 5 minutes at most (an identical event is refreshed, not repeated, within that time)
        assertThat(page)
                .filteredOn(m -> m.contains("could not be pulled"))
                .hasSizeBetween(1, 3)
                .first()
                .asString()
                .startsWith("(service gone) could not start a task: the image " + registry.host()
                        + "/demo/gone:v1 of container " + "app, pinned to " + digest
                        + ", could not be pulled: CannotPullContainerError: ")
                .endsWith("If the pinned image was deleted from the registry, a forced new deployment "
                        + "(aws ecs update-service --force-new-deployment) re-resolves the tag.");
        assertThat(page.stream().filter(m -> m.contains(UNABLE)).count()).isBetween(1L, 3L);
        System.out.printf(
                "deleted pinned image: %d tasks launched in 10 minutes, per minute %s%n",
                seen.size(), launchedPerMinute);
        assertThat(gauge("ballast_launch_backoff_services")).isEqualTo(1);
        assertThat(gauge("ballast_tasks{status=\"STOPPED\"}"))
                .isEqualTo(tasks(ecs, "default", "gone", DesiredStatus.STOPPED).size());
        assertThat(gauge("ballast_tasks{status=\"RUNNING\"}")).isZero();
        assertThat(gauge("ballast_deployments{rollout_state=\"COMPLETED\"}")).isEqualTo(1);

        // stopped tasks older than the retention are gone; the recent ones are still shown
        assertThat(ecs.describeTasks(r -> r.tasks(firstMinute)).failures())
                .as("first minute's tasks purged")
                .hasSize(firstMinute.size())
                .allSatisfy(f -> assertThat(f.reason()).isEqualTo("MISSING"));
        List<Task> stopped = tasks(ecs, "default", "gone", DesiredStatus.STOPPED);
        assertThat(stopped)
                .isNotEmpty()
                .allSatisfy(t -> assertThat(t.stoppedAt())
                        .isAfter(clock.instant()
                                .minus(RETENTION)
                                .minus(StoppedTaskPurge.EVERY)
                                .minusSeconds(5)));

        // recovery as the event says: the tag is pushed again, a forced deployment re-resolves it, a task runs
        registry.images().push("demo/gone:v1", TestImages.Format.OCI, "gone-2");
        ecs.updateService(r -> r.service("gone").forceNewDeployment(true));
        for (int i = 0; i < 40 && !EcsHelpers.stable(ecs, "default", "gone"); i++) {
            step("gone");
        }
        assertThat(EcsHelpers.stable(ecs, "default", "gone")).isTrue();
        assertThat(service(ecs, "default", "gone").deployments().getFirst().failedTasks())
                .isZero();
        assertThat(gauge("ballast_launch_backoff_services")).isZero();
    }

    @Test
    void scalingOneToSixWithTheDeletedImageLaunchesAHandfulNotDozens() {
        Digest digest = registry.images().push("demo/scale:v1", TestImages.Format.OCI, "scale-1");
        register("scale");
        ecs.createService(r -> r.serviceName("scale").taskDefinition("scale").desiredCount(1));
        for (int i = 0; i < 60 && !EcsHelpers.stable(ecs, "default", "scale"); i++) {
            step("scale");
        }
        assertThat(EcsHelpers.stable(ecs, "default", "scale")).isTrue();
        registry.images().delete("demo/scale", digest);
        ecs.updateService(r -> r.service("scale").desiredCount(6));
        for (int step = 0; step < 120; step++) {
            step("scale");
        }
        Service s = service(ecs, "default", "scale");
        // the instance that pulled the image before keeps it, so some tasks run there; the other's all fail
        int running = s.runningCount();
        assertThat(running).isBetween(1, 5);
        int stopped = tasks(ecs, "default", "scale", DesiredStatus.STOPPED).size();
        int failed = seen.size() - running;
        assertThat(failed)
                .as("failed tasks in 10 minutes (36 without the back-off)")
                .isBetween(1, 15);
        assertThat(stopped).isLessThanOrEqualTo(failed);
        System.out.printf("scale 1 -> 6, image deleted: %d running, %d failed in 10 minutes%n", running, failed);
        assertThat(s.deployments().getFirst().failedTasks()).isEqualTo(failed);
        assertThat(s.events().stream().map(ServiceEvent::message))
                .anyMatch(m -> m.contains(UNABLE))
                .anyMatch(m -> m.contains("re-resolves the tag"));
    }

    @Test
    void anUnpinnedImageThatIsMissingSaysSoInASentence() {
        register("never"); // never pushed: resolution falls back to the tag (best effort), the pull of the tag fails
        ecs.createService(r -> r.serviceName("never").taskDefinition("never").desiredCount(1));
        for (int i = 0; i < 60 && seen.isEmpty(); i++) {
            step("never");
        }
        step("never");
        assertThat(service(ecs, "default", "never").events())
                .extracting(ServiceEvent::message)
                .filteredOn(m -> m.contains("could not be pulled"))
                .first()
                .asString()
                .startsWith(
                        "(service never) could not start a task: the image " + registry.host() + "/demo/never:v1 of "
                                + "container app could not be pulled (it is not pinned to a digest, so the tag as written was "
                                + "pulled): CannotPullContainerError: ")
                .doesNotContain("no digest: tag as written")
                .doesNotContain("force-new-deployment");
    }

    private void register(String family) {
        ecs.registerTaskDefinition(r -> r.family(family)
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image(registry.host() + "/demo/" + family + ":v1")
                        .memory(16)
                        .build()));
    }

    private void awaitResolved(String name) {
        Eventually.await("revision resolved", WAIT, () -> {
            String arn = service(ecs, "default", name)
                    .currentServiceRevisions()
                    .getFirst()
                    .arn();
            return ecs
                    .describeServiceRevisions(r -> r.serviceRevisionArns(arn))
                    .serviceRevisions()
                    .getFirst()
                    .containerImages()
                    .stream()
                    .allMatch(ci -> ci.imageDigest() != null);
        });
    }

    /** 5 s of the server's clock pass; then a reconcile pass, and the agents finish what it launched or stopped. */
    private void step(String name) {
        clock.advance(Duration.ofSeconds(5));
        server.server().reconcilers().passOnce();
        String arn = service(ecs, "default", name).serviceArn();
        Eventually.await("agents done with " + name, WAIT, () -> {
            List<TaskRow> live = server.server().store().tasks().liveOfService(arn).stream()
                    .map(Versioned::value)
                    .toList();
            live.forEach(t -> seen.add(t.arn()));
            return live.stream()
                    .allMatch(t -> t.lastStatus().equals("RUNNING")
                            && t.desiredStatus().equals("RUNNING"));
        });
        tasks(ecs, "default", name, DesiredStatus.STOPPED).forEach(t -> seen.add(t.taskArn()));
    }

    private int gauge(String name) {
        try {
            String body = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(server.endpoint().resolve("/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            return body.lines()
                    .filter(l -> l.startsWith(name + " ")
                            || l.startsWith(name + "{")
                            || name.endsWith("}") && l.startsWith(name.substring(0, name.length() - 1)))
                    .findFirst()
                    .map(l -> (int) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                    .orElseThrow(() -> new AssertionError("no " + name + " in /metrics"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The real time plus an offset the test moves forward (the server's controllers, agents and store use it). */
    static final class OffsetClock extends Clock {
        private final AtomicLong offset;

        OffsetClock(Duration start) {
            this.offset = new AtomicLong(start.toMillis());
        }

        void advance(Duration d) {
            offset.addAndGet(d.toMillis());
        }

        @Override
        public Instant instant() {
            return Instant.now().plusMillis(offset.get());
        }

        @Override
        public long millis() {
            return System.currentTimeMillis() + offset.get();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
