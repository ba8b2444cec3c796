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
 */
record Request(String method, String target, Map<String, String> headers, byte[] body, long maxBodyBytes) {

    Request {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("maxBodyBytes must not be negative, got " + maxBodyBytes);
        }
    }

    Request(String method, String target, Map<String, String> headers, byte[] body) {
        this(method, target, headers, body, 0);
    }

    /** A copy reading at most {@code bytes} of a successful answer. */
    Request limitedTo(long bytes) {
        return new Request(method, target, headers, body, bytes);
    }

    static Request of(String method, String target, Map<String, String> headers) {
        return new Request(method, target, headers, new byte[0]);
    }
}
