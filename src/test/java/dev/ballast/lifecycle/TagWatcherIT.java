package dev.ballast.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.cli.ServerConfig;
import dev.ballast.image.Digest;
import dev.ballast.model.TagKey;
import dev.ballast.model.TagSource;
import dev.ballast.registry.BudgetSettings;
import dev.ballast.registry.Manifest;
import dev.ballast.registry.RegistryClient;
import dev.ballast.registry.RegistryConfig;
import dev.ballast.store.Store;
import dev.ballast.store.TagState;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.ForwardingScript;
import dev.ballast.testing.MutableClock;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ScriptedServer;
import dev.ballast.testing.TestImages.Format;
import dev.ballast.testing.TestServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * The tag watcher in a running server (simulated instances, AWS SDK) against the real CNCF registry behind a
 * counting proxy: 200 services on 20 tags cost 20 HEADs a pass, never more than the registry's budget, and a
 * moved, deleted or multi-platform tag is recorded. The server's clock is moved by hand and passes are run directly
 * (the periodic job's interval is set to a day so that it never runs on its own).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TagWatcherIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int TAGS = 20;
    private static final int SERVICES_PER_TAG = 10;

    // behind real time, as the clock moves ahead by hand (SigV4 allows 15 minutes of skew either way)
    private final MutableClock clock = new MutableClock(Instant.now().minus(Duration.ofMinutes(12)));
    private RegistryFixture registry;
    private ScriptedServer proxy;
    /** The same registry under another name: its own budget (the default, 600 a minute). */
    private ScriptedServer other;

    private TestServer server;
    private EcsClient ecs;
    private Store store;
    private TagWatcher watcher;

    @BeforeAll
    void start() {
        registry = RegistryFixture.start();
        proxy = ScriptedServer.start(new ForwardingScript(registry.baseUri()));
        other = ScriptedServer.start(new ForwardingScript(registry.baseUri()));
        server = TestServer.sqlite(c -> c.clock(clock)
                .simulatedInstances(1)
                // the watcher alone spends the budget here: the pinned-image guard (which spends it too) is off
                .lifecycle(l -> l.withGuard(Duration.ZERO, l.guardCacheTtl()))
                .tagWatch(new ServerConfig.TagWatch(
                        Duration.ofDays(1), BudgetSettings.parse(List.of(proxy.host() + "=40/1h,burst=30")))));
        ecs = server.client();
        store = server.server().store();
        watcher = server.server().tagWatcher();
    }

    @AfterAll
    void stop() {
        ecs.close();
        server.close();
        proxy.close();
        other.close();
        registry.close();
    }

    String image(String repoTag) {
        return proxy.host() + "/" + repoTag;
    }

    String otherImage(String repoTag) {
        return other.host() + "/" + repoTag;
    }

    void services(String family, String image, int count) {
        ecs.registerTaskDefinition(r -> r.family(family)
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image(image)
                        .memory(16)
                        .build()));
        for (int i = 0; i < count; i++) {
            String name = family + "-" + i;
            ecs.createService(r -> r.serviceName(name).taskDefinition(family).desiredCount(0));
        }
    }

    /** Waits until the holdings name every image in {@code images} with a digest. */
    void awaitResolved(Set<String> images, int holdings) {
        Eventually.await("deployments resolved", WAIT, () -> {
            clock.advance(Duration.ofMillis(250)); // a burst of new revisions settles before resolution starts
            server.server().reconcilers().wake();
            List<Holding> now = new Holdings(store).current();
            return now.size() >= holdings
                    && now.stream()
                            .filter(h -> images.contains(h.container().image()))
                            .allMatch(Holding::pinned);
        });
    }

    List<ScriptedServer.Received> manifestRequestsSince(int from) {
        List<ScriptedServer.Received> all = proxy.received();
        return all.subList(from, all.size()).stream()
                .filter(ForwardingScript::isManifest)
                .toList();
    }

    List<ScriptedServer.Received> otherManifestRequestsSince(int from) {
        List<ScriptedServer.Received> all = other.received();
        return all.subList(from, all.size()).stream()
                .filter(ForwardingScript::isManifest)
                .toList();
    }

    Map<TagKey, Long> checkedAt() {
        return store.tagStates().all().stream().collect(Collectors.toMap(TagState::key, TagState::checkedAt));
    }

    /** The server's Prometheus text, lines starting with {@code name}. */
    List<String> metrics(String name) {
        try {
            String text = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(server.endpoint().resolve("/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            return text.lines().filter(l -> l.startsWith(name)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Test
    @Order(1)
    void two_hundred_services_on_twenty_tags_cost_twenty_heads_a_pass_within_the_budget() {
        // one image under 20 tags of one repository (a manifest PUT per tag: no 20 image builds)
        registry.images().push("watch/app:t0", Format.OCI, "app");
        RegistryClient pusher = new RegistryClient(RegistryConfig.defaults(), new SimpleMeterRegistry());
        Manifest m = pusher.manifest(registry.reference("watch/app:t0"));
        for (int t = 1; t < TAGS; t++) {
            pusher.pushManifest(registry.reference("watch/app:t" + t), m.mediaType(), m.content());
        }
        Set<String> images = new HashSet<>();
        for (int t = 0; t < TAGS; t++) {
            images.add(image("watch/app:t" + t));
            services("tag" + t, image("watch/app:t" + t), SERVICES_PER_TAG);
        }
        awaitResolved(images, TAGS * SERVICES_PER_TAG);
        assertThat(new Holdings(store).tags()).hasSize(TAGS);

        int before = proxy.received().size();
        TagWatcher.Pass first = watcher.passOnce();
        // each deployment's resolution already recorded its tag (the drift baseline): the first pass confirms them
        assertThat(first).isEqualTo(new TagWatcher.Pass(TAGS, TAGS, 0, 0, 0));
        List<ScriptedServer.Received> heads = manifestRequestsSince(before);
        assertThat(heads).hasSize(TAGS).allSatisfy(r -> assertThat(r.method()).isEqualTo("HEAD"));
        assertThat(store.tagStates().all()).hasSize(TAGS).allSatisfy(s -> {
            assertThat(s.digest()).isEqualTo(m.digest().toString());
            assertThat(s.etag()).isEqualTo("\"" + m.digest() + "\"");
            assertThat(s.source()).isEqualTo(TagSource.POLL);
        });

        // the same second: the burst of 30 has 10 left; the other 10 tags wait
        clock.advance(Duration.ofMillis(1));
        long second = clock.millis();
        TagWatcher.Pass next = watcher.passOnce();
        assertThat(next).isEqualTo(new TagWatcher.Pass(TAGS, 10, 0, 10, 0));
        Set<TagKey> checkedSecond = checkedAt().entrySet().stream()
                .filter(e -> e.getValue() == second)
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        assertThat(checkedSecond).hasSize(10);

        // 15 minutes of 40 an hour refill 10: the 10 tags left out last time go first
        clock.advance(Duration.ofMinutes(15));
        long third = clock.millis();
        TagWatcher.Pass last = watcher.passOnce();
        assertThat(last).isEqualTo(new TagWatcher.Pass(TAGS, 10, 0, 10, 0));
        Set<TagKey> checkedThird = checkedAt().entrySet().stream()
                .filter(e -> e.getValue() == third)
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        assertThat(checkedThird).hasSize(10).doesNotContainAnyElementsOf(checkedSecond);

        List<ScriptedServer.Received> all = manifestRequestsSince(before);
        assertThat(all)
                .as("burst 30 + 15 min at 40/h: at most 40 requests, all HEAD")
                .hasSize(40)
                .allSatisfy(r -> assertThat(r.method()).isEqualTo("HEAD"));
        assertThat(all.subList(TAGS, all.size()))
                .as("later passes send the ETag and get 304")
                .allSatisfy(r -> assertThat(r.header("If-None-Match")).contains("\"" + m.digest() + "\""));
        assertThat(proxy.received().subList(before, proxy.received().size()))
                .as("nothing but manifest HEADs: the ping and token are not asked again")
                .allSatisfy(r -> assertThat(ForwardingScript.isManifest(r)).isTrue());
        assertThat(metrics("ballast_registry_budget_refused_requests_total"))
                .containsExactly(
                        "ballast_registry_budget_refused_requests_total{registry=\"" + proxy.host() + "\"} 2.0");
        assertThat(IntStream.range(0, TAGS).mapToObj(t -> new TagKey(proxy.host(), "watch/app", "t" + t)))
                .allSatisfy(k -> assertThat(store.tagStates().find(k)).isPresent());
    }

    @Test
    @Order(3)
    void a_push_to_a_watched_tag_is_seen_within_one_interval_and_a_deleted_tag_is_recorded_without_digest() {
        Digest v1 = registry.images().push("watch/moving:v1", Format.OCI, "moving-1");
        services("moving", otherImage("watch/moving:v1"), 2);
        awaitResolved(Set.of(otherImage("watch/moving:v1")), TAGS * SERVICES_PER_TAG + 3);
        watcher.passOnce();
        TagKey key = new TagKey(other.host(), "watch/moving", "v1");
        assertThat(store.tagStates().find(key))
                .hasValueSatisfying(s -> assertThat(s.digest()).isEqualTo(v1.toString()));
        long firstSeen = store.tagStates().find(key).orElseThrow().changedAt();

        Digest v2 = registry.images().moveTag("watch/moving:v1", Format.OCI, "moving-2");
        clock.advance(TagWatcher.DEFAULT_INTERVAL);
        TagWatcher.Pass pass = watcher.passOnce();
        assertThat(pass.changed()).isEqualTo(1);
        TagState moved = store.tagStates().find(key).orElseThrow();
        assertThat(moved.digest()).isEqualTo(v2.toString());
        assertThat(moved.changedAt()).isEqualTo(clock.millis()).isGreaterThan(firstSeen);
        assertThat(metrics("ballast_tag_changes_total")).containsExactly("ballast_tag_changes_total 1.0");

        registry.images().delete("watch/moving", v2);
        clock.advance(TagWatcher.DEFAULT_INTERVAL);
        watcher.passOnce();
        assertThat(store.tagStates().find(key)).hasValueSatisfying(s -> {
            assertThat(s.digest()).as("MANIFEST_UNKNOWN: no digest").isNull();
            assertThat(s.changedAt()).isEqualTo(clock.millis());
        });
    }

    @Test
    @Order(2)
    void a_new_index_digest_has_its_platform_children_recorded_once() {
        Digest index = registry.images().pushIndex("watch/multi:v1", Format.OCI, "multi-1");
        services("multi", otherImage("watch/multi:v1"), 1);
        awaitResolved(Set.of(otherImage("watch/multi:v1")), TAGS * SERVICES_PER_TAG + 1);
        int before = other.received().size();
        watcher.passOnce();
        watcher.passOnce();
        assertThat(store.indexPlatforms().find(other.host(), "watch/multi", index.toString()))
                .hasValueSatisfying(
                        p -> assertThat(p.keySet()).containsExactlyInAnyOrder("linux/amd64", "linux/arm64"));
        assertThat(otherManifestRequestsSince(before))
                .filteredOn(r -> r.method().equals("GET"))
                .as("one GET of the index by digest, in the first pass only")
                .extracting(ScriptedServer.Received::path)
                .containsExactly("/v2/watch/multi/manifests/" + index);
        assertThat(metrics("ballast_watched_tags")).containsExactly("ballast_watched_tags " + (TAGS + 1) + ".0");
    }

    @Test
    @Order(4)
    void the_periodic_job_runs_a_pass_once_an_interval_has_passed_on_the_clock() {
        TagKey key = new TagKey(proxy.host(), "watch/app", "t0");
        long before = store.tagStates().find(key).orElseThrow().checkedAt();
        clock.advance(Duration.ofHours(1)); // the budget is full again
        watcher.trigger(TagWatcher.DEFAULT_INTERVAL);
        long at = clock.millis();
        Eventually.await(
                "a pass from the job",
                WAIT,
                () -> store.tagStates().find(key).orElseThrow().checkedAt() == at);
        assertThat(at).isGreaterThan(before);
    }
}
