package dev.ballast.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.api.Json;
import dev.ballast.cli.Main;
import dev.ballast.image.Digest;
import dev.ballast.model.DesiredStatus;
import dev.ballast.model.TaskStatus;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;
import dev.ballast.store.Versioned;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;

/**
 * The image lifecycle as a user combines it, over time, with every part running for real: a CNCF registry that
 * notifies the server, three services sharing a pinned app tag and a {@code disabled} log sidecar tag, their
 * policies set with {@code ballast service-policy}. A push of the sidecar tag is seen through the notification
 * (no polling: the watcher's interval is a day), shows as drift, and {@code refresh} rolls every service's sidecar
 * in waves of at most two services, never below minimumHealthyPercent, keeping the app's digest; the keep-list
 * then holds the app digest and both sidecar digests (the new one, and the old one as the rollback target). Then the
 * app tag is overwritten and its old digest deleted from the registry: the delete notification reaches the guard,
 * the {@code fail} services launch nothing more from it (a scale-out waits, its event says why), and the
 * {@code reresolve} service recovers on the tag's new digest with no manual step.
 */
class ImageLifecycleScenarioIT {
    private static final String TOKEN = "scenario-notification-token";
    private static final Duration WAIT = Duration.ofSeconds(180);

    @Test
    void aSidecarPushRefreshesEveryServiceInWavesAndADeletedAppDigestIsGuarded() {
        try (TestServer server = TestServer.sqlite(c -> c.simulatedInstances(2)
                        .lifecycle(l -> l.withNotificationToken(TOKEN).withWaveSize(2)));
                RegistryFixture registry =
                        RegistryFixture.startNotifying(server.endpoint().resolve("/registry-notifications"), TOKEN);
                EcsClient ecs = server.client()) {
            Store store = server.server().store();
            String app1 = registry.images()
                    .push("shop/app:v1", TestImages.Format.OCI, "app-1")
                    .toString();
            String logs1 = registry.images()
                    .push("shop/logs:stable", TestImages.Format.OCI, "logs-1")
                    .toString();
            ecs.registerTaskDefinition(r -> r.family("shop")
                    .containerDefinitions(
                            ContainerDefinition.builder()
                                    .name("app")
                                    .image(registry.host() + "/shop/app:v1")
                                    .memory(16)
                                    .versionConsistency("enabled")
                                    .build(),
                            ContainerDefinition.builder()
                                    .name("logs")
                                    .image(registry.host() + "/shop/logs:stable")
                                    .memory(16)
                                    .essential(false)
                                    .versionConsistency("disabled")
                                    .build()));
            List<String> names = List.of("cart", "checkout", "search");
            Map<String, String> arns = new ConcurrentHashMap<>();
            for (String name : names) {
                arns.put(
                        name,
                        ecs.createService(r -> r.serviceName(name)
                                        .taskDefinition("shop")
                                        .desiredCount(2)
                                        .deploymentConfiguration(d -> d.minimumHealthyPercent(50)
                                                .maximumPercent(200)
                                                .deploymentCircuitBreaker(
                                                        cb -> cb.enable(true).rollback(true))))
                                .service()
                                .serviceArn());
            }
            for (String name : names) {
                awaitRunning(store, arns.get(name), 2, app1, logs1);
                Run put = ballast(
                        server,
                        "service-policy",
                        "put",
                        name,
                        "--refresh",
                        "--cooldown",
                        "0s",
                        "--on-missing-image",
                        name.equals("search") ? "reresolve" : "fail");
                assertThat(put.exit()).as(put.err()).isZero();
            }

            // 1. the shared sidecar's tag moves: seen through the registry's notification, rolled in waves of two
            Map<String, Integer> fewestRunning = new ConcurrentHashMap<>();
            int[] mostRolling = {0};
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = Thread.ofPlatform().start(() -> {
                while (sampling.get()) {
                    for (String name : names) {
                        fewestRunning.merge(name, running(store, arns.get(name)).size(), Math::min);
                    }
                    int rolling = (int) store.movedTagRollouts().all().stream()
                            .filter(r -> r.outcome() == null)
                            .count();
                    mostRolling[0] = Math.max(mostRolling[0], rolling);
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            String logs2 = registry.images()
                    .moveTag("shop/logs:stable", TestImages.Format.OCI, "logs-2")
                    .toString();
            Eventually.await("the push is seen as drift of the sidecar", WAIT, () -> {
                JsonNode drift = driftOf(server, "cart", "logs");
                return logs2.equals(drift.path("registryDigest").asText());
            });
            for (String name : names) {
                awaitRunning(store, arns.get(name), 2, app1, logs2);
            }
            sampling.set(false);
            joinQuietly(sampler);
            assertThat(fewestRunning)
                    .as("running tasks per service at any sample (minimumHealthyPercent 50 of 2)")
                    .allSatisfy((name, fewest) -> assertThat(fewest).isGreaterThanOrEqualTo(1));
            assertThat(mostRolling[0])
                    .as("moved-tag rollouts in progress at once")
                    .isBetween(1, 2);
            Eventually.await(
                    "every sidecar converged on the moved tag",
                    WAIT,
                    () -> names.stream()
                            .map(n -> driftOf(server, n, "logs"))
                            .allMatch(d -> d.path("converged").asBoolean(false)
                                    && d.path("status").asText().equals("in-sync")));
            Run keep = ballast(server, "pins", "--output", "keep-list", "--registry", registry.host());
            assertThat(keep.exit()).as(keep.err()).isZero();
            assertThat(keep.out().lines().toList())
                    .contains(
                            registry.host() + "/shop/app@" + app1,
                            registry.host() + "/shop/logs@" + logs2,
                            registry.host() + "/shop/logs@" + logs1);

            // 2. the app tag is overwritten and its old digest collected: the guard stops fail services from
            // launching it and the reresolve service recovers on the tag's new digest
            String app2 = registry.images()
                    .moveTag("shop/app:v1", TestImages.Format.OCI, "app-2")
                    .toString();
            registry.images().delete("shop/app", Digest.parse(app1));
            Eventually.await(
                    "the delete notification marks the app digest missing",
                    WAIT,
                    () -> store.missingImages().all().stream()
                            .anyMatch(m -> m.digest().equals(app1)));
            server.server().reconcilers().passOnce(); // the guard's sweep now, not in ten minutes
            ecs.updateService(r -> r.service("cart").desiredCount(3));
            Eventually.await(
                    "cart says why it cannot launch",
                    WAIT,
                    () -> events(ecs, "cart").stream().anyMatch(m -> m.contains("cannot launch") && m.contains(app1)));
            awaitRunning(store, arns.get("search"), 2, app2, logs2);
            server.server().reconcilers().passOnce();
            assertThat(running(store, arns.get("cart")))
                    .as("cart launched nothing from the missing digest")
                    .hasSize(2)
                    .allSatisfy(t -> assertThat(digest(t, "app")).isEqualTo(app1));
            assertThat(store.tasks().liveOfService(arns.get("cart"))).hasSize(2);
            assertThat(events(ecs, "search")).anyMatch(m -> m.contains("resolve") && m.contains(app1));
        }
    }

    private static JsonNode driftOf(TestServer server, String service, String container) {
        Run run = ballast(server, "drift", "--service", service, "--output", "json");
        assertThat(run.exit()).as(run.err()).isZero();
        for (JsonNode c : Json.read(run.out()).path("services").path(0).path("containers")) {
            if (c.path("containerName").asText().equals(container)) {
                return c;
            }
        }
        throw new AssertionError("no container " + container + " in " + run.out());
    }

    /** Waits until exactly {@code n} tasks run {@code app} and {@code logs} and nothing else of the service is live. */
    private static void awaitRunning(Store store, String arn, int n, String app, String logs) {
        Eventually.await(n + " tasks of " + arn + " on " + app + " / " + logs, WAIT, () -> {
            List<TaskRow> running = running(store, arn);
            return running.size() == n
                    && store.tasks().liveOfService(arn).size() == n
                    && running.stream().allMatch(t -> app.equals(digest(t, "app")) && logs.equals(digest(t, "logs")));
        });
    }

    private static List<TaskRow> running(Store store, String arn) {
        return store.tasks().liveOfService(arn).stream()
                .map(Versioned::value)
                .filter(t -> t.desiredStatus().equals(DesiredStatus.RUNNING.wire())
                        && t.lastStatus().equals(TaskStatus.RUNNING.wire()))
                .toList();
    }

    private static String digest(TaskRow t, String container) {
        return t.containers().stream()
                .filter(c -> c.name().equals(container))
                .map(TaskRow.ContainerRow::imageDigest)
                .findFirst()
                .orElse(null);
    }

    private static List<String> events(EcsClient ecs, String service) {
        return ecs.describeServices(r -> r.services(service)).services().getFirst().events().stream()
                .map(ServiceEvent::message)
                .toList();
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    record Run(int exit, String out, String err) {}

    private static Run ballast(TestServer server, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("--endpoint", server.endpoint().toString(), "--access-key", "test", "--secret-key", "test"));
        CommandLine cmd = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }
}
