package dev.ballast.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.image.Digest;
import dev.ballast.model.ContainerResolution;
import dev.ballast.model.Layer;
import dev.ballast.model.Mode;
import dev.ballast.model.ResolutionOutcome;
import dev.ballast.model.ResolutionRecord;
import dev.ballast.registry.RegistryClient;
import dev.ballast.registry.RegistryConfig;
import dev.ballast.store.AccountSettings;
import dev.ballast.store.ImageRules;
import dev.ballast.store.RevisionRow;
import dev.ballast.store.Store;
import dev.ballast.store.TaskDefinitionRecord;
import dev.ballast.testing.ForwardingScript;
import dev.ballast.testing.MutableClock;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ScriptedServer;
import dev.ballast.testing.TestImages.Format;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The revision resolver against the real CNCF registry, behind a forwarding proxy that counts what reaches
 * the registry; skopeo is the digest oracle. Time is a {@link MutableClock}: no sleeps.
 */
class RevisionResolverIT {
    private static final String CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/prod";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger IDS = new AtomicInteger();

    static RegistryFixture registry;
    static Store store;
    static MutableClock clock;
    static RegistryClient client;

    ScriptedServer proxy;
    RevisionResolver resolver;

    @BeforeAll
    static void start() throws Exception {
        registry = RegistryFixture.start();
        clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        store = Store.openSqlite(Files.createTempDirectory("ballast-resolve-"), clock);
        client = new RegistryClient(
                RegistryConfig.defaults()
                        .withRetries(1, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofSeconds(1)),
                new SimpleMeterRegistry());
    }

    @AfterAll
    static void stop() {
        store.close();
        registry.close();
    }

    @BeforeEach
    void proxy() {
        proxy = ScriptedServer.start(new ForwardingScript(registry.baseUri()));
        resolver = new RevisionResolver(store, client, clock, ResolveSettings.defaults());
    }

    @AfterEach
    void closeProxy() {
        proxy.close();
    }

    @Test
    void resolves_tags_to_the_registry_digest_and_skips_disabled_containers_without_a_request() {
        registry.images().push("r1/app:v1", Format.OCI, "r1-app");
        registry.images().pushIndex("r1/multi:v1", Format.DOCKER, "r1-multi");
        TaskDefinitionRecord td = td(
                c("app", via("r1/app:v1"), "enabled"),
                c("multi", via("r1/multi:v1"), null),
                c("log-router", via("r1/log:latest"), "disabled"));

        RevisionResolver.Step step = resolver.step(revision("web"), td, CLUSTER, false);

        Digest app = registry.images().inspectDigest("r1/app:v1");
        Digest multi = registry.images().inspectDigest("r1/multi:v1");
        ResolutionRecord r = step.record();
        assertThat(r.state().wire()).isEqualTo("RESOLVED");
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.containers())
                .containsExactly(
                        new ContainerResolution(
                                "app",
                                via("r1/app:v1"),
                                Mode.CONSISTENT,
                                Layer.CONTAINER,
                                null,
                                ResolutionOutcome.RESOLVED,
                                app.toString(),
                                via("r1/app:v1") + "@" + app,
                                clock.millis(),
                                null),
                        new ContainerResolution(
                                "multi",
                                via("r1/multi:v1"),
                                Mode.BEST_EFFORT,
                                Layer.SYSTEM_DEFAULT,
                                null,
                                ResolutionOutcome.RESOLVED,
                                multi.toString(),
                                via("r1/multi:v1") + "@" + multi,
                                clock.millis(),
                                null),
                        new ContainerResolution(
                                "log-router",
                                via("r1/log:latest"),
                                Mode.DISABLED,
                                Layer.CONTAINER,
                                null,
                                ResolutionOutcome.SKIPPED,
                                null,
                                via("r1/log:latest"),
                                clock.millis(),
                                null));
        assertThat(proxy.count(req -> req.path().contains("/r1/log/"))).isZero();
        assertThat(step.events())
                .containsExactly(
                        "(service web) container log-router runs image " + via("r1/log:latest")
                                + " as written, without resolution (disabled, decided by container).",
                        "(service web) resolved image " + via("r1/app:v1") + " of container app to " + app
                                + " (consistent, decided by container).",
                        "(service web) resolved image " + via("r1/multi:v1") + " of container multi to " + multi
                                + " (best-effort, decided by system-default).");
        // a settled record is returned unchanged
        assertThat(resolver.step(revision("web").withResolution(r), td, CLUSTER, false))
                .isEqualTo(new RevisionResolver.Step(r, List.of()));
    }

    @Test
    void a_digest_reference_is_verified_and_a_missing_digest_fails() {
        Digest d = registry.images().push("r2/app:v1", Format.DOCKER, "r2-app");
        String pinned = via("r2/app:v1@" + d);
        String absent = via("r2/app@" + Digest.sha256("never pushed".getBytes()));
        RevisionResolver.Step ok = resolver.step(revision("web"), td(c("app", pinned, "enabled")), CLUSTER, false);
        assertThat(ok.record().containers().getFirst())
                .extracting(
                        c -> c.resolutionMode().wire(),
                        ContainerResolution::imageDigest,
                        ContainerResolution::launchImage)
                .containsExactly("verified", d.toString(), pinned);
        assertThat(proxy.count(req -> req.method().equals("HEAD") && req.path().endsWith("/manifests/" + d)))
                .isEqualTo(1);
        assertThat(proxy.count(req -> req.path().endsWith("/manifests/v1"))).isZero();

        RevisionResolver.Step bad = resolver.step(revision("web"), td(c("app", absent, "enabled")), CLUSTER, false);
        assertThat(bad.record().state().wire()).isEqualTo("PENDING");
        assertThat(bad.record().containers().getFirst().reason()).contains("404");
    }

    @Test
    void a_moved_tag_resolves_to_the_new_digest_once_the_coalescing_window_has_passed() {
        Digest d1 = registry.images().push("r3/app:stable", Format.OCI, "r3-one");
        TaskDefinitionRecord td = td(c("app", via("r3/app:stable"), null));
        assertThat(digestOf(resolver.step(revision("a"), td, CLUSTER, false))).isEqualTo(d1.toString());

        Digest d2 = registry.images().push("r3/app:stable", Format.OCI, "r3-two");
        assertThat(d2).isNotEqualTo(d1);
        clock.advance(Duration.ofMillis(999));
        assertThat(digestOf(resolver.step(revision("b"), td, CLUSTER, false)))
                .as("within the window the answer is shared")
                .isEqualTo(d1.toString());
        assertThat(proxy.count(ForwardingScript::isManifest)).isEqualTo(1);

        clock.advance(Duration.ofMillis(1));
        assertThat(digestOf(resolver.step(revision("c"), td, CLUSTER, false)))
                .isEqualTo(d2.toString())
                .isEqualTo(registry.images().inspectDigest("r3/app:stable").toString());
        assertThat(proxy.count(ForwardingScript::isManifest)).isEqualTo(2);
    }

    @Test
    void a_deleted_image_makes_a_consistent_container_retry_with_backoff_then_fail_the_deployment() {
        Digest d = registry.images().push("r4/app:v1", Format.OCI, "r4-app");
        registry.images().delete("r4/app", d);
        TaskDefinitionRecord td = td(c("app", via("r4/app:v1"), "consistent"));
        RevisionRow rev = revision("web");
        List<String> events = new ArrayList<>();
        List<Long> delays = new ArrayList<>();
        for (int attempt = 1; attempt <= 5; attempt++) {
            RevisionResolver.Step step = resolver.step(rev, td, CLUSTER, false);
            events.addAll(step.events());
            rev = rev.withResolution(step.record());
            assertThat(step.record().attempts()).isEqualTo(attempt);
            if (attempt < 5) {
                assertThat(step.record().state().wire()).isEqualTo("PENDING");
                long wait = step.record().nextAttemptAt() - clock.millis();
                delays.add(wait);
                clock.advance(Duration.ofMillis(wait - 1));
                assertThat(resolver.step(rev, td, CLUSTER, false))
                        .as("not due yet")
                        .isEqualTo(new RevisionResolver.Step(rev.resolution(), List.of()));
                clock.advance(Duration.ofMillis(1));
            }
        }
        assertThat(delays).containsExactly(1000L, 2000L, 4000L, 8000L);
        assertThat(proxy.count(req -> req.method().equals("HEAD") && ForwardingScript.isManifest(req)))
                .isEqualTo(5);
        ResolutionRecord r = rev.resolution();
        assertThat(r.state().wire()).isEqualTo("FAILED");
        assertThat(r.containers().getFirst().resolutionMode().wire()).isEqualTo("failed");
        assertThat(r.failure())
                .contains("image " + via("r4/app:v1") + " of container app could not be resolved")
                .contains("404 MANIFEST_UNKNOWN");
        assertThat(events).hasSize(6);
        assertThat(events.get(1))
                .isEqualTo("(service web) could not resolve image " + via("r4/app:v1") + " of container app: "
                        + r.containers().getFirst().reason() + " (attempt 2 of 5; retrying).");
        assertThat(events.getLast())
                .startsWith("(service web) deployment failed: image " + via("r4/app:v1")
                        + " of container app could not be resolved (registry answered 404 MANIFEST_UNKNOWN");
        assertThat(resolver.step(rev, td, CLUSTER, false).events()).isEmpty();
    }

    @Test
    void a_best_effort_container_falls_back_to_its_tag_after_three_failures_unless_the_circuit_breaker_is_on() {
        registry.images().push("r5/app:v1", Format.OCI, "r5-app");
        TaskDefinitionRecord td = td(c("app", via("r5/app:v1"), "enabled"), c("sidecar", via("r5/unknown:v1"), null));
        RevisionRow rev = run(revision("web"), td, false, 3);
        ResolutionRecord r = rev.resolution();
        assertThat(r.state().wire()).isEqualTo("RESOLVED");
        assertThat(r.containers().get(1))
                .extracting(c -> c.resolutionMode().wire(), ContainerResolution::launchImage)
                .containsExactly("fallback", via("r5/unknown:v1"));
        assertThat(r.containers().get(1).reason()).contains("404");
        assertThat(r.containers().getFirst().resolutionMode().wire()).isEqualTo("resolved");

        RevisionRow withBreaker = run(revision("web"), td, true, 3);
        assertThat(withBreaker.resolution().state().wire()).isEqualTo("FAILED");
        assertThat(withBreaker.resolution().containers().get(1).resolutionMode().wire())
                .isEqualTo("failed");
    }

    @Test
    void an_unreachable_registry_behaves_the_same() {
        String host = "127.0.0.1:" + RegistryFixture.freePort();
        TaskDefinitionRecord td =
                td(c("app", host + "/demo/app:v1", "enabled"), c("sidecar", host + "/demo/side:v1", null));
        List<String> events = new ArrayList<>();
        RevisionRow rev = revision("api");
        for (int i = 1; i <= 5; i++) {
            RevisionResolver.Step step = resolver.step(rev, td, CLUSTER, false);
            events.addAll(step.events());
            rev = rev.withResolution(step.record());
            if (i == 3) {
                assertThat(rev.resolution().containers().get(1).resolutionMode().wire())
                        .isEqualTo("fallback");
                assertThat(rev.resolution().state().wire()).isEqualTo("PENDING");
            }
            if (rev.resolution().nextAttemptAt() != null) {
                clock.advance(Duration.ofMillis(rev.resolution().nextAttemptAt() - clock.millis()));
            }
        }
        assertThat(rev.resolution().state().wire()).isEqualTo("FAILED");
        assertThat(rev.resolution().failure()).contains("container app").contains(host);
        assertThat(events)
                .anyMatch(e -> e.equals("(service api) continuing on tag " + host
                        + "/demo/side:v1 for container sidecar after 3 failed resolutions (best-effort, ECS parity)."));
        assertThat(events.getLast()).startsWith("(service api) deployment failed: image " + host + "/demo/app:v1");
    }

    @Test
    void fifty_concurrent_revisions_make_one_registry_request_per_unique_reference() throws Exception {
        List<TaskDefinitionRecord> tds = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            registry.images().push("r6/app" + i + ":v1", Format.OCI, "r6-app-" + i);
        }
        registry.images().push("r6/sidecar:latest", Format.OCI, "r6-sidecar");
        for (int i = 0; i < 50; i++) {
            tds.add(td(c("app", via("r6/app" + (i % 5) + ":v1"), null), c("sidecar", via("r6/sidecar:latest"), null)));
        }
        List<Future<RevisionResolver.Step>> steps = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 50; i++) {
                TaskDefinitionRecord td = tds.get(i);
                RevisionRow rev = revision("svc" + i);
                steps.add(pool.submit(() -> resolver.step(rev, td, CLUSTER, false)));
            }
        }
        Digest sidecar = registry.images().inspectDigest("r6/sidecar:latest");
        for (Future<RevisionResolver.Step> f : steps) {
            assertThat(f.get().record().state().wire()).isEqualTo("RESOLVED");
            assertThat(f.get().record().containers().get(1).imageDigest()).isEqualTo(sidecar.toString());
        }
        assertThat(proxy.count(ForwardingScript::isManifest)).isEqualTo(6);
        assertThat(proxy.count(req -> req.path().endsWith("/r6/sidecar/manifests/latest")))
                .isEqualTo(1);
    }

    @Test
    void resolve_now_resolves_once_falls_back_at_once_and_throws_for_consistent_failures() {
        Digest d = registry.images().push("r7/app:v1", Format.OCI, "r7-app");
        ResolutionRecord r = resolver.resolveNow(
                td(c("app", via("r7/app:v1"), "enabled"), c("sidecar", via("r7/gone:v1"), null)), CLUSTER);
        assertThat(r.state().wire()).isEqualTo("RESOLVED");
        assertThat(r.containers())
                .extracting(ContainerResolution::launchImage)
                .containsExactly(via("r7/app:v1") + "@" + d, via("r7/gone:v1"));
        assertThat(r.containers().get(1).resolutionMode().wire()).isEqualTo("fallback");

        RevisionResolver.Step ran =
                resolver.resolveNow(td(c("app", via("r7/app:v1"), null)), null, EventSubject.taskRun("ci"));
        assertThat(ran.events()).singleElement().asString().startsWith("(task run ci) resolved image");

        assertThatThrownBy(() -> resolver.resolveNow(td(c("app", via("r7/gone:v1"), "consistent")), CLUSTER))
                .isInstanceOf(ResolutionFailedException.class)
                .hasMessageContaining("image " + via("r7/gone:v1") + " of container app could not be resolved")
                .hasMessageContaining("404")
                .satisfies(e -> assertThat(((ResolutionFailedException) e).events())
                        .last()
                        .asString()
                        .startsWith("(task run) deployment failed"));
    }

    @Test
    void policy_comes_from_the_store_when_the_deployment_starts() {
        registry.images().push("r8/app:v1", Format.OCI, "r8-app");
        String cluster = "arn:aws:ecs:us-east-1:123456789012:cluster/c" + IDS.incrementAndGet();
        store.imageRules().put(new ImageRules.Rule(cluster, "*/r8/side*", "disabled"));
        store.imageRules().put(new ImageRules.Rule(ImageRules.ACCOUNT, "*/r8/app:*", "enabled"));
        TaskDefinitionRecord td = td(
                c("app", via("r8/app:v1"), null),
                c("side", via("r8/sidecar:v1"), null),
                c("xray", "amazon/aws-xray-daemon:latest", null));
        try {
            ResolutionRecord r =
                    resolver.step(revision("web"), td, cluster, false).record();
            assertThat(r.containers())
                    .extracting(
                            c -> c.decidedBy().wire(),
                            ContainerResolution::rule,
                            c -> c.resolutionMode().wire())
                    .containsExactly(
                            Tuple.tuple("account-rule", "*/r8/app:*", "resolved"),
                            Tuple.tuple("cluster-rule", "*/r8/side*", "skipped"),
                            Tuple.tuple("managed-catalog", "docker.io/amazon/aws-xray-daemon:*", "skipped"));
            store.accountSettings()
                    .put(new AccountSettings.Setting(
                            PolicyLoader.SETTING, "arn:aws:iam::123456789012:root", "disabled"));
            assertThat(resolver.explain(td(c("other", "ghcr.io/acme/x:1", null)), cluster))
                    .containsEntry("other", new Decision(Mode.DISABLED, Layer.ACCOUNT_SETTING, null));
        } finally {
            store.imageRules().delete(cluster, "*/r8/side*");
            store.imageRules().delete(ImageRules.ACCOUNT, "*/r8/app:*");
            store.accountSettings().delete(PolicyLoader.SETTING, "arn:aws:iam::123456789012:root");
        }
    }

    private RevisionRow run(RevisionRow rev, TaskDefinitionRecord td, boolean breaker, int steps) {
        for (int i = 0; i < steps; i++) {
            rev = rev.withResolution(resolver.step(rev, td, CLUSTER, breaker).record());
            if (rev.resolution().nextAttemptAt() != null) {
                clock.advance(Duration.ofMillis(rev.resolution().nextAttemptAt() - clock.millis()));
            }
        }
        return rev;
    }

    private static String digestOf(RevisionResolver.Step step) {
        return step.record().containers().getFirst().imageDigest();
    }

    private String via(String repoTag) {
        return proxy.host() + "/" + repoTag;
    }

    private static RevisionRow revision(String service) {
        int id = IDS.incrementAndGet();
        return new RevisionRow(
                "arn:aws:ecs:us-east-1:123456789012:service-revision/prod/" + service + "/" + id,
                "arn:aws:ecs:us-east-1:123456789012:service/prod/" + service,
                CLUSTER,
                "arn:aws:ecs:us-east-1:123456789012:task-definition/fam:" + id,
                0,
                null,
                "EC2");
    }

    private static ObjectNode c(String name, String image, String versionConsistency) {
        ObjectNode c =
                JSON.createObjectNode().put("name", name).put("image", image).put("memory", 64);
        if (versionConsistency != null) {
            c.put("versionConsistency", versionConsistency);
        }
        return c;
    }

    private static TaskDefinitionRecord td(ObjectNode... containers) {
        ObjectNode doc = JSON.createObjectNode().put("family", "fam");
        ArrayNode defs = doc.putArray("containerDefinitions");
        for (ObjectNode c : containers) {
            defs.add(c);
        }
        int rev = IDS.incrementAndGet();
        return new TaskDefinitionRecord(
                "fam",
                rev,
                "arn:aws:ecs:us-east-1:123456789012:task-definition/fam:" + rev,
                "ACTIVE",
                doc.toString(),
                0,
                null,
                null);
    }
}
