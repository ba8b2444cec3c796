package dev.ballast.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.api.auth.Credential;
import dev.ballast.api.auth.CredentialStore;
import dev.ballast.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SessionsTest {
    private static final Instant START = Instant.parse("2026-12-06T12:00:00Z");
    private static final Duration LIFETIME = Duration.ofHours(8);

    private final MutableClock clock = new MutableClock(START);
    private final CredentialStore keys = CredentialStore.of(
            Credential.of("AKIDWRITER", "writer-secret"),
            Credential.of("AKIDVIEWER", "viewer-secret").asReadOnly(),
            Credential.temporary("ASIATEMP", "temp-secret", "token"));
    private final Sessions sessions = new Sessions(keys, clock, LIFETIME);

    @Test
    void theRightKeyPairSignsInAndItsCookieVerifies() {
        Sessions.Signed signed = sessions.login("AKIDWRITER", "writer-secret").orElseThrow();

        Session session = sessions.verify(signed.cookie()).orElseThrow();
        assertThat(session.accessKeyId()).isEqualTo("AKIDWRITER");
        assertThat(session.readOnly()).isFalse();
        assertThat(session.expiresAt()).isEqualTo(START.plus(LIFETIME));
        assertThat(session.csrfToken()).isEqualTo(signed.session().csrfToken());
        assertThat(signed.cookie()).doesNotContain("writer-secret");
        assertThat(signed.toString()).doesNotContain(signed.cookie());
    }

    @Test
    void aReadOnlyKeysSessionIsReadOnly() {
        Sessions.Signed signed = sessions.login("AKIDVIEWER", "viewer-secret").orElseThrow();

        assertThat(sessions.verify(signed.cookie()).orElseThrow().readOnly()).isTrue();
    }

    @Test
    void aWrongKeyAWrongSecretOrATemporaryKeyIsRefused() {
        assertThat(sessions.login("AKIDNOBODY", "writer-secret")).isEmpty();
        assertThat(sessions.login("AKIDWRITER", "viewer-secret")).isEmpty();
        assertThat(sessions.login("AKIDWRITER", "")).isEmpty();
        assertThat(sessions.login("AKIDWRITER", null)).isEmpty();
        assertThat(sessions.login(null, "writer-secret")).isEmpty();
        assertThat(sessions.login("ASIATEMP", "temp-secret")).isEmpty();
    }

    @Test
    void tamperingWithAnyPartOfTheCookieIsRefused() {
        String cookie =
                sessions.login("AKIDWRITER", "writer-secret").orElseThrow().cookie();
        String[] parts = cookie.split("\\.");
        assertThat(parts).hasSize(5);
        String viewerId = b64("AKIDVIEWER");
        String[] forged = {
            "v2." + rest(parts, 1),
            parts[0] + "." + viewerId + "." + rest(parts, 2), // another key's id, the writer's signature
            parts[0] + "." + parts[1] + "." + (Long.parseLong(parts[2]) + 3600) + "." + rest(parts, 3), // longer life
            parts[0] + "." + parts[1] + "." + parts[2] + "." + b64bytes(new byte[16]) + "." + parts[4], // other nonce
            parts[0] + "." + parts[1] + "." + parts[2] + "." + parts[3] + "." + flip(parts[4]), // other signature
            parts[0] + "." + parts[1] + "." + parts[2] + "." + parts[3], // no signature
            cookie + ".extra",
            "",
            "garbage",
            parts[0] + ".%%%." + rest(parts, 2),
            parts[0] + "." + parts[1] + ".soon." + rest(parts, 3)
        };
        for (String f : forged) {
            assertThat(sessions.verify(f)).as(f).isEmpty();
        }
        assertThat(sessions.verify(null)).isEmpty();
        assertThat(sessions.verify(cookie)).isPresent();
    }

    @Test
    void aSessionEndsWhenItExpires() {
        String cookie =
                sessions.login("AKIDWRITER", "writer-secret").orElseThrow().cookie();

        clock.advance(LIFETIME.minusSeconds(1));
        assertThat(sessions.verify(cookie)).isPresent();
        clock.advance(Duration.ofSeconds(1));
        assertThat(sessions.verify(cookie)).isEmpty();
    }

    @Test
    void removingTheKeyFromTheStoreEndsItsSessions() {
        String cookie =
                sessions.login("AKIDWRITER", "writer-secret").orElseThrow().cookie();

        Sessions withoutKey = new Sessions(CredentialStore.of(Credential.of("AKIDVIEWER", "v")), clock, LIFETIME);
        Sessions newSecret =
                new Sessions(CredentialStore.of(Credential.of("AKIDWRITER", "rotated-secret")), clock, LIFETIME);

        assertThat(withoutKey.verify(cookie)).isEmpty();
        assertThat(newSecret.verify(cookie)).isEmpty();
        assertThat(new Sessions(keys, clock, LIFETIME).verify(cookie))
                .as("a restart keeps it")
                .isPresent();
    }

    @Test
    void theCsrfTokenIsBoundToItsSession() {
        Session one =
                sessions.login("AKIDWRITER", "writer-secret").orElseThrow().session();
        Session two =
                sessions.login("AKIDWRITER", "writer-secret").orElseThrow().session();

        assertThat(Sessions.csrfMatches(one, one.csrfToken())).isTrue();
        assertThat(one.csrfToken()).isNotEqualTo(two.csrfToken());
        assertThat(Sessions.csrfMatches(one, two.csrfToken())).isFalse();
        assertThat(Sessions.csrfMatches(one, null)).isFalse();
        assertThat(Sessions.csrfMatches(one, "")).isFalse();
    }

    @Test
    void theCookieIsHttpOnlySameSiteStrictWithMaxAgeAndPath() {
        String cookie =
                sessions.login("AKIDWRITER", "writer-secret").orElseThrow().cookie();

        String header = sessions.setCookie(cookie, false);

        assertThat(header)
                .startsWith(Sessions.COOKIE + "=" + cookie + ";")
                .contains("; HttpOnly")
                .contains("; SameSite=Strict")
                .contains("; Max-Age=" + LIFETIME.toSeconds())
                .contains("; Path=/console")
                .doesNotContain("Secure");
        assertThat(sessions.setCookie(cookie, true)).endsWith("; Secure");
        assertThat(Sessions.clearCookie(false)).contains("Max-Age=0").contains("HttpOnly");
    }

    @Test
    void theLifetimeMustBePositive() {
        assertThatThrownBy(() -> new Sessions(keys, clock, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
    }

    private static String rest(String[] parts, int from) {
        return String.join(".", Arrays.copyOfRange(parts, from, parts.length));
    }

    private static String b64(String s) {
        return b64bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String b64bytes(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String flip(String sig) {
        byte[] b = Base64.getUrlDecoder().decode(sig);
        b[0] ^= 1;
        return b64bytes(b);
    }
}
