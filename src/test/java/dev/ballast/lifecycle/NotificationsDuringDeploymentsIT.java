package dev.ballast.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.image.Digest;
import dev.ballast.model.TagKey;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.NotificationPoster;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Notifications arriving while 50 services deploy: a registry notifying the server for real, plus a client posting
 * distribution and Harbor notifications as fast as it can (pushes claiming the services' tag moved to digests that do
 * not exist, deletes of unrelated digests, pulls, unknown types, bad JSON). Every notification is answered without a
 * 5xx, and every service still runs the digest its deployment resolved from the registry: notifications feed tag
 * states, never resolution.
 */
class NotificationsDuringDeploymentsIT {
    private static final String TOKEN = "during-deployments";
    private static final int SERVICES = 50;

    @Test
    void fiftyServicesResolveFromTheRegistryWhileNotificationsArrive() throws Exception {
        try (TestServer server =
                        TestServer.sqlite(c -> c.simulatedInstances(5).lifecycle(l -> l.withNotificationToken(TOKEN)));
                RegistryFixture registry =
                        RegistryFixture.startNotifying(server.endpoint().resolve("/registry-notifications"), TOKEN);
                EcsClient ecs = server.client()) {
            Digest d1 = registry.images().push("scen/app:v1", TestImages.Format.OCI, "app-1");
            ecs.registerTaskDefinition(r -> r.family("scen")
                    .containerDefinitions(ContainerDefinition.builder()
                            .name("app")
                            .image(registry.host() + "/scen/app:v1")
                            .memory(16)
                            .build()));

            NotificationPoster poster = new NotificationPoster(server.endpoint());
            Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
            AtomicBoolean deploying = new AtomicBoolean(true);
            Thread noise = Thread.ofVirtual().start(() -> {
                for (int i = 0; deploying.get(); i++) {
                    String fake = "sha256:%064x".formatted(i);
                    String body = switch (i % 5) {
                        case 0 -> NotificationPoster.distribution("push", registry.host(), "scen/app", "v1", fake);
                        case 1 ->
                            NotificationPoster.harbor("DELETE_ARTIFACT", registry.host(), "scen/other", null, fake);
                        case 2 -> NotificationPoster.distribution("pull", registry.host(), "scen/app", null, fake);
                        case 3 -> NotificationPoster.harbor("REPLICATION", registry.host(), "scen/app", "v1", fake);
                        default -> "{\"events\": [ {";
                    };
                    int status = poster.post("Bearer " + TOKEN, null, body).status();
                    statuses.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
                }
            });

            for (int i = 0; i < SERVICES; i++) {
                String name = "svc-" + i;
                ecs.createService(
                        r -> r.serviceName(name).taskDefinition("scen").desiredCount(1));
            }
            Eventually.await("every service running its task", Duration.ofMinutes(3), () -> allSteady(ecs));
            // the noise ends first: its fake pushes name the same tag, and the last notification decides the state
            deploying.set(false);
            noise.join();
            // a real push to the tag while they run: its state follows, the services do not
            Digest d2 = registry.images().moveTag("scen/app:v1", TestImages.Format.OCI, "app-2");
            TagKey key = new TagKey(registry.host(), "scen/app", "v1");
            Eventually.await(
                    "the real push's state",
                    Duration.ofSeconds(60),
                    () -> server.server()
                            .store()
                            .tagStates()
                            .find(key)
                            .map(s -> d2.toString().equals(s.digest()))
                            .orElse(false));

            List<String> arns = ecs.listTasks(r -> r.maxResults(100)).taskArns();
            assertThat(arns).hasSize(SERVICES);
            List<Task> tasks = ecs.describeTasks(r -> r.tasks(arns)).tasks();
            assertThat(tasks)
                    .flatExtracting(Task::containers)
                    .extracting(Container::imageDigest)
                    .as("every task runs what the registry served when its service deployed")
                    .containsOnly(d1.toString());
            System.out.printf("notification answers while deploying: %s%n", statuses);
            assertThat(statuses.keySet()).containsOnly(200, 400);
            assertThat(statuses.get(200).get()).isGreaterThan(SERVICES);
        }
    }

    private static boolean allSteady(EcsClient ecs) {
        List<Service> services = new ArrayList<>();
        for (int from = 0; from < SERVICES; from += 10) {
            List<String> names = new ArrayList<>();
            for (int i = from; i < from + 10; i++) {
                names.add("svc-" + i);
            }
            services.addAll(ecs.describeServices(r -> r.services(names)).services());
        }
        return services.size() == SERVICES
                && services.stream()
                        .allMatch(s -> s.runningCount() == 1 && s.deployments().size() == 1);
    }
}
