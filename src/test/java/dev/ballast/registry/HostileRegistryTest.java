package dev.ballast.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import dev.ballast.image.ImageReference;
import dev.ballast.image.MediaTypes;
import dev.ballast.registry.RegistryException.Kind;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.MutableClock;
import dev.ballast.testing.ScriptedServer;
import dev.ballast.testing.ScriptedServer.Received;
import dev.ballast.testing.ScriptedServer.Reply;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Registries that answer with intent to harm (issue 9, item 9): every such answer ends as a
 * {@link RegistryException} of a stated kind, within the exchange deadline, without holding the answer in
 * memory and without sending anything to a token realm the registry may not name.
 */
@Timeout(60)
class HostileRegistryTest {

    private static final long FOUR_MIB = 4L * 1024 * 1024;
    private static final long FOUR_HUNDRED_MB = 400_000_000L;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final List<ScriptedServer> servers = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(ScriptedServer::close);
    }

    private ScriptedServer scripted(ScriptedServer.Script script) {
        ScriptedServer s = ScriptedServer.start(script);
        servers.add(s);
        return s;
    }

    private ScriptedServer raw(ScriptedServer.RawScript script) {
        ScriptedServer s = ScriptedServer.startRaw(script);
        servers.add(s);
        return s;
    }

    private RegistryConfig config() {
        return RegistryConfig.defaults()
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1))
                .withRetries(2, Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofSeconds(1))
                .withClock(clock, sleeps::add);
    }

    private RegistryClient client(RegistryConfig config, Predicate<String> realmHostAllowed) {
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        return new RegistryClient(
                config,
                new SimpleMeterRegistry(),
                http,
                realmHostAllowed,
                new RegistryLabels(config.insecureRegistries(), config.metricRegistryLimit()));
    }

    private RegistryClient client() {
        return client(config(), host -> true);
    }

    private static ImageReference ref(ScriptedServer s) {
        return ImageReference.parse(s.host() + "/demo/app:v1");
    }

    private static boolean manifest(Received r) {
        return r.path().contains("/manifests/");
    }

    /** HEAD answers without a digest, so the client GETs the manifest and reads the body the script writes. */
    private static void headWithoutDigest(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", MediaTypes.OCI_MANIFEST);
        ex.sendResponseHeaders(200, -1);
    }

    @Test
    void a_body_that_trickles_ends_at_the_exchange_deadline_as_unavailable() {
        AtomicInteger cutOff = new AtomicInteger();
        ScriptedServer s = raw((r, ex) -> {
            if (!manifest(r)) {
                ex.sendResponseHeaders(200, -1);
            } else if (r.method().equals("HEAD")) {
                headWithoutDigest(ex);
            } else {
                ex.getResponseHeaders().set("Content-Type", MediaTypes.OCI_MANIFEST);
                ex.sendResponseHeaders(200, 0);
                OutputStream out = ex.getResponseBody();
                out.write('{');
                try {
                    for (int i = 0; i < 3600; i++) { // one byte every 100 ms for six minutes, unless cut off
                        Thread.sleep(100);
                        out.write(' ');
                        out.flush();
                    }
                } catch (IOException closed) {
                    cutOff.incrementAndGet();
                }
            }
        });
        assertThatThrownBy(() -> client().resolve(ref(s)))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE))
                .hasMessage("resolve " + ref(s) + ": registry " + s.host()
                        + " could not be reached: no answer within 1000 ms after 2 attempt(s)");
        assertThat(s.count(r -> manifest(r) && r.method().equals("GET"))).isEqualTo(2);
        Eventually.await(
                "both trickling connections closed by the client", Duration.ofSeconds(20), () -> cutOff.get() == 2);
    }

    @Test
    void a_redirect_to_a_file_url_is_invalid_and_not_retried() {
        ScriptedServer s =
                scripted(r -> manifest(r) ? Reply.of(307).with("Location", "file:///etc/passwd") : Reply.of(200));
        assertThatThrownBy(() -> client().resolve(ref(s)))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID))
                .hasMessage("resolve " + ref(s) + ": registry " + s.host()
                        + " pointed to \"file:///etc/passwd\", which is not an http(s) URL");
        assertThat(s.count(HostileRegistryTest::manifest)).isEqualTo(1);
    }

    @Test
    void a_malformed_location_is_invalid() {
        ScriptedServer s =
                scripted(r -> manifest(r) ? Reply.of(302).with("Location", "http://exa mple.com/%%zz") : Reply.of(200));
        assertThatThrownBy(() -> client().resolve(ref(s)))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID))
                .hasMessage("resolve " + ref(s) + ": registry " + s.host()
                        + " sent a malformed URL \"http://exa mple.com/%%zz\"");
    }

    @Test
    void a_plain_http_realm_on_a_host_neither_loopback_nor_insecure_is_never_contacted() {
        String realm = "http://169.254.169.254/latest/meta-data/iam/security-credentials/role";
        ScriptedServer s = scripted(
                r -> Reply.of(401).with("WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"registry\""));
        assertThatThrownBy(() -> client().resolve(ref(s)))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID))
                .hasMessage("resolve " + ref(s) + ": registry " + s.host() + " named plain-HTTP token realm \"" + realm
                        + "\" on 169.254.169.254, which is neither loopback nor marked insecure");
        assertThat(s.received()).as("only the challenge was asked for").hasSize(1);
    }

    @Test
    void a_realm_on_a_host_the_access_check_refuses_is_never_contacted() {
        ScriptedServer tokens = scripted(r -> Reply.json(200, "{\"token\":\"stolen\"}"));
        String realm = "http://localhost:" + tokens.port() + "/token";
        ScriptedServer s = scripted(r -> Reply.of(401).with("WWW-Authenticate", "Bearer realm=\"" + realm + "\""));
        RegistryClient client = client(config(), host -> !host.startsWith("localhost"));
        assertThatThrownBy(() -> client.resolve(ref(s)))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID))
                .hasMessage("resolve " + ref(s) + ": registry " + s.host() + " named token realm host localhost:"
                        + tokens.port() + ", which is not an allowed registry");
        assertThat(tokens.received()).isEmpty();
    }

    @Test
    void malformed_realms_are_invalid() {
        for (String realm :
                List.of("http://[broken/token", "file:///etc/passwd", "/token", "https://user:pw@h/token")) {
            ScriptedServer s = scripted(r -> Reply.of(401).with("WWW-Authenticate", "Bearer realm=\"" + realm + "\""));
            assertThatThrownBy(() -> client().resolve(ref(s)))
                    .as(realm)
                    .isInstanceOfSatisfying(
                            RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID))
                    .hasMessageStartingWith("resolve " + ref(s) + ": registry " + s.host() + " named ")
                    .hasMessageContaining("token realm");
        }
    }

    @Test
    void a_realm_answer_goes_only_to_the_registry_it_was_fetched_for() {
        ScriptedServer tokens = scripted(r -> Reply.json(200, "{\"token\":\"T1\",\"expires_in\":300}"));
        ScriptedServer elsewhere = scripted(r -> Reply.of(200)
                .withBody(MediaTypes.OCI_MANIFEST, RegistryProtocolTest.MANIFEST)
                .with("Docker-Content-Digest", RegistryProtocolTest.DIGEST.toString()));
        ScriptedServer s = scripted(r -> {
            if (!r.header("Authorization").orElse("").equals("Bearer T1")) {
                return Reply.of(401)
                        .with(
                                "WWW-Authenticate",
                                "Bearer realm=\"http://127.0.0.1:" + tokens.port() + "/token\",service=\"scripted\"");
            }
            return manifest(r)
                    ? Reply.of(307).with("Location", "http://localhost:" + elsewhere.port() + r.target())
                    : Reply.of(200);
        });
        assertThat(client().resolve(ref(s)).digest()).isEqualTo(RegistryProtocolTest.DIGEST);
        assertThat(s.received())
                .filteredOn(HostileRegistryTest::manifest)
                .allSatisfy(r -> assertThat(r.header("Authorization")).contains("Bearer T1"));
        assertThat(elsewhere.received())
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.header("Authorization"))
                        .as("token sent to another origin")
                        .isEmpty());
    }

    @Test
    void a_token_a_header_cannot_carry_is_invalid_not_an_unchecked_exception() {
        ScriptedServer tokens = scripted(r -> Reply.json(200, "{\"token\":\"abc\\r\\nX-Injected: 1\"}"));
        ScriptedServer s = scripted(r -> Reply.of(401)
                .with("WWW-Authenticate", "Bearer realm=\"http://127.0.0.1:" + tokens.port() + "/token\""));
        assertThatThrownBy(() -> client().resolve(ref(s)))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID))
                .hasMessageContaining("answered a token with characters a bearer token cannot hold");
    }

    /** Writes {@code total} bytes of JSON-ish filler in 64 KiB pieces, counting what left, until cut off. */
    private static void stream(OutputStream out, long total, AtomicLong sent) throws IOException {
        byte[] piece = new byte[64 * 1024];
        Arrays.fill(piece, (byte) ' ');
        piece[0] = '{';
        for (long left = total; left > 0; left -= piece.length) {
            int n = (int) Math.min(piece.length, left);
            out.write(piece, 0, n);
            sent.addAndGet(n);
        }
    }

    @Test
    void a_400_mb_manifest_announced_by_content_length_is_refused_without_reading_it() {
        AtomicLong sent = new AtomicLong();
        ScriptedServer s = raw((r, ex) -> {
            if (!manifest(r)) {
                ex.sendResponseHeaders(200, -1);
            } else if (r.method().equals("HEAD")) {
                headWithoutDigest(ex);
            } else {
                ex.getResponseHeaders().set("Content-Type", MediaTypes.OCI_MANIFEST);
                ex.sendResponseHeaders(200, FOUR_HUNDRED_MB);
                stream(ex.getResponseBody(), FOUR_HUNDRED_MB, sent);
            }
        });
        assertThatThrownBy(() -> client().resolve(ref(s)))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID))
                .hasMessage("resolve " + ref(s) + ": registry " + s.host() + " announced a body over " + FOUR_MIB
                        + " bytes (the limit for this answer)");
        assertThat(sent.get()).as("bytes the registry got to send").isLessThan(FOUR_HUNDRED_MB / 4);
    }

    @Test
    void a_400_mb_manifest_without_content_length_is_cut_off_at_the_limit() {
        AtomicLong sent = new AtomicLong();
        ScriptedServer s = raw((r, ex) -> {
            if (!manifest(r)) {
                ex.sendResponseHeaders(200, -1);
            } else if (r.method().equals("HEAD")) {
                headWithoutDigest(ex);
            } else {
                ex.getResponseHeaders().set("Content-Type", MediaTypes.OCI_MANIFEST);
                ex.sendResponseHeaders(200, 0); // chunked: no Content-Length
                stream(ex.getResponseBody(), FOUR_HUNDRED_MB, sent);
            }
        });
        assertThatThrownBy(() -> client().resolve(ref(s)))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID))
                .hasMessage("resolve " + ref(s) + ": registry " + s.host() + " sent a body over " + FOUR_MIB
                        + " bytes (the limit for this answer)");
        assertThat(sent.get()).as("bytes the registry got to send").isLessThan(FOUR_HUNDRED_MB / 4);
        assertThat(s.count(r -> manifest(r) && r.method().equals("GET")))
                .as("not retried")
                .isEqualTo(1);
    }

    @Test
    void the_manifest_limit_is_configurable() {
        byte[] big = new byte[8 * 1024];
        Arrays.fill(big, (byte) ' ');
        ScriptedServer s = scripted(r -> !manifest(r)
                ? Reply.of(200)
                : r.method().equals("HEAD")
                        ? Reply.of(200).with("Content-Type", MediaTypes.OCI_MANIFEST)
                        : Reply.of(200).withBody(MediaTypes.OCI_MANIFEST, big));
        assertThatThrownBy(() -> client(config().withMaxManifestBytes(4096), host -> true)
                        .resolve(ref(s)))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID))
                .hasMessageContaining("announced a body over 4096 bytes");
    }

    @Test
    void an_endless_error_body_is_cut_and_the_status_still_classifies_it() {
        AtomicLong sent = new AtomicLong();
        ScriptedServer s = raw((r, ex) -> {
            if (!manifest(r)) {
                ex.sendResponseHeaders(200, -1);
                return;
            }
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(404, r.method().equals("HEAD") ? -1 : 0);
            if (!r.method().equals("HEAD")) {
                ex.getResponseBody()
                        .write("{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\""
                                .getBytes(StandardCharsets.UTF_8));
                stream(ex.getResponseBody(), FOUR_HUNDRED_MB, sent);
            }
        });
        assertThatThrownBy(() -> client().resolve(ref(s)))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND))
                .hasMessage("resolve " + ref(s) + ": registry answered 404");
        assertThat(sent.get()).isLessThan(FOUR_HUNDRED_MB / 4);
    }

    @Test
    void an_endless_token_answer_is_refused() {
        AtomicLong sent = new AtomicLong();
        ScriptedServer tokens = raw((r, ex) -> {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, 0);
            stream(ex.getResponseBody(), FOUR_HUNDRED_MB, sent);
        });
        ScriptedServer s = scripted(r -> Reply.of(401)
                .with("WWW-Authenticate", "Bearer realm=\"http://127.0.0.1:" + tokens.port() + "/token\""));
        assertThatThrownBy(() -> client().resolve(ref(s)))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID))
                .hasMessage("resolve " + ref(s) + ": 127.0.0.1:" + tokens.port() + " (for registry " + s.host()
                        + ") sent a body over " + Authenticator.MAX_TOKEN_BODY + " bytes (the limit for this answer)");
        assertThat(sent.get()).isLessThan(FOUR_HUNDRED_MB / 4);
    }

    @Test
    void any_other_failure_inside_the_client_is_a_registry_exception_without_library_text() {
        ScriptedServer s = scripted(r -> Reply.of(401).with("WWW-Authenticate", "Basic realm=\"scripted\""));
        RegistryConfig failingHelper = config().withCredentials(registry -> {
            throw new IllegalStateException("cannot run credential helper /usr/bin/docker-credential-x: "
                    + "java.io.IOException: error=2, No such file or directory");
        });
        assertThatThrownBy(() -> client(failingHelper, host -> true).resolve(ref(s)))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID))
                .hasMessage("resolve " + ref(s) + ": the exchange with registry " + s.host()
                        + " failed unexpectedly (the server log has details)");
    }

    @Test
    void the_registrys_error_words_reach_callers_printable_and_short() {
        String flood = "x".repeat(10_000);
        ScriptedServer s = scripted(r -> !manifest(r)
                ? Reply.of(200)
                : Reply.json(
                        404,
                        "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"gone\\r\\nInjected: " + flood
                                + "\"}]}"));
        assertThatThrownBy(() -> client().resolve(ref(s)))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
                    assertThat(e.registryMessage())
                            .get()
                            .asString()
                            .startsWith("goneInjected: xxx")
                            .hasSize(201);
                })
                .message()
                .doesNotContain("\r")
                .doesNotContain("\n")
                .hasSizeLessThan(400);
    }
}
