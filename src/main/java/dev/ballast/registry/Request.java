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
 */
record Request(String method, String target, Map<String, String> headers, byte[] body) {

    Request {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
    }

    static Request of(String method, String target, Map<String, String> headers) {
        return new Request(method, target, headers, new byte[0]);
    }
}
