package dev.ballast.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.lifecycle.RegistryEvent;
import dev.ballast.lifecycle.RegistryEvent.Kind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link NotificationPayloads}: bodies as distribution 2.8.2 sent them to a test listener (a blob push, a tagged
 * manifest push, a manifest delete by digest and the tag delete that follows it) and as Harbor documents its
 * webhooks, reduced to events; the registry's name from URLs, {@code request.host} and the override; refusals.
 */
class NotificationPayloadsTest {
    private static final String D = "sha256:2dcf50312c6425de322d9cd88869f84d1c17a8866aa33d32c99beef672d1deb0";

    @Test
    void distributionEventsAsTheRegistrySendsThem() {
        String body = "{\"events\":["
                + "{\"id\":\"1\",\"timestamp\":\"2026-12-06T05:26:14.358650093Z\",\"action\":\"push\",\"target\":{"
                + "\"mediaType\":\"application/octet-stream\",\"size\":162,\"digest\":\"" + D + "\",\"length\":162,"
                + "\"repository\":\"demo/app\",\"url\":\"http://127.0.0.1:18766/v2/demo/app/blobs/" + D + "\"},"
                + "\"request\":{\"id\":\"r\",\"addr\":\"127.0.0.1:50964\",\"host\":\"127.0.0.1:18766\",\"method\":\"PUT\","
                + "\"useragent\":\"skopeo/1.9.3\"},\"actor\":{},\"source\":{\"addr\":\"vm:18766\",\"instanceID\":\"i\"}},"
                + "{\"action\":\"push\",\"target\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"digest\":\"" + D + "\",\"repository\":\"demo/app\",\"url\":\"http://127.0.0.1:18766/v2/demo/app/"
                + "manifests/" + D + "\",\"tag\":\"v1\"},\"request\":{\"host\":\"127.0.0.1:18766\"}},"
                + "{\"action\":\"delete\",\"target\":{\"digest\":\"" + D + "\",\"repository\":\"demo/app\"},"
                + "\"request\":{\"host\":\"127.0.0.1:18766\",\"method\":\"DELETE\"}},"
                + "{\"action\":\"delete\",\"target\":{\"repository\":\"demo/app\",\"tag\":\"v1\"},"
                + "\"request\":{\"host\":\"127.0.0.1:18766\"}},"
                + "{\"action\":\"pull\",\"target\":{\"repository\":\"demo/app\",\"digest\":\"" + D + "\"}}]}";
        List<RegistryEvent> events = read(body, null);
        assertThat(events)
                .containsExactly(
                        new RegistryEvent(
                                Kind.PUSH, "127.0.0.1:18766", "demo/app", null, D, "application/octet-stream", false),
                        new RegistryEvent(
                                Kind.PUSH,
                                "127.0.0.1:18766",
                                "demo/app",
                                "v1",
                                D,
                                "application/vnd.oci.image.manifest.v1+json",
                                true),
                        new RegistryEvent(Kind.DELETE, "127.0.0.1:18766", "demo/app", null, D, null, false),
                        new RegistryEvent(Kind.DELETE, "127.0.0.1:18766", "demo/app", "v1", null, null, false),
                        new RegistryEvent(Kind.PULL, null, null, null, D, null, false));
    }

    @Test
    void harborPushAndDelete() {
        String push = "{\"type\":\"PUSH_ARTIFACT\",\"occur_at\":1737446601,\"operator\":\"admin\",\"event_data\":{"
                + "\"resources\":[{\"digest\":\"" + D + "\",\"tag\":\"v1\",\"resource_url\":\"hb.example.com/library/"
                + "rumput:v1\"}],\"repository\":{\"date_created\":1737446600,\"name\":\"rumput\",\"namespace\":"
                + "\"library\",\"repo_full_name\":\"library/rumput\",\"repo_type\":\"public\"}}}";
        assertThat(read(push, null))
                .containsExactly(new RegistryEvent(Kind.PUSH, "hb.example.com", "library/rumput", "v1", D, null, true));
        String byDigest =
                push.replace("\"tag\":\"v1\"", "\"tag\":\"" + D + "\"").replace("PUSH_", "DELETE_");
        assertThat(read(byDigest, "registry.local:5000"))
                .containsExactly(
                        new RegistryEvent(Kind.DELETE, "registry.local:5000", "library/rumput", null, D, null, true));
        String noFullName = push.replace("\"repo_full_name\":\"library/rumput\",", "");
        assertThat(read(noFullName, null).getFirst().repository()).isEqualTo("library/rumput");
    }

    @ParameterizedTest
    @CsvSource({
        "http://127.0.0.1:5000/v2/a/manifests/x, 127.0.0.1:5000",
        "https://reg.example.com/v2/a/manifests/x, reg.example.com",
        "https://reg.example.com:8443/v2/a/blobs/x, reg.example.com:8443",
        "not a url, ",
    })
    void theHostOfAUrl(String url, String host) {
        assertThat(NotificationPayloads.hostOfUrl(url)).isEqualTo(host);
    }

    @ParameterizedTest
    @CsvSource({
        "hb.example.com/library/app:v1, hb.example.com",
        "https://hb.example.com/library/app@sha256:00, hb.example.com",
        "hb.example.com:8443/p/app:v1, hb.example.com:8443",
        "app, ",
    })
    void theHostOfAHarborResourceUrl(String url, String host) {
        assertThat(NotificationPayloads.hostOfResourceUrl(url)).isEqualTo(host);
    }

    @Test
    void dockerHubAliasesAndOfficialImagesAreCanonical() {
        assertThat(RegistryEvent.of(Kind.PUSH, "index.docker.io", "nginx", "1.27", D, null, true))
                .isEqualTo(new RegistryEvent(Kind.PUSH, "docker.io", "library/nginx", "1.27", D, null, true));
        assertThat(RegistryEvent.of(Kind.PUSH, "registry", "app", "v1", D, null, true)
                        .registry())
                .as("a bare name is not read as a registry in an image either")
                .isNull();
        assertThat(RegistryEvent.of(Kind.PUSH, "reg.example.com", "Bad/Name", "v1", D, null, true)
                        .registry())
                .isNull();
        assertThat(RegistryEvent.isRegistryHost("127.0.0.1:5000")).isTrue();
        assertThat(RegistryEvent.isRegistryHost("no such host")).isFalse();
    }

    @Test
    void refusals() {
        assertThatThrownBy(() -> read("", null)).hasMessageContaining("empty");
        assertThatThrownBy(() -> read("[1]", null)).hasMessage("the body: expected an object");
        assertThatThrownBy(() -> read("{\"events\":[null]}", null)).hasMessageContaining("events: an event is null");
        assertThatThrownBy(() -> read("{\"events\":[{\"target\":{\"tag\":[]}}]}", null))
                .hasMessage("events[0].target.tag: expected a string");
        assertThatThrownBy(() -> read("{\"type\":\"PUSH_ARTIFACT\"}", null))
                .hasMessageContaining("event_data.resources: missing");
        assertThatThrownBy(() -> read("{\"a\":1} {\"b\":2}", null)).hasMessageContaining("not valid JSON");
    }

    private static List<RegistryEvent> read(String body, String registry) {
        return NotificationPayloads.read(body.getBytes(StandardCharsets.UTF_8), registry);
    }
}
