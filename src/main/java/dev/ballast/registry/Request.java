package dev.ballast.registry;

import java.util.Map;
import java.util.Objects;

/**
 * One HTTP request to a registry, before authentication.
 *
 * @param method HTTP method
 * @param target path and query relative to the registry ({@code /v2/…}) or an absolute URL (upload
 *     locations, {@code Link} pages and token realms may be absolute)
 * @param headers request headers other than {@code Authorization}
 * @param body request body, empty for none
 * @param maxBodyBytes largest response body read for a 2xx answer; 0 for the config's manifest limit
 * @param maxAttempts attempts on connection errors, 5xx and 429; 0 for the config's {@code maxAttempts}
 */
record Request(
        String method, String target, Map<String, String> headers, byte[] body, long maxBodyBytes, int maxAttempts) {

    Request {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("maxBodyBytes must not be negative, got " + maxBodyBytes);
        }
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts must not be negative, got " + maxAttempts);
        }
    }

    Request(String method, String target, Map<String, String> headers, byte[] body) {
        this(method, target, headers, body, 0, 0);
    }

    /** A copy reading at most {@code bytes} of a successful answer. */
    Request limitedTo(long bytes) {
        return new Request(method, target, headers, body, bytes, maxAttempts);
    }

    /**
     * A copy sent once, never retried: a 429 or 5xx is returned (or a connection error thrown) at once, so the
     * caller's thread never waits out a back-off (background users that simply try again next time).
     */
    Request once() {
        return new Request(method, target, headers, body, maxBodyBytes, 1);
    }

    static Request of(String method, String target, Map<String, String> headers) {
        return new Request(method, target, headers, new byte[0]);
    }
}
