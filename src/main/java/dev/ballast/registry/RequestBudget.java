package dev.ballast.registry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many requests background users (the tag watcher) may send to each registry: a token bucket per registry
 * {@code host[:port]} ({@link BudgetRate}: {@code N} requests per period, bursts up to {@code burst}), asked
 * without waiting ({@link #tryAcquire}). Deploy-time resolution does not take from it, but every 429 any request
 * to a registry meets closes that registry's budget: until the {@code Retry-After} time (RFC 9110 section
 * 10.2.3) or, when longer or absent, an exponential back-off from {@link #FIRST_BACKOFF}, doubled per 429 in a
 * row, up to {@link #MAX_BACKOFF}. The back-off starts over after an answer other than 429 once the budget has
 * reopened. Metric: {@code ballast_registry_budget_refused_requests_total{registry}}, requests the budget refused, with
 * the bounded {@link RegistryLabels registry label}. Thread-safe.
 */
public final class RequestBudget {

    /** The first closing after a 429 without (or with a shorter) {@code Retry-After}. */
    public static final Duration FIRST_BACKOFF = Duration.ofSeconds(30);
    /** The longest closing after 429s in a row. */
    public static final Duration MAX_BACKOFF = Duration.ofHours(1);

    private static final int MAX_IDLE_BUCKETS = 1024;

    private final BudgetSettings settings;
    private final Clock clock;
    private final MeterRegistry meters;
    private final RegistryLabels labels;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /**
     * A budget by {@code settings}, on {@code config}'s clock, labelling its metric as the client's metrics are
     * (the configured and insecure registries, then the first {@code metricRegistryLimit} others).
     */
    public RequestBudget(BudgetSettings settings, RegistryConfig config, MeterRegistry meters) {
        this(settings, config.clock(), config, meters);
    }

    /** As above on another clock (the server's, which its background users also go by). */
    public RequestBudget(BudgetSettings settings, Clock clock, RegistryConfig config, MeterRegistry meters) {
        this.settings = settings;
        this.clock = clock;
        this.meters = meters;
        Set<String> named = new HashSet<>(config.insecureRegistries());
        named.addAll(settings.perRegistry().keySet());
        this.labels = new RegistryLabels(named, config.metricRegistryLimit());
    }

    /** The settings this budget applies. */
    public BudgetSettings settings() {
        return settings;
    }

    /**
     * Takes one request from {@code registry}'s budget if it has one now: true when the request may go, false
     * (and counted as refused) when the bucket is empty or closed after a 429. Never waits.
     */
    public boolean tryAcquire(String registry) {
        boolean ok = bucket(registry).tryTake(clock.millis());
        if (!ok) {
            Counter.builder("ballast.registry.budget.refused")
                    .description("Background registry requests refused by the per-registry request budget")
                    .baseUnit("requests")
                    .tag("registry", labels.of(registry))
                    .register(meters)
                    .increment();
        }
        return ok;
    }

    /** When {@code registry}'s budget reopens after a 429, if it is closed now. */
    public Optional<Instant> closedUntil(String registry) {
        Bucket b = buckets.get(registry);
        long now = clock.millis();
        return b == null || b.closedUntil <= now ? Optional.empty() : Optional.of(Instant.ofEpochMilli(b.closedUntil));
    }

    /** Whole requests {@code registry}'s bucket holds now (0 while closed). */
    public long available(String registry) {
        Bucket b = bucket(registry);
        synchronized (b) {
            long now = clock.millis();
            b.refill(now);
            return b.closedUntil > now ? 0 : (long) b.tokens;
        }
    }

    /**
     * Any request to {@code registry} was answered 429, asking to wait {@code retryAfter} (if it said): the budget
     * closes until then, or for the back-off when that is longer.
     */
    void rateLimited(String registry, Optional<Duration> retryAfter) {
        Bucket b = bucket(registry);
        synchronized (b) {
            long now = clock.millis();
            b.strikes = Math.min(b.strikes + 1, 30);
            long backoff = Math.min(FIRST_BACKOFF.toMillis() << (b.strikes - 1), MAX_BACKOFF.toMillis());
            long asked = retryAfter.map(Duration::toMillis).orElse(0L);
            b.closedUntil = Math.max(b.closedUntil, now + Math.max(backoff, asked));
            b.tokens = 0;
        }
    }

    /** Any request to {@code registry} got an answer other than 429: the back-off starts over once reopened. */
    void answered(String registry) {
        Bucket b = buckets.get(registry);
        if (b != null && b.strikes > 0) {
            synchronized (b) {
                if (b.closedUntil <= clock.millis()) {
                    b.strikes = 0;
                }
            }
        }
    }

    private Bucket bucket(String registry) {
        if (buckets.size() > MAX_IDLE_BUCKETS) {
            // callers name registries: forget full, open buckets rather than keep one per name ever seen
            long now = clock.millis();
            buckets.values().removeIf(b -> b.idle(now));
        }
        return buckets.computeIfAbsent(registry, r -> new Bucket(settings.rateFor(r), clock.millis()));
    }

    /** One registry's bucket; guarded by itself. */
    private static final class Bucket {
        private final BudgetRate rate;
        private double tokens;
        private long refilledAt;
        private long closedUntil;
        private int strikes;

        Bucket(BudgetRate rate, long now) {
            this.rate = rate;
            this.tokens = rate.burst();
            this.refilledAt = now;
        }

        synchronized boolean tryTake(long now) {
            refill(now);
            if (closedUntil > now || tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }

        /** Adds what accrued since the last refill, nothing while closed (a reopened budget starts empty). */
        void refill(long now) {
            long from = Math.max(refilledAt, closedUntil);
            if (now > from) {
                double perMilli = (double) rate.requests() / rate.period().toMillis();
                tokens = Math.min(rate.burst(), tokens + (now - from) * perMilli);
            }
            refilledAt = Math.max(refilledAt, now);
        }

        synchronized boolean idle(long now) {
            refill(now);
            return strikes == 0 && closedUntil <= now && tokens >= rate.burst();
        }
    }
}
