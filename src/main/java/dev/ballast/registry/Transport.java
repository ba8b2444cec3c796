package dev.ballast.registry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP exchanges with one registry at a time: a per-registry concurrency limit, redirects followed
 * here (never forwarding {@code Authorization} to another origin), retries with exponential backoff
 * and jitter on connection errors and 5xx, {@code Retry-After} on 429 (RFC 9110 section 10.2.3), and
 * the request counter. Knows nothing about authentication beyond carrying the header it is given.
 */
final class Transport {

    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);
    private static final int MAX_REDIRECTS = 10;
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "host", "expect", "upgrade");

    private final HttpClient http;
    private final RegistryConfig config;
    private final MeterRegistry meters;
    private final Map<String, Semaphore> limits = new ConcurrentHashMap<>();

    Transport(HttpClient http, RegistryConfig config, MeterRegistry meters) {
        this.http = http;
        this.config = config;
        this.meters = meters;
    }

    /** The base URI of a registry's API: scheme by {@link RegistryConfig#schemeFor}, Docker Hub's API host. */
    URI base(String registry) {
        String host = registry.equals("docker.io") ? "registry-1.docker.io" : registry;
        return URI.create(config.schemeFor(registry) + "://" + host);
    }

    /**
     * Sends {@code request} to {@code registry} with the retry policy and returns the final response,
     * whatever its status (429 and 5xx only once the attempts are used up).
     *
     * @throws RegistryException UNAVAILABLE when every attempt failed to connect or timed out
     */
    HttpResponse<byte[]> send(String action, String registry, Request request, Optional<String> authorization) {
        URI uri = base(registry).resolve(request.target());
        permitTarget(action, uri);
        Semaphore limit = limits.computeIfAbsent(registry, r -> new Semaphore(config.maxConcurrencyPerRegistry()));
        for (int attempt = 1; ; attempt++) {
            HttpResponse<byte[]> response;
            try {
                limit.acquire();
                try {
                    response = exchange(registry, uri, request, authorization);
                } finally {
                    limit.release();
                }
            } catch (IOException e) {
                if (attempt >= config.maxAttempts()) {
                    String what = e instanceof HttpConnectTimeoutException
                            ? "no connection within " + config.connectTimeout().toMillis() + " ms"
                            : e instanceof HttpTimeoutException
                            ? "no answer within " + config.requestTimeout().toMillis() + " ms"
                            : "cannot connect (" + e + ")";
                    throw new RegistryException(RegistryException.Kind.UNAVAILABLE, action + ": " + request.method()
                            + " " + uri + ": " + what + " after " + attempt + " attempt(s)", 0, null, null, e);
                }
                LOG.debug("{}: {} {} failed ({}), retrying", action, request.method(), uri, e.toString());
                pause(action, backoff(attempt));
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryException(RegistryException.Kind.UNAVAILABLE, action + ": interrupted", 0, null,
                        null, e);
            }
            int status = response.statusCode();
            boolean retryable = status == 429 || (status >= 500 && status != 501 && status != 505);
            if (!retryable || attempt >= config.maxAttempts()) {
                return response;
            }
            Duration delay = status == 429 ? retryAfter(response).orElse(backoff(attempt)) : backoff(attempt);
            LOG.debug("{}: {} {} answered {}, retrying in {}", action, request.method(), uri, status, delay);
            pause(action, delay);
        }
    }

    private HttpResponse<byte[]> exchange(String registry, URI uri, Request request, Optional<String> authorization)
            throws IOException, InterruptedException {
        String origin = origin(uri);
        String method = request.method();
        byte[] body = request.body();
        Optional<String> auth = authorization;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(config.requestTimeout());
            request.headers().forEach((k, v) -> {
                if (!RESTRICTED.contains(k.toLowerCase(java.util.Locale.ROOT))) {
                    b.header(k, v);
                }
            });
            auth.ifPresent(a -> b.header("Authorization", a));
            b.method(method, body.length == 0 && !method.equals("PUT") && !method.equals("POST")
                    ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            HttpResponse<byte[]> response;
            try {
                response = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                count(registry, method, "IO_ERROR");
                throw e;
            }
            int status = response.statusCode();
            count(registry, method, outcome(status));
            Optional<String> location = response.headers().firstValue("Location");
            if (!REDIRECTS.contains(status) || location.isEmpty() || hop >= MAX_REDIRECTS
                    || method.equals("PUT") || method.equals("POST")) {
                return response;
            }
            uri = uri.resolve(location.get());
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

    /** No request to a link-local or metadata address a registry points to (see {@link RegistryAccess#targetRefusal}). */
    private void permitTarget(String action, URI uri) {
        String host = uri.getHost() == null ? String.valueOf(uri.getAuthority()) : uri.getHost();
        config.access().targetRefusal(uri.getPort() < 0 ? host : host + ":" + uri.getPort()).ifPresent(why -> {
            throw RegistryException.of(RegistryException.Kind.REFUSED, action + ": not following " + uri + ": " + why);
        });
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
    }

    private void count(String registry, String method, String outcome) {
        Counter.builder("ballast.registry.requests")
                .description("HTTP requests sent to registries")
                .baseUnit("requests")
                .tag("registry", registry)
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

    /** {@code Retry-After} as delay-seconds or HTTP-date, capped at {@code maxRetryAfter}. */
    Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(v -> parseRetryAfter(v.trim(),
                config.clock().instant())).map(d -> d.compareTo(config.maxRetryAfter()) > 0 ? config.maxRetryAfter() : d);
    }

    static Optional<Duration> parseRetryAfter(String value, Instant now) {
        if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(value.length() > 9 ? "999999999" : value)));
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
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
            throw new RegistryException(RegistryException.Kind.UNAVAILABLE, action + ": interrupted while waiting to retry",
                    0, null, null, e);
        }
    }
}
