package dev.ballast.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.image.Digest;
import dev.ballast.registry.RegistryException.Kind;
import dev.ballast.testing.MutableClock;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages.Format;
import dev.ballast.testing.TokenServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Basic and token authentication against the real registry. */
class RegistryAuthIT {

    static RegistryClient client(RegistryConfig config) {
        return new RegistryClient(config, new SimpleMeterRegistry());
    }

    @Nested
    class BasicAuth {

        @Test
        void right_credentials_work_and_wrong_or_missing_ones_fail_clearly() {
            try (RegistryFixture registry = RegistryFixture.startWithBasicAuth("alice", "wonderland")) {
                Digest pushed = registry.images().push("demo/app:v1", Format.OCI, "basic");
                RegistryConfig base = RegistryConfig.defaults();
                RegistryClient right = client(base.withCredentials(
                        CredentialSource.of(Map.of(registry.host(), new Credential("alice", "wonderland")))));
                assertThat(right.resolve(registry.reference("demo/app:v1")).digest())
                        .isEqualTo(pushed);

                RegistryClient wrong = client(base.withCredentials(
                        CredentialSource.of(Map.of(registry.host(), new Credential("alice", "looking-glass")))));
                assertThatThrownBy(() -> wrong.resolve(registry.reference("demo/app:v1")))
                        .isInstanceOfSatisfying(RegistryException.class, e -> {
                            assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
                            assertThat(e.status()).hasValue(401);
                        })
                        // a HEAD answer has no body, so no registry error code here
                        .hasMessage("resolve " + registry.host() + "/demo/app:v1: registry answered 401; "
                                + "credentials for \"alice\" were rejected");

                assertThatThrownBy(() -> client(base).resolve(registry.reference("demo/app:v1")))
                        .isInstanceOfSatisfying(
                                RegistryException.class,
                                e -> assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED))
                        .hasMessageEndingWith("; no credentials configured for " + registry.host());
            }
        }
    }

    @Nested
    class TokenAuth {

        final MutableClock clock = new MutableClock(Instant.now());

        RegistryConfig config() {
            return RegistryConfig.defaults().withClock(clock, d -> {});
        }

        @Test
        void anonymous_scoped_tokens_are_cached_and_refreshed_after_expiry() {
            try (TokenServer tokens = TokenServer.start();
                    RegistryFixture registry = RegistryFixture.startWithTokenAuth(tokens)) {
                Digest pushed = registry.images().push("demo/app:v1", Format.OCI, "token");
                tokens.lifetime(Duration.ofSeconds(300));
                int before = tokens.requestedScopes().size();
                RegistryClient c = client(config());
                assertThat(c.resolve(registry.reference("demo/app:v1")).digest())
                        .isEqualTo(pushed);
                assertThat(c.resolve(registry.reference("demo/app:v1")).digest())
                        .isEqualTo(pushed);
                assertThat(tokens.requestedScopes()
                                .subList(before, tokens.requestedScopes().size()))
                        .containsExactly("repository:demo/app:pull");
                clock.advance(Duration.ofSeconds(301));
                assertThat(c.resolve(registry.reference("demo/app:v1")).digest())
                        .isEqualTo(pushed);
                assertThat(tokens.requestedScopes().size() - before).isEqualTo(2);
            }
        }

        @Test
        void tokens_obtained_with_username_and_password() {
            try (TokenServer tokens = TokenServer.start();
                    RegistryFixture registry = RegistryFixture.startWithTokenAuth(tokens)) {
                Digest pushed = registry.images().push("private/app:v1", Format.OCI, "private");
                tokens.allow("", "private/app");
                tokens.addUser("bob", "builder");
                tokens.allow("bob", "private/app", "pull");
                RegistryClient bob = client(config().withCredentials(
                                CredentialSource.of(Map.of(registry.host(), new Credential("bob", "builder")))));
                assertThat(bob.resolve(registry.reference("private/app:v1")).digest())
                        .isEqualTo(pushed);

                RegistryClient impostor = client(config().withCredentials(
                                CredentialSource.of(Map.of(registry.host(), new Credential("bob", "guess")))));
                assertThatThrownBy(() -> impostor.resolve(registry.reference("private/app:v1")))
                        .isInstanceOfSatisfying(
                                RegistryException.class,
                                e -> assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED))
                        .hasMessageContaining("token for repository:private/app:pull for \"bob\" from " + tokens.realm()
                                + ": registry answered 401");
            }
        }

        @Test
        void insufficient_scope_is_denied() {
            try (TokenServer tokens = TokenServer.start();
                    RegistryFixture registry = RegistryFixture.startWithTokenAuth(tokens)) {
                registry.images().push("secret/app:v1", Format.OCI, "secret");
                tokens.allow("", "secret/app");
                assertThatThrownBy(() -> client(config()).resolve(registry.reference("secret/app:v1")))
                        .isInstanceOfSatisfying(RegistryException.class, e -> {
                            assertThat(e.kind()).isEqualTo(Kind.DENIED);
                            assertThat(e.status()).hasValue(401);
                        })
                        .hasMessageContaining("resolve " + registry.host() + "/secret/app:v1: registry answered 401")
                        .hasMessageEndingWith("; insufficient scope for repository:secret/app:pull anonymously");
            }
        }

        @Test
        void a_rejected_token_is_refreshed_exactly_once() {
            try (TokenServer tokens = TokenServer.start();
                    RegistryFixture registry = RegistryFixture.startWithTokenAuth(tokens)) {
                Digest pushed = registry.images().push("demo/app:v1", Format.OCI, "refresh");
                int before = tokens.requestedScopes().size();
                tokens.signNextWithWrongKey(1);
                assertThat(client(config())
                                .resolve(registry.reference("demo/app:v1"))
                                .digest())
                        .isEqualTo(pushed);
                assertThat(tokens.requestedScopes().size() - before).isEqualTo(2);

                tokens.signNextWithWrongKey(100);
                before = tokens.requestedScopes().size();
                assertThatThrownBy(() -> client(config()).resolve(registry.reference("demo/app:v1")))
                        .isInstanceOfSatisfying(
                                RegistryException.class,
                                e -> assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED))
                        .hasMessageEndingWith(" after token refresh");
                assertThat(tokens.requestedScopes().size() - before).isEqualTo(2);
            }
        }
    }
}
