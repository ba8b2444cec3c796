package dev.ballast.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChallengeTest {

    @Test
    void bearer_with_realm_service_and_scope() {
        assertThat(Challenge.parse(
                        List.of("Bearer realm=\"https://auth.example.com/token\",service=\"registry.example.com\","
                                + "scope=\"repository:demo/app:pull\"")))
                .contains(new Challenge.Bearer(
                        "https://auth.example.com/token", "registry.example.com", "repository:demo/app:pull", ""));
    }

    @Test
    void insufficient_scope_error_and_escaped_quotes() {
        Optional<Challenge> c = Challenge.parse(List.of("bearer realm=\"http://h/t\", error=\"insufficient_scope\", "
                + "scope=\"repository:a\\\"b:pull,push\""));
        assertThat(c).get().isInstanceOfSatisfying(Challenge.Bearer.class, b -> {
            assertThat(b.insufficientScope()).isTrue();
            assertThat(b.scope()).isEqualTo("repository:a\"b:pull,push");
            assertThat(b.service()).isEmpty();
        });
    }

    @Test
    void basic_and_bearer_prefers_bearer_whatever_the_order() {
        assertThat(Challenge.parse(List.of("Basic realm=\"r\"", "Bearer realm=\"http://t\"")))
                .get()
                .isInstanceOf(Challenge.Bearer.class);
        assertThat(Challenge.parse(List.of("Basic realm=\"r\", Bearer realm=\"http://t\",service=\"s\"")))
                .contains(new Challenge.Bearer("http://t", "s", "", ""));
        assertThat(Challenge.parse(List.of("Basic realm=\"test-realm\""))).contains(new Challenge.Basic("test-realm"));
        assertThat(Challenge.parse(List.of("Basic realm=unquoted"))).contains(new Challenge.Basic("unquoted"));
    }

    @Test
    void nothing_usable() {
        assertThat(Challenge.parse(List.of())).isEmpty();
        assertThat(Challenge.parse(List.of("Negotiate abc"))).isEmpty();
        assertThat(Challenge.parse(List.of("Bearer service=\"no-realm\""))).isEmpty();
        assertThat(Challenge.parse(List.of(""))).isEmpty();
        assertThat(Challenge.parse(List.of(",,, ="))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"7|PT7S", "0|PT0S", "Thu, 01 Jan 2026 00:00:30 GMT|PT30S", "Wed, 31 Dec 2025 23:59:00 GMT|PT0S"})
    void retry_after_forms(String header, String expected) {
        assertThat(Transport.parseRetryAfter(header, Instant.parse("2026-01-01T00:00:00Z")))
                .contains(Duration.parse(expected));
    }

    @Test
    void retry_after_garbage_is_ignored() {
        assertThat(Transport.parseRetryAfter("soon", Instant.EPOCH)).isEmpty();
        assertThat(Transport.parseRetryAfter("-5", Instant.EPOCH)).isEmpty();
    }

    @Test
    void link_header_next_page() {
        assertThat(BlobOperations.nextLink("</v2/demo/app/tags/list?last=b&n=2>; rel=\"next\""))
                .contains("/v2/demo/app/tags/list?last=b&n=2");
        assertThat(BlobOperations.nextLink("<https://h/prev>; rel=\"prev\", <https://h/next?a=1,2>; rel=next"))
                .contains("https://h/next?a=1,2");
        assertThat(BlobOperations.nextLink("<https://h/prev>; rel=\"prev\"")).isEmpty();
        assertThat(BlobOperations.nextLink("garbage")).isEmpty();
    }
}
