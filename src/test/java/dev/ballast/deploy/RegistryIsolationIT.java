package dev.ballast.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.cli.ServerConfig;
import dev.ballast.resolve.ResolveSettings;
import dev.ballast.store.ShardLeases;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.PostgresFixture;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ScriptedServer;
import dev.ballast.testing.ScriptedServer.Reply;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;

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
        return TestServer.sqlite(c -> c.registry(r -> r.withTimeouts(Duration.ofSeconds(5), Duration.ofMinutes(10))
                .withRetries(2, Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofHours(1))));
    }

    static void register(EcsClient ecs, String family, String image) {
        ecs.registerTaskDefinition(r -> r.family(family)
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image(image)
                        .memory(16)
                        .versionConsistency("enabled")
                        .build()));
    }

    /** Creates A on the stalled registry, waits until it has asked, then drives B; returns B's figures. */
    static long[] unrelatedServiceProgresses(EcsClient ecs, ScriptedServer stalled, RegistryFixture registry) {
        register(ecs, "a", stalled.host() + "/a/app:v1");
        ecs.createService(r -> r.serviceName("a").taskDefinition("a").desiredCount(1));
        Eventually.await(
                "A's resolution asked the stalled registry",
                Duration.ofSeconds(30),
                () -> !stalled.received().isEmpty());

        register(ecs, "b", registry.host() + "/b/app:v1");
        long start = System.nanoTime();
        ecs.createService(r -> r.serviceName("b").taskDefinition("b").desiredCount(1));
        Eventually.await(
                "B steady at 1",
                Duration.ofSeconds(60),
                () -> EcsHelpers.stable(ecs, "default", "b")
                        && EcsHelpers.service(ecs, "default", "b").runningCount() == 1);
        long steady = (System.nanoTime() - start) / 1_000_000;
        long scaleStart = System.nanoTime();
        ecs.updateService(r -> r.service("b").desiredCount(3));
        Eventually.await(
                "B steady at 3",
                Duration.ofSeconds(60),
                () -> EcsHelpers.stable(ecs, "default", "b")
                        && EcsHelpers.service(ecs, "default", "b").runningCount() == 3);
        long scaled = (System.nanoTime() - scaleStart) / 1_000_000;

        var a = EcsHelpers.service(ecs, "default", "a");
        assertThat(a.runningCount()).as("A has no image digest yet, so no task").isZero();
        assertThat(a.deployments())
                .singleElement()
                .satisfies(d -> assertThat(d.rolloutStateAsString()).isEqualTo("IN_PROGRESS"));
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
            try (TestServer server = server();
                    EcsClient ecs = server.client()) {
                long[] b = unrelatedServiceProgresses(ecs, stalled, registry);
                System.out.printf(
                        "registry-isolation never-answers: B steady %d ms after CreateService, 1->3 in %d ms, "
                                + "A's registry received %d request(s)%n",
                        b[0], b[1], stalled.received().size());
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
                ScriptedServer limited = ScriptedServer.start(
                        r -> Reply.json(429, "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"slow down\"}]}")
                                .with("Retry-After", "3600"))) {
            registry.images().push("b/app:v1", TestImages.Format.OCI, "b");
            try (TestServer server = server();
                    EcsClient ecs = server.client()) {
                long[] b = unrelatedServiceProgresses(ecs, limited, registry);
                System.out.printf(
                        "registry-isolation retry-after-3600: B steady %d ms after CreateService, 1->3 in %d ms, "
                                + "A's registry asked %d time(s)%n",
                        b[0], b[1], limited.received().size());
            }
        }
    }

    /**
     * Issue 10: on PostgreSQL with a 2 s controller lease, A (registry accepting connections, never answering; 15 s
     * request timeout, strict, 2 attempts) and B (a real registry) are created at the same moment. B reaches its
     * steady state while A's first request is still held; A then shows the retrying (pending) event and finally its
     * strict outcome, a failed deployment; the lease stays with its one holder, never expired, all along.
     */
    @Test
    void on_postgres_a_stalled_registry_holds_up_neither_other_services_nor_the_controller_lease() throws Exception {
        String store = PostgresFixture.newDatabase();
        CountDownLatch gate = new CountDownLatch(1);
        try (RegistryFixture registry = RegistryFixture.start();
                ScriptedServer stalled = ScriptedServer.start(r -> {
                    gate.await();
                    return Reply.of(503);
                })) {
            registry.images().push("b/app:v1", TestImages.Format.OCI, "b");
            registry.images().push("c/app:v1", TestImages.Format.OCI, "c");
            try (TestServer server = TestServer.start(
                            store,
                            c -> c.replica(new ServerConfig.Replica("isolation", Duration.ofSeconds(2)))
                                    .resolve(new ResolveSettings(
                                            2,
                                            2,
                                            Duration.ofMillis(200),
                                            Duration.ofMillis(400),
                                            Duration.ofSeconds(1)))
                                    .registry(r -> r.withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(15))
                                            .withRetries(
                                                    1,
                                                    Duration.ofMillis(200),
                                                    Duration.ofSeconds(1),
                                                    Duration.ofSeconds(1))));
                    EcsClient ecs = server.client()) {
                LeaseWatch lease = new LeaseWatch(server.server().store().shardLeases());
                register(ecs, "c", registry.host() + "/c/app:v1");
                long alone = steadyMillis(ecs, "c", lease);

                register(ecs, "a", stalled.host() + "/a/app:v1");
                register(ecs, "b", registry.host() + "/b/app:v1");
                ecs.createService(r -> r.serviceName("a").taskDefinition("a").desiredCount(1));
                long withA = steadyMillis(ecs, "b", lease);
                assertThat(events(ecs, "a"))
                        .as("B is steady while A's first request is still held: no outcome for A yet")
                        .noneMatch(m -> m.contains("could not resolve") || m.contains("deployment failed"));
                assertThat(stalled.received()).as("A's registry was asked").isNotEmpty();

                Eventually.await("A shows its pending resolution", Duration.ofSeconds(60), () -> {
                    lease.check();
                    return events(ecs, "a").stream()
                            .anyMatch(m -> m.contains("could not resolve") && m.contains("retrying"));
                });
                Eventually.await("A's strict outcome: its deployment failed", Duration.ofSeconds(90), () -> {
                    lease.check();
                    return "FAILED"
                            .equals(EcsHelpers.service(ecs, "default", "a")
                                    .deployments()
                                    .getFirst()
                                    .rolloutStateAsString());
                });
                assertThat(events(ecs, "a")).anyMatch(m -> m.contains("giving up"));
                lease.check();
                assertThat(lease.lapses).as("the controller lease never lapsed").isEmpty();
                assertThat(lease.holders).as("one holder all along").hasSize(1);
                assertThat(lease.samples)
                        .as("the lease was watched while A waited")
                        .isGreaterThan(10);
                System.out.printf(
                        "registry-isolation postgres: C alone steady %d ms after CreateService; B created with A "
                                + "(stalled registry) steady %d ms after; lease held by one replica, never expired, over %d samples%n",
                        alone, withA, lease.samples);
            } finally {
                gate.countDown();
            }
        }
    }

    private static long steadyMillis(EcsClient ecs, String name, LeaseWatch lease) {
        long start = System.nanoTime();
        ecs.createService(r -> r.serviceName(name).taskDefinition(name).desiredCount(1));
        Eventually.await(name + " steady at 1", Duration.ofSeconds(60), () -> {
            lease.check();
            return EcsHelpers.stable(ecs, "default", name)
                    && EcsHelpers.service(ecs, "default", name).runningCount() == 1;
        });
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static List<String> events(EcsClient ecs, String name) {
        return EcsHelpers.service(ecs, "default", name).events().stream()
                .map(ServiceEvent::message)
                .toList();
    }

    /**
     * Samples the stored controller shards: each must always have a live holder (one replica: the same one). Lapses are recorded,
     * not thrown (the samples run inside {@link Eventually}, which retries on assertion errors).
     */
    private static final class LeaseWatch {
        private final ShardLeases leases;
        final Set<String> holders = new HashSet<>();
        final List<String> lapses = new ArrayList<>();
        int samples;

        LeaseWatch(ShardLeases leases) {
            this.leases = leases;
        }

        /** The one replica holds every shard and its replica row has not expired. */
        void check() {
            long now = System.currentTimeMillis();
            Set<String> live = new HashSet<>();
            leases.live(now).forEach(r -> live.add(r.holder()));
            for (ShardLeases.ShardRow row : leases.shards()) {
                if (row.holder() == null) {
                    lapses.add("shard " + row.shard() + " without a holder at " + now);
                } else {
                    holders.add(row.holder());
                    if (!live.contains(row.holder())) {
                        lapses.add("shard " + row.shard() + " held by " + row.holder() + ", not live at " + now);
                    }
                }
            }
            samples++;
        }
    }
}
