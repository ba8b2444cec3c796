package dev.ballast.registry;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A registry operation that failed, classified by {@link Kind}, with the registry's own error code
 * and message (OCI distribution spec, "Error Codes") where it sent one. The message says what was
 * attempted with which input, e.g. {@code resolve 127.0.0.1:5000/demo/app:v1: registry answered 404
 * MANIFEST_UNKNOWN (manifest unknown)}.
 */
public final class RegistryException extends RuntimeException {

    /** Closed set of failure classes callers act on. */
    public enum Kind {
        /** The manifest, tag, blob or repository does not exist (404, {@code MANIFEST_UNKNOWN}, …). */
        NOT_FOUND,
        /** No or wrong credentials, or a token the registry still rejects after one refresh (401). */
        UNAUTHORIZED,
        /** Authenticated but not allowed ({@code 403}, {@code DENIED}, {@code insufficient_scope}). */
        DENIED,
        /**
         * Still rate-limited (429) after the allowed attempts, or asked to wait longer than the retry budget
         * ({@link #retryAt()} says until when).
         */
        RATE_LIMITED,
        /** Connection failure, timeout or 5xx after the allowed attempts. */
        UNAVAILABLE,
        /**
         * The registry answered something unusable: digest mismatch, bad header or body, a body over the size
         * limit, a redirect or token realm that may not be followed, other 4xx.
         */
        INVALID,
        /** Not contacted: this process's {@link RegistryAccess} ({@code --allowed-registries}) refuses the registry. */
        REFUSED
    }

    private final Kind kind;
    private final int status;
    private final String errorCode;
    private final String registryMessage;
    private final Instant retryAt;

    RegistryException(
            Kind kind, String message, int status, String errorCode, String registryMessage, Throwable cause) {
        this(kind, message, status, errorCode, registryMessage, cause, null);
    }

    RegistryException(
            Kind kind,
            String message,
            int status,
            String errorCode,
            String registryMessage,
            Throwable cause,
            Instant retryAt) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.errorCode = errorCode;
        this.registryMessage = registryMessage;
        this.retryAt = retryAt;
    }

    /** A copy of this failure that also says when the registry allows the next request. */
    RegistryException retryingAt(Instant at) {
        return new RegistryException(kind, getMessage(), status, errorCode, registryMessage, getCause(), at);
    }

    static RegistryException of(Kind kind, String message) {
        return new RegistryException(kind, message, 0, null, null, null);
    }

    /** The failure class. */
    public Kind kind() {
        return kind;
    }

    /** The HTTP status that caused the failure, if one did. */
    public OptionalInt status() {
        return status == 0 ? OptionalInt.empty() : OptionalInt.of(status);
    }

    /** The registry's error code, e.g. {@code MANIFEST_UNKNOWN}. */
    public Optional<String> errorCode() {
        return Optional.ofNullable(errorCode);
    }

    /**
     * When the registry allows the next request ({@code Retry-After}, RFC 9110 section 10.2.3), for a
     * {@link Kind#RATE_LIMITED} failure that named one.
     */
    public Optional<Instant> retryAt() {
        return Optional.ofNullable(retryAt);
    }

    /** The registry's error message, e.g. {@code manifest unknown}. */
    public Optional<String> registryMessage() {
        return Optional.ofNullable(registryMessage);
    }
}
