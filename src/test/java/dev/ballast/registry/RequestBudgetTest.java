package dev.ballast.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The per-registry request budget on a hand-moved clock: refill, burst, 429 closing and back-off, settings. */
class RequestBudgetTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T00:00:00Z"));
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    RequestBudget budget(String... entries) {
        return new RequestBudget(
                BudgetSettings.parse(List.of(entries)),
                RegistryConfig.defaults().withClock(clock, d -> {}),
                meters);
    }

    static int take(RequestBudget b, String registry, int asked) {
        int got = 0;
        for (int i = 0; i < asked; i++) {
            got += b.tryAcquire(registry) ? 1 : 0;
        }
        return got;
    }

    double refused(String registry) {
        var c = meters.find("ballast.registry.budget.refused")
                .tag("registry", registry)
                .counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void a_full_bucket_gives_its_burst_then_refills_at_the_rate() {
        RequestBudget b = budget("reg.example:5000=10/1m,burst=5");
        assertThat(take(b, "reg.example:5000", 8)).isEqualTo(5);
        assertThat(refused("reg.example:5000")).isEqualTo(3);
        clock.advance(Duration.ofSeconds(6)); // one request per 6 s
        assertThat(take(b, "reg.example:5000", 3)).isEqualTo(1);
        clock.advance(Duration.ofMinutes(10)); // never more than the burst
        assertThat(b.available("reg.example:5000")).isEqualTo(5);
        assertThat(take(b, "reg.example:5000", 20)).isEqualTo(5);
    }

    @Test
    void what_a_pass_left_over_is_topped_up_by_the_time_that_passed() {
        RequestBudget b = budget("r.example:5000=40/1h,burst=30");
        assertThat(take(b, "r.example:5000", 20)).isEqualTo(20);
        clock.advance(Duration.ofMillis(1));
        assertThat(take(b, "r.example:5000", 20)).isEqualTo(10);
        clock.advance(Duration.ofMinutes(15));
        assertThat(take(b, "r.example:5000", 20)).isEqualTo(10);
    }

    @Test
    void docker_hub_is_conservative_by_default_and_others_looser() {
        RequestBudget b = budget();
        assertThat(take(b, "docker.io", 100)).isEqualTo(10);
        clock.advance(Duration.ofMinutes(1));
        assertThat(take(b, "docker.io", 100)).isEqualTo(1);
        assertThat(take(b, "ghcr.io", 1000)).isEqualTo(100);
        clock.advance(Duration.ofSeconds(1));
        assertThat(take(b, "ghcr.io", 1000)).isEqualTo(10);
        assertThat(refused("docker.io")).isEqualTo(189);
    }

    @Test
    void each_registry_has_its_own_bucket() {
        RequestBudget b = budget("*=2/1h");
        assertThat(take(b, "a.example", 5)).isEqualTo(2);
        assertThat(take(b, "b.example", 5)).isEqualTo(2);
    }

    @Test
    void a_429_closes_the_budget_until_retry_after_when_longer_than_the_backoff() {
        RequestBudget b = budget("*=100/1s,burst=100");
        b.rateLimited("r.example", Optional.of(Duration.ofMinutes(5)));
        assertThat(b.closedUntil("r.example")).contains(clock.instant().plus(Duration.ofMinutes(5)));
        assertThat(b.tryAcquire("r.example")).isFalse();
        clock.advance(Duration.ofMinutes(5).minusMillis(1));
        assertThat(b.tryAcquire("r.example")).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(b.closedUntil("r.example")).isEmpty();
        assertThat(b.tryAcquire("r.example"))
                .as("a reopened budget starts empty")
                .isFalse();
        clock.advance(Duration.ofMillis(10));
        assertThat(b.tryAcquire("r.example")).isTrue();
    }

    @Test
    void repeated_429s_back_off_exponentially_up_to_the_cap_and_start_over_after_another_answer() {
        RequestBudget b = budget();
        Instant start = clock.instant();
        b.rateLimited("r.example", Optional.empty());
        assertThat(b.closedUntil("r.example")).contains(start.plusSeconds(30));
        b.rateLimited("r.example", Optional.of(Duration.ofSeconds(1))); // a short Retry-After: the back-off wins
        assertThat(b.closedUntil("r.example")).contains(start.plusSeconds(60));
        b.rateLimited("r.example", Optional.empty());
        assertThat(b.closedUntil("r.example")).contains(start.plusSeconds(120));
        for (int i = 0; i < 20; i++) {
            b.rateLimited("r.example", Optional.empty());
        }
        assertThat(b.closedUntil("r.example")).contains(start.plus(RequestBudget.MAX_BACKOFF));
        b.answered("r.example"); // still closed: the back-off is kept
        clock.advance(RequestBudget.MAX_BACKOFF);
        b.answered("r.example");
        b.rateLimited("r.example", Optional.empty());
        assertThat(b.closedUntil("r.example")).contains(clock.instant().plusSeconds(30));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "60/1h,burst=10; 60; PT1H; 10",
                "60/h; 60; PT1H; 60",
                "100/5m,burst=20; 100; PT5M; 20",
                "5/30s; 5; PT30S; 5",
                "1/S; 1; PT1S; 1"
            })
    void rates_parse(String text, long requests, Duration period, long burst) {
        assertThat(BudgetRate.parse(text)).isEqualTo(new BudgetRate(requests, period, burst));
        assertThat(BudgetRate.parse(BudgetRate.parse(text).toString())).isEqualTo(BudgetRate.parse(text));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "60; is not of the form N/PERIOD[,burst=B]",
                "60/1d; is not of the form N/PERIOD[,burst=B]",
                "0/1h; at least 1 request per period",
                "5/0s; period must be at least 1s",
                "5/1m,burst=0; burst must be at least 1",
                "-1/1m; is not of the form"
            })
    void bad_rates_are_refused_naming_the_text(String text, String message) {
        assertThatThrownBy(() -> BudgetRate.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"" + text + "\"")
                .hasMessageContaining(message);
    }

    @Test
    void settings_name_hosts_as_image_references_do() {
        BudgetSettings s = BudgetSettings.parse(
                List.of("index.docker.io=10/1h", "127.0.0.1:5000=5/1s", "*=50/1m", "localhost=1/1m"));
        assertThat(s.rateFor("docker.io")).isEqualTo(BudgetRate.parse("10/1h"));
        assertThat(s.rateFor("127.0.0.1:5000")).isEqualTo(BudgetRate.parse("5/1s"));
        assertThat(s.rateFor("localhost")).isEqualTo(BudgetRate.parse("1/1m"));
        assertThat(s.rateFor("quay.io")).isEqualTo(BudgetRate.parse("50/1m"));
        assertThat(BudgetSettings.parse(List.of()).rateFor("docker.io"))
                .isEqualTo(BudgetRate.parse(BudgetSettings.DOCKER_HUB_DEFAULT));
        assertThatThrownBy(() -> BudgetSettings.parse(List.of("myhost=1/1m")))
                .hasMessageContaining("\"myhost\" is not a registry host[:port]");
        assertThatThrownBy(() -> BudgetSettings.parse(List.of("10/1m")))
                .hasMessageContaining("--registry-budget \"10/1m\" is not of the form HOST=N/PERIOD[,burst=B]");
    }
}
