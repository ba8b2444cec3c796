package dev.ballast.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.image.Digest;
import dev.ballast.image.ImageReference;
import dev.ballast.image.MediaTypes;
import dev.ballast.testing.ForwardingScript;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ScriptedServer;
import dev.ballast.testing.TestImages.Format;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Acceptance of the registry client against the real CNCF registry, with skopeo as the oracle. */
class RegistryClientIT {

    static RegistryFixture registry;
    static RegistryClient client;

    @BeforeAll
    static void start() {
        registry = RegistryFixture.start();
        client = new RegistryClient(RegistryConfig.defaults(), new SimpleMeterRegistry());
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @Test
    void oci_manifest_resolves_to_the_digest_skopeo_reports() {
        Digest pushed = registry.images().push("demo/oci:v1", Format.OCI, "oci-v1");
        Resolution r = client.resolve(registry.reference("demo/oci:v1"));
        assertThat(r.digest())
                .isEqualTo(registry.images().inspectDigest("demo/oci:v1"))
                .isEqualTo(pushed);
        assertThat(r.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(r.platforms()).isEmpty();
        assertThat(r.pinned().toString()).isEqualTo(registry.host() + "/demo/oci:v1@" + pushed);
    }

    @Test
    void oci_index_resolves_with_its_platforms() {
        registry.images().pushIndex("demo/oci-index:v1", Format.OCI, "idx");
        Resolution r = client.resolve(registry.reference("demo/oci-index:v1"));
        assertThat(r.digest()).isEqualTo(registry.images().inspectDigest("demo/oci-index:v1"));
        assertThat(r.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
        assertThat(r.platforms()).extracting(Platform::name).containsExactly("linux/amd64", "linux/arm64");
        assertThat(r.platforms()).allSatisfy(p -> assertThat(p.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST));
    }

    @Test
    void docker_schema2_manifest_resolves_to_the_digest_skopeo_reports() {
        registry.images().push("demo/docker:v1", Format.DOCKER, "docker-v1");
        Resolution r = client.resolve(registry.reference("demo/docker:v1"));
        assertThat(r.digest()).isEqualTo(registry.images().inspectDigest("demo/docker:v1"));
        assertThat(r.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    }

    @Test
    void docker_manifest_list_resolves_with_its_platforms() {
        registry.images().pushIndex("demo/docker-list:v1", Format.DOCKER, "list");
        Resolution r = client.resolve(registry.reference("demo/docker-list:v1"));
        assertThat(r.digest()).isEqualTo(registry.images().inspectDigest("demo/docker-list:v1"));
        assertThat(r.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST_LIST);
        assertThat(r.platforms()).extracting(Platform::name).containsExactly("linux/amd64", "linux/arm64");
        assertThat(r.platforms()).allSatisfy(p -> assertThat(p.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST));
        Manifest child = client.manifest(
                registry.reference("demo/docker-list@" + r.platforms().get(1).digest()));
        assertThat(child.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    }

    @Test
    void a_moved_tag_resolves_to_the_new_digest() {
        Digest first = registry.images().push("demo/moving:v1", Format.OCI, "first");
        assertThat(client.resolve(registry.reference("demo/moving:v1")).digest())
                .isEqualTo(first);
        Digest second = registry.images().moveTag("demo/moving:v1", Format.OCI, "second");
        assertThat(second).isNotEqualTo(first);
        assertThat(client.resolve(registry.reference("demo/moving:v1")).digest())
                .isEqualTo(second)
                .isEqualTo(registry.images().inspectDigest("demo/moving:v1"));
    }

    @Test
    void a_digest_reference_is_verified_against_the_registry() {
        Digest d = registry.images().push("demo/pinned:v1", Format.OCI, "pinned");
        Resolution r = client.resolve(registry.reference("demo/pinned:v1@" + d));
        assertThat(r.digest()).isEqualTo(d);
        assertThat(r.reference().tag()).contains("v1");
    }

    @Test
    void a_deleted_digest_is_not_found_with_the_registry_code() {
        Digest d = registry.images().push("demo/deleted:v1", Format.OCI, "doomed");
        registry.images().delete("demo/deleted", d);
        ImageReference ref = registry.reference("demo/deleted@" + d);
        assertThatThrownBy(() -> client.resolve(ref))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(RegistryException.Kind.NOT_FOUND);
                    assertThat(e.errorCode()).contains("MANIFEST_UNKNOWN");
                    assertThat(e.status()).hasValue(404);
                })
                .hasMessage("resolve " + ref + ": registry answered 404 MANIFEST_UNKNOWN (manifest unknown)");
        assertThatThrownBy(() -> client.resolve(registry.reference("demo/deleted:v1")))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.NOT_FOUND));
    }

    @Test
    void an_unknown_tag_is_not_found_with_the_registry_code() {
        registry.images().push("demo/known:v1", Format.OCI, "known");
        ImageReference ref = registry.reference("demo/known:nope");
        assertThatThrownBy(() -> client.resolve(ref))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(RegistryException.Kind.NOT_FOUND);
                    assertThat(e.errorCode()).contains("MANIFEST_UNKNOWN");
                })
                .hasMessage("resolve " + registry.host()
                        + "/demo/known:nope: registry answered 404 MANIFEST_UNKNOWN (manifest unknown)");
        assertThatThrownBy(() -> client.tags(registry.reference("demo/never-pushed:v1")))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.errorCode()).contains("NAME_UNKNOWN"));
    }

    @Test
    void own_push_then_pull_of_blobs_manifests_and_paged_tags() {
        ImageReference repo = registry.reference("demo/own:t0");
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8);
        Digest configDigest = client.pushBlob(repo, config);
        assertThat(client.blobExists(repo, configDigest)).isTrue();
        assertThat(client.blob(repo, configDigest)).isEqualTo(config);
        assertThat(client.blobExists(repo, Digest.sha256(new byte[] {1}))).isFalse();
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{"
                            + "\"mediaType\":\"" + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + configDigest
                            + "\",\"size\":"
                            + config.length + "},\"layers\":[],\"annotations\":{\"n\":\"" + i + "\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            Digest d = client.pushManifest(repo.withTag("t" + i), MediaTypes.OCI_MANIFEST, manifest);
            assertThat(client.resolve(repo.withTag("t" + i)).digest()).isEqualTo(d);
            assertThat(registry.images().inspectDigest("demo/own:t" + i)).isEqualTo(d);
            assertThat(client.manifest(repo.withTag("t" + i)).content()).isEqualTo(manifest);
            tags.add("t" + i);
        }
        // distribution 2.8 does not keep tags sorted across pages; five tags in pages of two need three pages
        assertThat(client.tags(repo, 2)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(tags);
        Digest gone = client.resolve(repo.withTag("t4")).digest();
        client.deleteManifest(repo.withDigest(gone));
        assertThat(client.tags(repo)).containsExactlyInAnyOrder("t0", "t1", "t2", "t3");
    }

    @Test
    void concurrent_resolutions_of_the_same_references_share_one_manifest_request_each() throws Exception {
        List<ImageReference> refs = new ArrayList<>();
        List<Digest> expected = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            expected.add(registry.images().push("demo/many" + i + ":v1", Format.OCI, "many-" + i));
        }
        RegistryClient fresh = new RegistryClient(RegistryConfig.defaults(), new SimpleMeterRegistry());
        try (ScriptedServer proxy = ScriptedServer.start(new ForwardingScript(
                registry.baseUri(), ForwardingScript::isManifest, () -> fresh.resolveCallers() == 200))) {
            for (int i = 0; i < 10; i++) {
                refs.add(ImageReference.parse(proxy.host() + "/demo/many" + i + ":v1"));
            }
            List<Future<Resolution>> futures = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 200; i++) {
                    ImageReference ref = refs.get(i % 10);
                    futures.add(pool.submit(() -> fresh.resolve(ref)));
                }
            }
            for (int i = 0; i < 200; i++) {
                assertThat(futures.get(i).get().digest()).isEqualTo(expected.get(i % 10));
            }
            assertThat(proxy.count(ForwardingScript::isManifest)).isEqualTo(10);
            assertThat(proxy.count(r -> r.method().equals("HEAD") && ForwardingScript.isManifest(r)))
                    .isEqualTo(10);
            assertThat(proxy.count(r -> r.path().equals("/v2/"))).isEqualTo(1);
        }
    }

    @Test
    void metrics_count_requests_and_time_resolutions() {
        registry.images().push("demo/metered:v1", Format.OCI, "metered");
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RegistryClient metered = new RegistryClient(RegistryConfig.defaults(), prometheus);
        metered.resolve(registry.reference("demo/metered:v1"));
        assertThatThrownBy(() -> metered.resolve(registry.reference("demo/metered:missing")));
        String scrape = prometheus.scrape();
        assertThat(scrape)
                .contains("ballast_registry_requests_total{method=\"HEAD\",outcome=\"SUCCESS\",registry=\""
                        + registry.host() + "\"} 1.0");
        assertThat(scrape).contains("ballast_registry_requests_total{method=\"HEAD\",outcome=\"CLIENT_ERROR\"");
        assertThat(scrape)
                .contains("ballast_registry_resolve_seconds_count{outcome=\"SUCCESS\",registry=\"" + registry.host()
                        + "\"} 1");
        assertThat(scrape).contains("ballast_registry_resolve_seconds_count{outcome=\"NOT_FOUND\"");
    }
}
