package dev.ballast.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.image.Digest;
import dev.ballast.lifecycle.Holdings;
import dev.ballast.lifecycle.RegistryNotifications;
import dev.ballast.model.TagKey;
import dev.ballast.model.TagSource;
import dev.ballast.store.Store;
import dev.ballast.store.TagState;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.NotificationPoster;
import dev.ballast.testing.NotificationPoster.Answer;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * {@code POST /registry-notifications} through java.net.http: Harbor's {@code PUSH_ARTIFACT} / {@code DELETE_ARTIFACT}
 * payloads as Harbor documents them, with the token as Harbor's "auth header" (verbatim) or as a bearer token; the
 * token refusals, malformed bodies, an oversized body, unwatched tags and unknown event types, the {@code ?registry=}
 * override, and a server without a token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotificationEndpointIT {
    private static final String TOKEN = "s3cret-harbor-token";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private RegistryFixture registry;
    private TestServer server;
    private EcsClient ecs;
    private Store store;
    private NotificationPoster poster;
    private Digest held;

    @BeforeAll
    void start() {
        registry = RegistryFixture.start();
        server = TestServer.sqlite(c -> c.simulatedInstances(0).lifecycle(l -> l.withNotificationToken(TOKEN)));
        ecs = server.client();
        store = server.server().store();
        poster = new NotificationPoster(server.endpoint());
        ecs.createCluster(r -> r.clusterName("default"));
        held = registry.images().push("team/api:v1", TestImages.Format.OCI, "api-1");
        registry.images().push("team/worker:v1", TestImages.Format.OCI, "worker-1");
        for (String name : new String[] {"api", "worker"}) {
            ecs.registerTaskDefinition(r -> r.family(name)
                    .containerDefinitions(ContainerDefinition.builder()
                            .name("app")
                            .image(registry.host() + "/team/" + name + ":v1")
                            .memory(16)
                            .build()));
            ecs.createService(r -> r.serviceName(name).taskDefinition(name).desiredCount(0));
        }
        Eventually.await(
                "both services hold their digests",
                WAIT,
                () -> new Holdings(store)
                                .current().stream().filter(h -> h.pinned()).count()
                        == 2);
    }

    @AfterAll
    void stop() {
        ecs.close();
        server.close();
        registry.close();
    }

    @Test
    void harborPushesMoveAWatchedTagAndDeletesMarkAHeldDigestMissing() {
        String moved = fakeDigest('a');
        Answer push = poster.post(
                TOKEN, null, NotificationPoster.harbor("PUSH_ARTIFACT", registry.host(), "team/api", "v1", moved));
        assertThat(push.status()).isEqualTo(200);
        assertThat(push.body()).contains("\"applied\":1");
        TagState state = store.tagStates()
                .find(new TagKey(registry.host(), "team/api", "v1"))
                .orElseThrow();
        assertThat(state.digest()).isEqualTo(moved);
        assertThat(state.source()).isEqualTo(TagSource.PUSH);

        Answer delete = poster.post(
                "Bearer " + TOKEN,
                null,
                NotificationPoster.harbor("DELETE_ARTIFACT", registry.host(), "team/api", "v1", held.toString()));
        assertThat(delete.status()).isEqualTo(200);
        assertThat(store.missingImages().find(registry.host(), "team/api", held.toString()))
                .as("marked when the answer is sent, no registry request in between")
                .hasValueSatisfying(m -> assertThat(m.source()).isEqualTo(RegistryNotifications.SOURCE));

        // a push of the held digest again (Harbor names a push by digest with the digest as its tag) clears it
        Answer back = poster.post(
                TOKEN,
                null,
                NotificationPoster.harbor("PUSH_ARTIFACT", registry.host(), "team/api", null, held.toString()));
        assertThat(back.status()).isEqualTo(200);
        assertThat(store.missingImages().find(registry.host(), "team/api", held.toString()))
                .isEmpty();
    }

    @Test
    void theTokenIsRequiredAndA401SaysNothing() {
        String body = NotificationPoster.harbor("PUSH_ARTIFACT", registry.host(), "team/api", "v1", fakeDigest('b'));
        for (String wrong : new String[] {null, "", "Bearer", "Bearer wrong", TOKEN + "x", "Basic " + TOKEN}) {
            Answer a = poster.post(wrong, null, body);
            assertThat(a.status()).as("Authorization: %s", wrong).isEqualTo(401);
            assertThat(a.body()).isEmpty();
        }
        assertThat(store.tagStates().find(new TagKey(registry.host(), "team/api", "v1")))
                .map(TagState::digest)
                .isNotEqualTo(fakeDigest('b'));
        assertThat(poster.post("bearer " + TOKEN, null, body).status()).isEqualTo(200);
    }

    @Test
    void malformedBodiesAre400sNamingWhatIsWrong() {
        Answer notJson = poster.post(TOKEN, null, "{\"events\": [");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.body()).contains("not valid JSON");
        Answer wrongType = poster.post(TOKEN, null, "{\"events\": \"push\"}");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.body()).contains("events: expected an array");
        Answer wrongMember = poster.post(TOKEN, null, "{\"events\": [{\"action\":\"push\",\"target\":[]}]}");
        assertThat(wrongMember.status()).isEqualTo(400);
        assertThat(wrongMember.body()).contains("events[0].target: expected an object");
        Answer neither = poster.post(TOKEN, null, "{\"hello\": 1}");
        assertThat(neither.status()).isEqualTo(400);
        assertThat(neither.body()).contains("neither a distribution notification envelope");
        Answer empty = poster.post(TOKEN, null, "");
        assertThat(empty.status()).isEqualTo(400);
        Answer duplicate = poster.post(TOKEN, null, "{\"type\":\"PUSH_ARTIFACT\",\"type\":\"x\"}");
        assertThat(duplicate.status()).isEqualTo(400);
    }

    @Test
    void anOversizedBodyIsRefused() {
        byte[] body = new byte[RequestHandler.MAX_BODY_BYTES + 1];
        Arrays.fill(body, (byte) ' ');
        Answer a = poster.post(TOKEN, null, body);
        assertThat(a.status()).isEqualTo(413);
        assertThat(a.body()).contains("exceeds");
        // the listener is still there for the next one
        assertThat(poster.post(TOKEN, null, "{\"events\":[]}").status()).isEqualTo(200);
    }

    @Test
    void unwatchedTagsBlobsAndUnknownEventTypesChangeNothingAndAreCounted() {
        Answer unwatched = poster.post(
                TOKEN,
                null,
                NotificationPoster.harbor("PUSH_ARTIFACT", registry.host(), "team/api", "v2", fakeDigest('c')));
        assertThat(unwatched.body()).contains("\"ignored\":1");
        assertThat(store.tagStates().find(new TagKey(registry.host(), "team/api", "v2")))
                .isEmpty();
        Answer unknown = poster.post(
                TOKEN,
                null,
                "{\"type\":\"SCANNING_COMPLETED\",\"occur_at\":1,\"operator\":\"auto\",\"event_data\":{}}");
        assertThat(unknown.status()).isEqualTo(200);
        assertThat(unknown.body()).contains("\"ignored\":1");
        String blob = "{\"events\":[{\"action\":\"push\",\"target\":{\"mediaType\":\"application/octet-stream\","
                + "\"digest\":\"" + fakeDigest('d') + "\",\"repository\":\"team/api\",\"url\":\"http://"
                + registry.host() + "/v2/team/api/blobs/" + fakeDigest('d') + "\"}},{\"action\":\"teleport\"}]}";
        assertThat(poster.post(TOKEN, null, blob).body()).contains("\"ignored\":2");
        String metrics = scrape();
        assertThat(metrics)
                .containsPattern("ballast_registry_notifications_total\\{kind=\"unknown\",outcome=\"ignored\"} [1-9]");
        assertThat(metrics)
                .containsPattern("ballast_registry_notifications_total\\{kind=\"push\",outcome=\"ignored\"} [1-9]");
    }

    @Test
    void theRegistryParameterNamesARegistryKnownUnderAnotherName() {
        // the registry's own URLs say registry.internal:5000; services know it as 127.0.0.1:<port>
        String moved = fakeDigest('e');
        String body = NotificationPoster.distribution("push", "registry.internal:5000", "team/worker", "v1", moved);
        assertThat(poster.post("Bearer " + TOKEN, null, body).body()).contains("\"ignored\":1");
        Answer a = poster.post("Bearer " + TOKEN, "registry=" + registry.host(), body);
        assertThat(a.body()).contains("\"applied\":1");
        assertThat(store.tagStates().find(new TagKey(registry.host(), "team/worker", "v1")))
                .map(TagState::digest)
                .contains(moved);
        Answer bad = poster.post("Bearer " + TOKEN, "registry=no%20such%20host", body);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("registry:");
    }

    @Test
    void withoutATokenTheEndpointIsNotThere() {
        try (TestServer plain = TestServer.sqlite(c -> c.simulatedInstances(0))) {
            Answer a = new NotificationPoster(plain.endpoint())
                    .post(
                            "Bearer anything",
                            null,
                            NotificationPoster.harbor(
                                    "PUSH_ARTIFACT", registry.host(), "team/api", "v1", fakeDigest('f')));
            assertThat(a.status()).isEqualTo(404);
            assertThat(a.body()).contains("nothing at POST /registry-notifications");
        }
    }

    private String scrape() {
        try {
            return HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(server.endpoint() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                    .body();
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String fakeDigest(char c) {
        return "sha256:" + String.valueOf(c).repeat(64);
    }
}
