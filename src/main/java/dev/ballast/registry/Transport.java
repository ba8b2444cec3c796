package dev.ballast.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP exchanges with one registry at a time: a per-registry concurrency limit, redirects followed
 * here (never forwarding {@code Authorization} to another origin, never to a scheme other than http(s)),
 * one deadline per exchange covering headers and body, bodies read through {@link BoundedBody}, retries
 * with exponential backoff and jitter on connection errors and 5xx, {@code Retry-After} on 429 (RFC 9110
 * section 10.2.3; a wait beyond the budget ends the attempt at once), and the request counter with a
 * bounded {@link RegistryLabels registry label}. Knows nothing about authentication beyond carrying the header it is given.
 */
final class Transport {

    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);
    private static final int MAX_REDIRECTS = 10;
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "host", "expect", "upgrade");
    /** Largest error body read: its first error entry is all that is used. */
    static final long MAX_ERROR_BODY = 64 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final RegistryConfig config;
    private final MeterRegistry meters;
    private final RegistryLabels labels;
    private final RequestBudget budget;
    private final Map<String, Semaphore> limits = new ConcurrentHashMap<>();
    private final Map<String, Long> lastWarned = new ConcurrentHashMap<>();
    private static final long WARN_EVERY_MILLIS = TimeUnit.MINUTES.toMillis(1);
    private static final int MAX_IDLE_LIMITS = 1024;

    Transport(HttpClient http, RegistryConfig config, MeterRegistry meters, RegistryLabels labels) {
        this(http, config, meters, labels, null);
    }

    /** As above, telling {@code budget} (when not null) of every 429 and every other answer of each registry. */
    Transport(
            HttpClient http, RegistryConfig config, MeterRegistry meters, RegistryLabels labels, RequestBudget budget) {
        this.http = http;
        this.config = config;
        this.meters = meters;
        this.labels = labels;
        this.budget = budget;
    }

    /** The base URI of a registry's API: scheme by {@link RegistryConfig#schemeFor}, Docker Hub's API host. */
    URI base(String registry) {
        String host = registry.equals("docker.io") ? "registry-1.docker.io" : registry;
        return URI.create(config.schemeFor(registry) + "://" + host);
    }

    /**
     * Sends {@code request} to {@code registry} with the retry policy and returns the final response,
     * whatever its status (5xx only once the attempts are used up). Each attempt, redirects included, must
     * complete headers and body within {@code requestTimeout}.
     *
     * @throws RegistryException UNAVAILABLE when every attempt failed to connect or timed out; RATE_LIMITED
     *     when 429 persists or the registry asks to wait longer than {@code maxRetryAfter}; INVALID for a body
     *     over its limit, a malformed URL or a redirect to a scheme other than http(s)
     */
    HttpResponse<byte[]> send(String action, String registry, Request request, Optional<String> authorization) {
        URI uri = RegistryUrls.target(action, registry, base(registry), request.target());
        permitTarget(action, uri);
        if (limits.size() > MAX_IDLE_LIMITS) {
            // callers name registries: forget idle ones rather than keep one per name ever seen
            limits.values().removeIf(l -> l.availablePermits() == config.maxConcurrencyPerRegistry());
        }
        Semaphore limit = limits.computeIfAbsent(registry, r -> new Semaphore(config.maxConcurrencyPerRegistry()));
        int maxAttempts = request.maxAttempts() > 0 ? request.maxAttempts() : config.maxAttempts();
        for (int attempt = 1; ; attempt++) {
            HttpResponse<byte[]> response;
            try {
                limit.acquire();
                try {
                    response = exchange(action, registry, uri, request, authorization);
                } finally {
                    limit.release();
                }
            } catch (BoundedBody.TooLarge e) {
                throw RegistryException.of(
                        RegistryException.Kind.INVALID,
                        action + ": " + RegistryUrls.who(registry, uri) + " " + e.getMessage()
                                + " (the limit for this answer)");
            } catch (IOException e) {
                if (attempt >= maxAttempts) {
                    String what = e instanceof HttpConnectTimeoutException
                            ? "no connection within " + config.connectTimeout().toMillis() + " ms"
                            : e instanceof HttpTimeoutException
                                    ? "no answer within "
                                            + config.requestTimeout().toMillis() + " ms"
                                    : e instanceof SSLException
                                            ? "TLS handshake failed"
                                            : e instanceof ConnectException
                                                    ? "cannot connect"
                                                    : "the connection failed";
                    logFailure(
                            registry,
                            action + ": " + request.method() + " " + uri + " failed after " + attempt + " attempt(s): "
                                    + e);
                    throw new RegistryException(
                            RegistryException.Kind.UNAVAILABLE,
                            action + ": " + RegistryUrls.who(registry, uri) + " could not be reached: " + what
                                    + " after " + attempt + " attempt(s)",
                            0,
                            null,
                            null,
                            e);
                }
                LOG.debug("{}: {} {} failed ({}), retrying", action, request.method(), uri, e.toString());
                pause(action, backoff(attempt));
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryException(
                        RegistryException.Kind.UNAVAILABLE, action + ": interrupted", 0, null, null, e);
            }
            int status = response.statusCode();
            Optional<Duration> asked = status == 429 ? retryAfter(response) : Optional.empty();
            if (budget != null) {
                if (status == 429) {
                    budget.rateLimited(registry, asked); // closes the background users' budget at once
                } else {
                    budget.answered(registry);
                }
            }
            boolean retryable = status == 429 || (status >= 500 && status != 501 && status != 505);
            if (!retryable) {
                return response;
            }
            if (status == 429
                    && (attempt >= maxAttempts
                            || asked.filter(d -> d.compareTo(config.maxRetryAfter()) > 0)
                                    .isPresent())) {
                throw rateLimited(action, response, asked);
            }
            if (attempt >= maxAttempts) {
                return response;
            }
            Duration delay = asked.orElse(backoff(attempt));
            LOG.debug("{}: {} {} answered {}, retrying in {}", action, request.method(), uri, status, delay);
            pause(action, delay);
        }
    }

    /**
     * RATE_LIMITED, carrying the time the registry allows the next request when it named one: a wait longer
     * than the retry budget ends the attempt at once instead of holding a thread for it.
     */
    private RegistryException rateLimited(String action, HttpResponse<byte[]> response, Optional<Duration> asked) {
        Optional<Instant> at = asked.map(d -> config.clock().instant().plus(d).truncatedTo(ChronoUnit.SECONDS));
        RegistryException e = RegistryErrors.failure(
                RegistryException.Kind.RATE_LIMITED,
                action,
                response,
                JSON,
                at.map(t -> " and asks to wait until " + t).orElse(""));
        return at.map(e::retryingAt).orElse(e);
    }

    /**
     * The library's words go to the log, callers get ours: at WARN at most once a minute per registry label
     * (so a hostile or dead registry asked thousands of times writes a handful of lines), else at DEBUG.
     */
    private void logFailure(String registry, String detail) {
        long now = config.clock().millis();
        String label = labels.of(registry);
        Long last = lastWarned.get(label);
        if ((last == null || now - last > WARN_EVERY_MILLIS)
                && (last == null ? lastWarned.putIfAbsent(label, now) == null : lastWarned.replace(label, last, now))) {
            LOG.warn("{}", detail);
        } else {
            LOG.debug("{}", detail);
        }
    }

    private HttpResponse<byte[]> exchange(
            String action, String registry, URI first, Request request, Optional<String> authorization)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + config.requestTimeout().toNanos();
        URI uri = first;
        String origin = origin(uri);
        String method = request.method();
        byte[] body = request.body();
        long maxBody = request.maxBodyBytes() > 0 ? request.maxBodyBytes() : config.maxManifestBytes();
        Optional<String> auth = authorization;
        for (int hop = 0; ; hop++) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                count(registry, method, "IO_ERROR");
                throw new HttpTimeoutException("exchange deadline passed before " + method + " " + uri);
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofNanos(remaining));
            request.headers().forEach((k, v) -> {
                if (!RESTRICTED.contains(k.toLowerCase(Locale.ROOT))) {
                    b.header(k, v);
                }
            });
            auth.ifPresent(a -> b.header("Authorization", a));
            b.method(
                    method,
                    body.length == 0 && !method.equals("PUT") && !method.equals("POST")
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            HttpResponse<byte[]> response;
            try {
                response = complete(
                        http.sendAsync(b.build(), BoundedBody.handler(method, maxBody, MAX_ERROR_BODY)),
                        remaining,
                        method,
                        uri);
            } catch (IOException e) {
                count(registry, method, "IO_ERROR");
                throw e;
            }
            int status = response.statusCode();
            count(registry, method, outcome(status));
            Optional<String> location = response.headers().firstValue("Location");
            if (!REDIRECTS.contains(status)
                    || location.isEmpty()
                    || hop >= MAX_REDIRECTS
                    || method.equals("PUT")
                    || method.equals("POST")) {
                return response;
            }
            uri = RegistryUrls.target(action, registry, uri, location.get());
            permitTarget(method, uri);
            if (!origin(uri).equals(origin)) {
                auth = Optional.empty();
            }
            if (status == 303 && !method.equals("HEAD")) {
                method = "GET";
                body = new byte[0];
            }
        }
    }

    /** Waits for headers and body until the deadline; past it the exchange is cancelled (the connection closed). */
    private static HttpResponse<byte[]> complete(
            CompletableFuture<HttpResponse<byte[]>> call, long remainingNanos, String method, URI uri)
            throws IOException, InterruptedException {
        try {
            return call.get(remainingNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new HttpTimeoutException("no complete answer to " + method + " " + uri + " before the deadline");
        } catch (InterruptedException e) {
            call.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                    && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException("exchange failed: " + cause, cause);
        }
    }

    /** No request to a link-local or metadata address a registry points to (see {@link RegistryAccess#targetRefusal}). */
    private void permitTarget(String action, URI uri) {
        String host = uri.getHost() == null ? String.valueOf(uri.getAuthority()) : uri.getHost();
        config.access()
                .targetRefusal(uri.getPort() < 0 ? host : host + ":" + uri.getPort())
                .ifPresent(why -> {
                    throw RegistryException.of(
                            RegistryException.Kind.REFUSED, action + ": not following " + uri + ": " + why);
                });
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
    }

    private void count(String registry, String method, String outcome) {
        Counter.builder("ballast.registry.requests")
                .description("HTTP requests sent to registries")
                .baseUnit("requests")
                .tag("registry", labels.of(registry))
                .tag("method", method)
                .tag("outcome", outcome)
                .register(meters)
                .increment();
    }

    private static String outcome(int status) {
        return switch (status / 100) {
            case 1 -> "INFORMATIONAL";
            case 2 -> "SUCCESS";
            case 3 -> "REDIRECTION";
            case 4 -> status == 429 ? "RATE_LIMITED" : "CLIENT_ERROR";
            case 5 -> "SERVER_ERROR";
            default -> "UNKNOWN";
        };
    }

    /** Exponential backoff from {@code initialBackoff}, capped, with equal jitter (half fixed, half random). */
    Duration backoff(int attempt) {
        long base = config.initialBackoff().toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, config.maxBackoff().toMillis());
        long half = capped / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
    }

    /** {@code Retry-After} as delay-seconds or HTTP-date (uncapped: a longer wait ends the attempt). */
    Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers()
                .firstValue("Retry-After")
                .flatMap(v -> parseRetryAfter(v.trim(), config.clock().instant()));
    }

    static Optional<Duration> parseRetryAfter(String value, Instant now) {
        if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(value.length() > 9 ? "999999999" : value)));
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant();
            Duration d = Duration.between(now, at);
            return Optional.of(d.isNegative() ? Duration.ZERO : d);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private void pause(String action, Duration delay) {
        try {
            config.sleeper().sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(
                    RegistryException.Kind.UNAVAILABLE,
                    action + ": interrupted while waiting to retry",
                    0,
                    null,
                    null,
                    e);
        }
    }
}
