package dev.ballast.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.cli.ServerConfig;
import dev.ballast.core.Ids;
import dev.ballast.deploy.Deployer;
import dev.ballast.deploy.ShardOwnership;
import dev.ballast.model.TagKey;
import dev.ballast.registry.BudgetSettings;
import dev.ballast.registry.RegistryClient;
import dev.ballast.registry.RegistryConfig;
import dev.ballast.store.Events;
import dev.ballast.store.Store;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.ForwardingScript;
import dev.ballast.testing.MutableClock;
import dev.ballast.testing.PostgresFixture;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ScriptedServer;
import dev.ballast.testing.TestImages.Format;
import dev.ballast.testing.TestServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * The image-lifecycle sweeps sharded over two replicas on one PostgreSQL database: services on six repositories of a
 * real CNCF registry (behind a counting proxy) are created by a server that is then stopped; two {@link
 * ShardOwnership}s ticked by hand on a clock moved by hand then drive a tag watcher, a pinned-image guard and a drift
 * job each. Every tag is asked about by exactly one replica, every pinned digest checked by exactly one, every
 * service's drift reported by exactly one; when one replica stops renewing, the other takes its share over.
 */
class ShardedSweepsIT {
    private static final Duration TTL = Duration.ofSeconds(6);
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int REPOSITORIES = 6;
    private static final int SERVICES_PER_REPOSITORY = 2;

    // behind real time, as the clock moves ahead by hand (SigV4 allows 15 minutes of skew either way)
    private final MutableClock clock = new MutableClock(Instant.now().minus(Duration.ofMinutes(12)));

    /** One replica's sweeps, on the shared store. */
    private record Replica(
            ShardOwnership shards,
            TagWatcher tags,
            PinnedImageGuard guard,
            DriftJob drift,
            SimpleMeterRegistry meters) {
        static Replica of(Store store, String name, MutableClock clock) {
            ShardOwnership shards = new ShardOwnership(store, name + "/1", name, clock, TTL);
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            RegistryClient registry = new RegistryClient(RegistryConfig.defaults(), meters);
            PinnedImageGuard guard = new PinnedImageGuard(
                    store,
                    registry,
                    new Deployer(store, TestServer.ACCOUNT, new Ids(), clock),
                    clock,
                    Duration.ofSeconds(30),
                    host -> true,
                    () -> {},
                    meters,
                    shards);
            return new Replica(
                    shards,
                    new TagWatcher(store, registry, clock, meters, () -> {}, shards),
                    guard,
                    new DriftJob(store, ref -> {}, shards).bind(meters),
                    meters);
        }

        double drifted() {
            return meters.get("ballast.drifted.services").gauge().value();
        }
    }

    @Test
    void eachTagDigestAndServiceIsSweptByExactlyOneReplicaAndASilentReplicasShareIsTakenOver() throws Exception {
        String url = PostgresFixture.newDatabase();
        try (RegistryFixture registry = RegistryFixture.start();
                ScriptedServer proxy = ScriptedServer.start(new ForwardingScript(registry.baseUri()))) {
            createServices(url, registry, proxy);
            try (Store store = Store.openPostgres(url, clock)) {
                Replica a = Replica.of(store, "a", clock);
                Replica b = Replica.of(store, "b", clock);
                for (int pass = 0; pass < 3; pass++) {
                    a.shards().tick();
                    b.shards().tick();
                }
                Set<TagKey> tags = new Holdings(store).tags();
                assertThat(tags).hasSize(REPOSITORIES);
                Set<TagKey> ofA = owned(tags, a);
                Set<TagKey> ofB = owned(tags, b);
                assertThat(ofA)
                        .as("each replica watches some of the repositories")
                        .isNotEmpty();
                assertThat(ofB).isNotEmpty().doesNotContainAnyElementsOf(ofA);
                assertThat(ofA.size() + ofB.size()).isEqualTo(REPOSITORIES);

                // the tag watch: one HEAD per tag over both replicas, each its own repositories
                int before = proxy.received().size();
                assertThat(a.tags().passOnce().watched()).isEqualTo(ofA.size());
                assertThat(b.tags().passOnce().watched()).isEqualTo(ofB.size());
                assertThat(manifestRequestsSince(proxy, before))
                        .as("every tag asked about once, by one replica")
                        .containsOnlyKeys(tags.stream()
                                .map(k -> "/v2/" + k.repository() + "/manifests/" + k.tag())
                                .collect(Collectors.toSet()))
                        .allSatisfy((path, count) -> assertThat(count).isEqualTo(1L));

                // the guard's sweep: every pinned digest checked once, by the holder of its repository's shard
                List<Holding> pinned = new Holdings(store)
                        .current().stream().filter(Holding::pinned).toList();
                Set<String> digests = pinned.stream()
                        .map(h -> "/v2/" + h.image().repository() + "/manifests/" + h.digest())
                        .collect(Collectors.toSet());
                before = proxy.received().size();
                a.guard().sweep();
                b.guard().sweep();
                Eventually.await(
                        "guard checks answered",
                        WAIT,
                        () -> a.guard().inFlight() == 0 && b.guard().inFlight() == 0);
                assertThat(manifestRequestsSince(proxy, before))
                        .as("every pinned digest checked once, by one replica")
                        .containsOnlyKeys(digests)
                        .allSatisfy((path, count) -> assertThat(count).isEqualTo(1L));

                // two tags move: each drifted service is reported by the replica holding the service's shard
                TagKey movedOfA = ofA.iterator().next();
                TagKey movedOfB = ofB.iterator().next();
                for (TagKey k : List.of(movedOfA, movedOfB)) {
                    registry.images().moveTag(k.repository() + ":" + k.tag(), Format.OCI, "moved " + k);
                }
                clock.advance(Duration.ofSeconds(1)); // a pass checks every tag of its shards (the job spaces passes)
                a.shards().tick();
                b.shards().tick();
                assertThat(a.tags().passOnce().changed()).isEqualTo(1);
                assertThat(b.tags().passOnce().changed()).isEqualTo(1);
                Set<String> drifting = pinned.stream()
                        .filter(h -> h.tag().equals(movedOfA) || h.tag().equals(movedOfB))
                        .map(Holding::serviceArn)
                        .collect(Collectors.toSet());
                assertThat(drifting).hasSize(2 * SERVICES_PER_REPOSITORY);
                a.drift().passOnce();
                b.drift().passOnce();
                assertThat(a.drifted())
                        .isEqualTo(drifting.stream().filter(a.shards()::owns).count());
                assertThat(b.drifted())
                        .isEqualTo(drifting.stream().filter(b.shards()::owns).count());
                assertThat(drifting)
                        .as("one drift event per drifted service")
                        .allSatisfy(arn -> assertThat(store.events().latest(arn, 50).stream()
                                        .map(Events.Event::message)
                                        .filter(m -> m.contains(") container app: "))
                                        .toList())
                                .hasSize(1));

                // b stops renewing (killed): a takes its shards once b's lease is over and watches every tag
                clock.advance(TTL.plusSeconds(1));
                a.shards().tick();
                a.shards().tick();
                assertThat(a.shards().heldCount()).isEqualTo(64);
                before = proxy.received().size();
                assertThat(b.tags().passOnce().watched())
                        .as("b knows its lease ran out")
                        .isZero();
                assertThat(a.tags().passOnce().watched()).isEqualTo(REPOSITORIES);
                assertThat(manifestRequestsSince(proxy, before)).hasSize(REPOSITORIES);
            }
        }
    }

    private static Set<TagKey> owned(Set<TagKey> tags, Replica r) {
        Set<TagKey> out = new HashSet<>();
        for (TagKey k : tags) {
            if (r.shards().owns(Repositories.key(k.registry(), k.repository()))) {
                out.add(k);
            }
        }
        return out;
    }

    /** Manifest requests (HEAD or GET) the proxy received since {@code from}, counted by path. */
    private static Map<String, Long> manifestRequestsSince(ScriptedServer proxy, int from) {
        List<ScriptedServer.Received> all = proxy.received();
        return all.subList(from, all.size()).stream()
                .filter(ForwardingScript::isManifest)
                .collect(Collectors.groupingBy(ScriptedServer.Received::path, Collectors.counting()));
    }

    /** Six repositories, two services on each tag, created and resolved by a server that is then stopped. */
    private void createServices(String url, RegistryFixture registry, ScriptedServer proxy) {
        List<String> images = IntStream.range(0, REPOSITORIES)
                .mapToObj(r -> "sharded/r" + r + ":v1")
                .toList();
        images.forEach(i -> registry.images().push(i, Format.OCI, i));
        try (TestServer server = TestServer.start(
                        url,
                        c -> c.clock(clock)
                                .simulatedInstances(1)
                                .lifecycle(l -> l.withGuard(Duration.ZERO, l.guardCacheTtl()))
                                .tagWatch(new ServerConfig.TagWatch(Duration.ofDays(1), BudgetSettings.defaults())));
                EcsClient ecs = server.client()) {
            for (String image : images) {
                String family = image.substring("sharded/".length(), image.indexOf(':'));
                ecs.registerTaskDefinition(r -> r.family(family)
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("app")
                                .image(proxy.host() + "/" + image)
                                .memory(16)
                                .build()));
                for (int i = 0; i < SERVICES_PER_REPOSITORY; i++) {
                    String name = family + "-" + i;
                    ecs.createService(
                            r -> r.serviceName(name).taskDefinition(family).desiredCount(0));
                }
            }
            Store store = server.server().store();
            Eventually.await("deployments resolved", WAIT, () -> {
                clock.advance(Duration.ofMillis(250));
                server.server().reconcilers().wake();
                List<Holding> now = new Holdings(store).current();
                return now.size() >= REPOSITORIES * SERVICES_PER_REPOSITORY
                        && now.stream().allMatch(Holding::pinned);
            });
        }
    }
}
