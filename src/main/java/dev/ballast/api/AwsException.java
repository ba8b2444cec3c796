package dev.ballast.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.store.TransientFailure;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An error answered to the client in AWS JSON 1.1 form: {@code {"__type": type, "message": message}} with
 * the given HTTP status (400 for client errors, 500 for server faults). Only the api package turns
 * failures into these.
 */
public final class AwsException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String type;
    private final int status;
    private final transient ObjectNode members;

    public AwsException(String type, int status, String message) {
        this(type, status, message, null);
    }

    private AwsException(String type, int status, String message, ObjectNode members) {
        super(message, null, false, false);
        this.type = Objects.requireNonNull(type);
        this.status = status;
        this.members = members;
    }

    /** Members of the error shape besides {@code __type} and {@code message} (such as {@code resourceIds}), or null. */
    ObjectNode members() {
        return members;
    }

    public String type() {
        return type;
    }

    public int status() {
        return status;
    }

    public static AwsException client(String message) {
        return new AwsException("ClientException", 400, message);
    }

    public static AwsException invalidParameter(String message) {
        return new AwsException("InvalidParameterException", 400, message);
    }

    public static AwsException serialization(String message) {
        return new AwsException("SerializationException", 400, message);
    }

    public static AwsException clusterNotFound() {
        return new AwsException("ClusterNotFoundException", 400, "Cluster not found.");
    }

    public static AwsException resourceNotFound(String message) {
        return new AwsException("ResourceNotFoundException", 400, message);
    }

    public static AwsException accessDenied(String message) {
        return new AwsException("AccessDeniedException", 400, message);
    }

    /**
     * RunTask's {@code ConflictException}: the client token was used by a different RunTask request, whose
     * tasks are {@code resourceIds}.
     */
    static AwsException clientTokenConflict(List<String> taskArns) {
        ObjectNode members = Json.object();
        taskArns.forEach(members.putArray("resourceIds")::add);
        return new AwsException(
                "ConflictException",
                400,
                "The RunTask request could not be processed due to conflicts: the"
                        + " provided clientToken is already in use with a different RunTask request. Use a unique clientToken, or"
                        + " repeat the original request's parameters.",
                members);
    }

    /**
     * A write that lost its compare-and-set race on every attempt: retryable (SDKs retry
     * {@code ThrottlingException} with back-off; a 503 like the body budget's, so that agents, which retry 5xx and
     * take a 4xx as a refusal, retry it too), naming what was contended; nothing was written.
     */
    public static AwsException contended(String what) {
        return new AwsException(
                "ThrottlingException",
                503,
                what + " was changed by concurrent requests on every attempt;"
                        + " nothing was written. Retry the request.");
    }

    /**
     * The answer to a request that failed because the store is unavailable or refused the transaction for
     * concurrent ones ({@link TransientFailure}): a {@code ServerException} (500), which the AWS SDKs and CLI
     * retry with back-off, or for contention a {@code ThrottlingException} as {@link #contended(String)}; or empty
     * for any other failure (a fault, answered {@link #server(String)}). The one place where store failures
     * become API errors.
     */
    static Optional<AwsException> transientStore(Throwable failure) {
        return TransientFailure.of(failure).map(kind -> switch (kind) {
            case UNAVAILABLE ->
                new AwsException(
                        "ServerException",
                        500,
                        "The store is unavailable (the database is unreachable or restarting); retry the request.");
            case CONTENDED ->
                new AwsException(
                        "ThrottlingException",
                        503,
                        "The store refused the write because of concurrent ones; nothing was written. Retry the"
                                + " request.");
        });
    }

    public static AwsException server(String requestId) {
        return new AwsException(
                "ServerException",
                500,
                "Internal server error; the server log has details under request id " + requestId + ".");
    }
}
