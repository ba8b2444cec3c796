package dev.ballast.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.testing.Eventually;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ScriptedServer;
import dev.ballast.testing.ScriptedServer.Reply;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * Issue 9 item 4: no wait for one registry holds up other services. Service A's images are on a registry that
 * accepts connections and never answers (or answers 429 with {@code Retry-After: 3600}); the server's registry
 * client is configured to wait as long as that registry asks (10 min per request, Retry-After up to 1 h), so
 * before resolution ran off the reconciler thread, service B on a real CNCF registry could not even start. B is
 * created, resolved, scaled out and reaches its steady state while A's request is still held. The figures printed
 * go to docs/benchmarks.md.
 */
class RegistryIsolationIT {

    static TestServer server() {
        return TestServer.sqlite(c -> c.registry(r -> r
                .withTimeouts(Duration.ofSeconds(5), Duration.ofMinutes(10))
                .withRetries(2, Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofHours(1))));
    }

    static void register(EcsClient ecs, String family, String image) {
        ecs.registerTaskDefinition(r -> r.family(family).containerDefinitions(ContainerDefinition.builder().name("app")
                .image(image).memory(16).versionConsistency("enabled").build()));
    }

    /** Creates A on the stalled registry, waits until it has asked, then drives B; returns B's figures. */
    static long[] unrelatedServiceProgresses(EcsClient ecs, ScriptedServer stalled, RegistryFixture registry) {
        register(ecs, "a", stalled.host() + "/a/app:v1");
        ecs.createService(r -> r.serviceName("a").taskDefinition("a").desiredCount(1));
        Eventually.await("A's resolution asked the stalled registry", Duration.ofSeconds(30), () -> !stalled.received().isEmpty());

        register(ecs, "b", registry.host() + "/b/app:v1");
        long start = System.nanoTime();
        ecs.createService(r -> r.serviceName("b").taskDefinition("b").desiredCount(1));
        Eventually.await("B steady at 1", Duration.ofSeconds(60), () -> EcsHelpers.stable(ecs, "default", "b")
                && EcsHelpers.service(ecs, "default", "b").runningCount() == 1);
        long steady = (System.nanoTime() - start) / 1_000_000;
        long scaleStart = System.nanoTime();
        ecs.updateService(r -> r.service("b").desiredCount(3));
        Eventually.await("B steady at 3", Duration.ofSeconds(60), () -> EcsHelpers.stable(ecs, "default", "b")
                && EcsHelpers.service(ecs, "default", "b").runningCount() == 3);
        long scaled = (System.nanoTime() - scaleStart) / 1_000_000;

        var a = EcsHelpers.service(ecs, "default", "a");
        assertThat(a.runningCount()).as("A has no image digest yet, so no task").isZero();
        assertThat(a.deployments()).singleElement().satisfies(d -> assertThat(d.rolloutStateAsString()).isEqualTo("IN_PROGRESS"));
        return new long[] {steady, scaled};
    }

    @Test
    void a_registry_that_never_answers_holds_up_only_its_own_service() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        try (RegistryFixture registry = RegistryFixture.start();
             ScriptedServer stalled = ScriptedServer.start(r -> {
                 gate.await();
                 return Reply.of(503);
             })) {
            registry.images().push("b/app:v1", TestImages.Format.OCI, "b");
            try (TestServer server = server(); EcsClient ecs = server.client()) {
                long[] b = unrelatedServiceProgresses(ecs, stalled, registry);
                System.out.printf("registry-isolation never-answers: B steady %d ms after CreateService, 1->3 in %d ms, "
                        + "A's registry received %d request(s)%n", b[0], b[1], stalled.received().size());
                assertThat(gate.getCount()).as("the gate is still closed").isEqualTo(1);
                assertThat(stalled.received()).as("A's one request, still held").hasSize(1);
            } finally {
                gate.countDown();
            }
        }
    }

    @Test
    void a_registry_answering_retry_after_an_hour_holds_up_only_its_own_service() throws Exception {
        try (RegistryFixture registry = RegistryFixture.start();
             ScriptedServer limited = ScriptedServer.start(r -> Reply.json(429,
                     "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"slow down\"}]}").with("Retry-After", "3600"))) {
            registry.images().push("b/app:v1", TestImages.Format.OCI, "b");
            try (TestServer server = server(); EcsClient ecs = server.client()) {
                long[] b = unrelatedServiceProgresses(ecs, limited, registry);
                System.out.printf("registry-isolation retry-after-3600: B steady %d ms after CreateService, 1->3 in %d ms, "
                        + "A's registry asked %d time(s)%n", b[0], b[1], limited.received().size());
            }
        }
    }
}
