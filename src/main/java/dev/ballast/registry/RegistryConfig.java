package dev.ballast.registry;

import dev.ballast.image.ImageReference;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of a {@link RegistryClient}. Start from {@link #defaults()} and change with the
 * {@code withX} copies.
 *
 * @param connectTimeout TCP/TLS connect timeout
 * @param requestTimeout deadline of one HTTP exchange (redirects, headers and body): a registry that
 *     trickles its answer ends as {@code UNAVAILABLE} when it passes
 * @param insecureRegistries registries ({@code host[:port]} or {@code host}) spoken to over plain HTTP;
 *     loopback registries always are, as Docker does
 * @param credentials where credentials come from
 * @param maxAttempts attempts per request on connection errors, 5xx and 429 (at least 1)
 * @param initialBackoff first retry delay; doubled per attempt, with jitter
 * @param maxBackoff upper bound of one retry delay
 * @param maxRetryAfter longest 429 {@code Retry-After} waited out (the retry budget); a longer one ends the
 *     attempt at once as {@code RATE_LIMITED} with {@link RegistryException#retryAt()}
 * @param maxConcurrencyPerRegistry concurrent HTTP exchanges per registry host
 * @param clock time source for token expiry and {@code Retry-After} dates
 * @param sleeper how retry delays are waited out
 * @param maxManifestBytes largest manifest or index body read (OCI distribution spec: 4 MiB); a larger
 *     answer, announced or streamed, ends the exchange as {@code INVALID}
 * @param metricRegistryLimit registry names, besides the configured ones, that get their own metric label;
 *     the rest are counted as {@code other}
 * @param access which registries may be contacted at all ({@code --allowed-registries}); the client refuses
 *     the others before sending anything
 */
public record RegistryConfig(
        Duration connectTimeout,
        Duration requestTimeout,
        Set<String> insecureRegistries,
        CredentialSource credentials,
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        Duration maxRetryAfter,
        int maxConcurrencyPerRegistry,
        Clock clock,
        Sleeper sleeper,
        long maxManifestBytes,
        int metricRegistryLimit,
        RegistryAccess access) {

    /** Waits out a retry delay; tests substitute one that records the delays. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    public RegistryConfig {
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(requestTimeout, "requestTimeout");
        requirePositive(initialBackoff, "initialBackoff");
        requirePositive(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        insecureRegistries = Set.copyOf(insecureRegistries);
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(access, "access");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (maxManifestBytes < 1024) {
            throw new IllegalArgumentException("maxManifestBytes must be at least 1024, got " + maxManifestBytes);
        }
        if (metricRegistryLimit < 0) {
            throw new IllegalArgumentException("metricRegistryLimit must not be negative, got " + metricRegistryLimit);
        }
        if (maxConcurrencyPerRegistry < 1) {
            throw new IllegalArgumentException(
                    "maxConcurrencyPerRegistry must be at least 1, got " + maxConcurrencyPerRegistry);
        }
    }

    /** The OCI distribution spec's suggested manifest size limit, 4 MiB. */
    public static final long DEFAULT_MAX_MANIFEST_BYTES = 4L * 1024 * 1024;

    /** Registries seen at run time that get their own metric label by default. */
    public static final int DEFAULT_METRIC_REGISTRY_LIMIT = 20;

    /**
     * 5 s connect, 30 s per exchange, 4 attempts from 200 ms up to 5 s, Retry-After up to 60 s, 16 per
     * registry, 4 MiB manifests, 20 registry metric labels.
     */
    public static RegistryConfig defaults() {
        return new RegistryConfig(
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                Set.of(),
                CredentialSource.none(),
                4,
                Duration.ofMillis(200),
                Duration.ofSeconds(5),
                Duration.ofSeconds(60),
                16,
                Clock.systemUTC(),
                d -> Thread.sleep(d),
                DEFAULT_MAX_MANIFEST_BYTES,
                DEFAULT_METRIC_REGISTRY_LIMIT,
                RegistryAccess.any());
    }

    /** A copy with other connect and request timeouts. */
    public RegistryConfig withTimeouts(Duration connect, Duration request) {
        return new RegistryConfig(
                connect,
                request,
                insecureRegistries,
                credentials,
                maxAttempts,
                initialBackoff,
                maxBackoff,
                maxRetryAfter,
                maxConcurrencyPerRegistry,
                clock,
                sleeper,
                maxManifestBytes,
                metricRegistryLimit,
                access);
    }

    /** A copy speaking plain HTTP to these registries ({@code host[:port]} or {@code host}). */
    public RegistryConfig withInsecureRegistries(Set<String> registries) {
        return new RegistryConfig(
                connectTimeout,
                requestTimeout,
                registries,
                credentials,
                maxAttempts,
                initialBackoff,
                maxBackoff,
                maxRetryAfter,
                maxConcurrencyPerRegistry,
                clock,
                sleeper,
                maxManifestBytes,
                metricRegistryLimit,
                access);
    }

    /** A copy taking credentials from {@code source}. */
    public RegistryConfig withCredentials(CredentialSource source) {
        return new RegistryConfig(
                connectTimeout,
                requestTimeout,
                insecureRegistries,
                source,
                maxAttempts,
                initialBackoff,
                maxBackoff,
                maxRetryAfter,
                maxConcurrencyPerRegistry,
                clock,
                sleeper,
                maxManifestBytes,
                metricRegistryLimit,
                access);
    }

    /** A copy with another retry policy: attempts, first and largest backoff, longest Retry-After waited out. */
    public RegistryConfig withRetries(int attempts, Duration initial, Duration max, Duration retryAfterCap) {
        return new RegistryConfig(
                connectTimeout,
                requestTimeout,
                insecureRegistries,
                credentials,
                attempts,
                initial,
                max,
                retryAfterCap,
                maxConcurrencyPerRegistry,
                clock,
                sleeper,
                maxManifestBytes,
                metricRegistryLimit,
                access);
    }

    /** A copy allowing {@code limit} concurrent exchanges per registry. */
    public RegistryConfig withMaxConcurrencyPerRegistry(int limit) {
        return new RegistryConfig(
                connectTimeout,
                requestTimeout,
                insecureRegistries,
                credentials,
                maxAttempts,
                initialBackoff,
                maxBackoff,
                maxRetryAfter,
                limit,
                clock,
                sleeper,
                maxManifestBytes,
                metricRegistryLimit,
                access);
    }

    /** A copy with another time source and way of waiting (tests use a manual clock). */
    public RegistryConfig withClock(Clock newClock, Sleeper newSleeper) {
        return new RegistryConfig(
                connectTimeout,
                requestTimeout,
                insecureRegistries,
                credentials,
                maxAttempts,
                initialBackoff,
                maxBackoff,
                maxRetryAfter,
                maxConcurrencyPerRegistry,
                newClock,
                newSleeper,
                maxManifestBytes,
                metricRegistryLimit,
                access);
    }

    /** A copy reading manifests of at most {@code bytes}. */
    public RegistryConfig withMaxManifestBytes(long bytes) {
        return new RegistryConfig(
                connectTimeout,
                requestTimeout,
                insecureRegistries,
                credentials,
                maxAttempts,
                initialBackoff,
                maxBackoff,
                maxRetryAfter,
                maxConcurrencyPerRegistry,
                clock,
                sleeper,
                bytes,
                metricRegistryLimit,
                access);
    }

    /** A copy giving {@code limit} registries seen at run time their own metric label. */
    public RegistryConfig withMetricRegistryLimit(int limit) {
        return new RegistryConfig(
                connectTimeout,
                requestTimeout,
                insecureRegistries,
                credentials,
                maxAttempts,
                initialBackoff,
                maxBackoff,
                maxRetryAfter,
                maxConcurrencyPerRegistry,
                clock,
                sleeper,
                maxManifestBytes,
                limit,
                access);
    }

    /** A copy contacting only the registries {@code registryAccess} permits. */
    public RegistryConfig withAccess(RegistryAccess registryAccess) {
        return new RegistryConfig(
                connectTimeout,
                requestTimeout,
                insecureRegistries,
                credentials,
                maxAttempts,
                initialBackoff,
                maxBackoff,
                maxRetryAfter,
                maxConcurrencyPerRegistry,
                clock,
                sleeper,
                maxManifestBytes,
                metricRegistryLimit,
                registryAccess);
    }

    /** {@code http} for loopback and configured-insecure registries, otherwise {@code https}. */
    String schemeFor(String registry) {
        boolean plain = ImageReference.isLoopbackHost(registry)
                || insecureRegistries.contains(registry)
                || insecureRegistries.contains(ImageReference.hostOnly(registry));
        return plain ? "http" : "https";
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }
}
