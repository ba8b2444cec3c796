package dev.ballast.deploy;

import static dev.ballast.deploy.EcsHelpers.service;
import static dev.ballast.deploy.EcsHelpers.stable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import dev.ballast.image.MediaTypes;
import dev.ballast.registry.RegistryConfig;
import dev.ballast.resolve.ResolveSettings;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ScriptedServer;
import dev.ballast.testing.ScriptedServer.Received;
import dev.ballast.testing.ScriptedServer.Reply;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;

/**
 * Issue 9, items 4 and 9 on a running server driven by the AWS SDK: services whose images are on hostile
 * registries (a trickling body, a {@code file:} redirect, a token realm on a metadata address, a 400 MB
 * manifest) each end with a registry error event and a failed deployment within the attempt budget; one
 * whose registry asks to wait an hour is asked once and says until when; meanwhile a service on a real
 * registry deploys and scales.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileRegistryScenarioIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int STRICT_ATTEMPTS = 3;
    private static final int TRANSPORT_ATTEMPTS = 2;

    private RegistryFixture registry;
    private ScriptedServer trickle;
    private ScriptedServer fileRedirect;
    private ScriptedServer metadataRealm;
    private ScriptedServer huge;
    private ScriptedServer throttled;
    private final AtomicLong hugeBytesSent = new AtomicLong();
    private TestServer server;
    private EcsClient ecs;

    private static boolean manifest(Received r) {
        return r.path().contains("/manifests/");
    }

    private static void headWithoutDigest(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", MediaTypes.OCI_MANIFEST);
        ex.sendResponseHeaders(200, -1);
    }

    @BeforeAll
    void start() {
        registry = RegistryFixture.start();
        trickle = ScriptedServer.startRaw((r, ex) -> {
            if (!manifest(r)) {
                ex.sendResponseHeaders(200, -1);
            } else if (r.method().equals("HEAD")) {
                headWithoutDigest(ex);
            } else {
                ex.sendResponseHeaders(200, 0);
                OutputStream out = ex.getResponseBody();
                for (int i = 0; i < 3600; i++) {
                    out.write(' ');
                    out.flush();
                    Thread.sleep(1000);
                }
            }
        });
        fileRedirect = ScriptedServer.start(
                r -> manifest(r) ? Reply.of(307).with("Location", "file:///etc/passwd") : Reply.of(200));
        metadataRealm = ScriptedServer.start(r -> Reply.of(401)
                .with(
                        "WWW-Authenticate",
                        "Bearer realm=\"http://169.254.169.254/latest/meta-data/iam/security-credentials/\""));
        huge = ScriptedServer.startRaw((r, ex) -> {
            if (!manifest(r)) {
                ex.sendResponseHeaders(200, -1);
            } else if (r.method().equals("HEAD")) {
                headWithoutDigest(ex);
            } else {
                ex.getResponseHeaders().set("Content-Type", MediaTypes.OCI_MANIFEST);
                ex.sendResponseHeaders(200, 0);
                byte[] piece = new byte[64 * 1024];
                Arrays.fill(piece, (byte) ' ');
                for (long left = 400_000_000L; left > 0; left -= piece.length) {
                    ex.getResponseBody().write(piece);
                    hugeBytesSent.addAndGet(piece.length);
                }
            }
        });
        throttled = ScriptedServer.start(r -> manifest(r) ? Reply.of(429).with("Retry-After", "3600") : Reply.of(200));
        server = TestServer.sqlite(c -> c.simulatedInstances(2)
                .resolve(new ResolveSettings(
                        STRICT_ATTEMPTS, 3, Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofSeconds(1)))
                .registry(r -> RegistryConfig.defaults()
                        .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2))
                        .withRetries(
                                TRANSPORT_ATTEMPTS,
                                Duration.ofMillis(50),
                                Duration.ofMillis(200),
                                Duration.ofSeconds(30))));
        ecs = server.client();
    }

    @AfterAll
    void stop() {
        ecs.close();
        server.close();
        for (ScriptedServer s : List.of(trickle, fileRedirect, metadataRealm, huge, throttled)) {
            s.close();
        }
        registry.close();
    }

    private void createService(String name, String image) {
        ecs.registerTaskDefinition(r -> r.family(name)
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image(image)
                        .memory(16)
                        .versionConsistency("consistent")
                        .build()));
        ecs.createService(r -> r.serviceName(name).taskDefinition(name).desiredCount(1));
    }

    private List<String> events(String name) {
        return service(ecs, "default", name).events().stream()
                .map(ServiceEvent::message)
                .toList();
    }

    private boolean failed(String name) {
        return service(ecs, "default", name).deployments().stream()
                .anyMatch(d -> d.rolloutStateAsString().equals("FAILED"));
    }

    @Test
    void hostileRegistriesFailTheirDeploymentsWithEventsWhileAnotherServiceDeploysAndScales() {
        registry.images().push("demo/good:v1", TestImages.Format.OCI, "good-1");
        record Hostile(String service, ScriptedServer registry, String says) {}
        List<Hostile> hostile = List.of(
                new Hostile("trickle", trickle, "could not be reached: no answer within 2000 ms"),
                new Hostile(
                        "file-redirect",
                        fileRedirect,
                        "pointed to \"file:///etc/passwd\", which is not an http(s) URL"),
                new Hostile("metadata-realm", metadataRealm, "named plain-HTTP token realm"),
                new Hostile("huge", huge, "sent a body over 4194304 bytes"));
        for (Hostile h : hostile) {
            createService(h.service(), h.registry().host() + "/demo/" + h.service() + ":v1");
        }
        createService("throttled", throttled.host() + "/demo/throttled:v1");
        createService("good", registry.host() + "/demo/good:v1");

        Eventually.await("the service on the real registry is stable", WAIT, () -> stable(ecs, "default", "good"));
        ecs.updateService(r -> r.service("good").desiredCount(3));
        Eventually.await(
                "the service on the real registry scaled to 3",
                WAIT,
                () -> stable(ecs, "default", "good")
                        && service(ecs, "default", "good").runningCount() == 3);

        for (Hostile h : hostile) {
            Eventually.await(h.service() + " deployment failed", WAIT, () -> failed(h.service()));
            Deployment d = service(ecs, "default", h.service()).deployments().getFirst();
            assertThat(d.runningCount() + d.pendingCount()).as(h.service()).isZero();
            assertThat(events(h.service()))
                    .as(h.service())
                    .anySatisfy(e ->
                            assertThat(e).contains("could not resolve image").contains(h.says()))
                    .anySatisfy(e -> assertThat(e).contains("deployment failed"))
                    .allSatisfy(e -> assertThat(e).doesNotContain("Exception").doesNotContain("java."));
            assertThat(h.registry().count(r -> true))
                    .as(h.service() + ": requests within the attempt budget")
                    .isLessThanOrEqualTo(STRICT_ATTEMPTS * TRANSPORT_ATTEMPTS * 3L);
        }
        assertThat(hugeBytesSent.get()).as("the 400 MB manifest was cut off").isLessThan(100_000_000L);

        Eventually.await(
                "the throttled service says until when",
                WAIT,
                () -> events("throttled").stream().anyMatch(e -> e.contains("asks to wait until")));
        assertThat(events("throttled"))
                .anySatisfy(e -> assertThat(e)
                        .contains("could not resolve image " + throttled.host() + "/demo/throttled:v1")
                        .contains("registry answered 429 and asks to wait until")
                        .contains("(attempt 1 of 3; retrying)"));
        assertThat(throttled.count(HostileRegistryScenarioIT::manifest))
                .as("asked once, not again before the registry allows it")
                .isEqualTo(1);
        assertThat(failed("throttled")).isFalse();

        // RunTask resolves synchronously: a hostile answer is a client error naming it, never a 500
        assertThatThrownBy(() -> ecs.runTask(r -> r.taskDefinition("file-redirect")))
                .isInstanceOfSatisfying(EcsException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ClientException");
                })
                .hasMessageContaining("pointed to \"file:///etc/passwd\", which is not an http(s) URL")
                .message()
                .doesNotContain("Exception:")
                .doesNotContain("java.");
    }
}
