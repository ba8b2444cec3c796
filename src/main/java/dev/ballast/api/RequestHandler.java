package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.core.RepeatedLog;
import dev.ballast.store.ClusterNotActiveException;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Serves {@code POST /} in the AWS JSON 1.1 protocol (Smithy "awsJson1_1"): SigV4 first, then the
 * {@code X-Amz-Target} operation, body parsing, model validation and dispatch. Every answer carries
 * {@code x-amzn-RequestId}; errors are {@code {"__type", "message"}} with 400 or 500, and a server fault
 * is logged with the request id and never shown to the client.
 */
final class RequestHandler implements Handler {
    static final int MAX_BODY_BYTES = 1 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(RequestHandler.class);
    private static final HeaderName TARGET = HeaderNames.create("X-Amz-Target");
    static final HeaderName REQUEST_ID = HeaderNames.create("x-amzn-RequestId");
    static final HeaderName ERROR_TYPE = HeaderNames.create("X-Amzn-ErrorType");
    private static final HeaderName RETRY_AFTER = HeaderNames.create("Retry-After");
    static final String CONTENT_TYPE = "application/x-amz-json-1.1";

    private final Map<String, Operation> operations;
    private final Map<String, String> targetPrefixes;
    private final ShapeValidator validator;
    private final Authenticator authenticator;
    private final ApiMetrics metrics;
    private final BodyBudget bodies;
    private final ConnectionGuard guard;
    private final RepeatedLog storeFailures;

    RequestHandler(
            Map<String, Operation> operations,
            Map<String, String> targetPrefixes,
            ShapeValidator validator,
            Authenticator authenticator,
            ApiMetrics metrics,
            BodyBudget bodies,
            ConnectionGuard guard,
            Clock clock) {
        this.storeFailures = new RepeatedLog(LOG, clock, Duration.ofSeconds(10));
        this.operations = operations;
        this.targetPrefixes = targetPrefixes;
        this.validator = validator;
        this.authenticator = authenticator;
        this.metrics = metrics;
        this.bodies = bodies;
        this.guard = guard;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        long start = System.nanoTime();
        String requestId = requestId();
        String operation = "unknown";
        String errorType = null;
        int status = 200;
        byte[] out;
        long reserved = 0;
        // every line logged while this request is handled (a registry's detail, say) carries the id the caller receives
        MDC.put(REQUEST_ID_LOG_KEY, requestId);
        try {
            reserved = reserveBody(bodies, req, res);
            byte[] body = readBody(req, res, reserved);
            guard.busy(true); // the body is in: the read timeout no longer applies
            String accessKey = authenticator.authenticate(
                    "POST", req.path().rawPath(), req.query().rawValue(), headers(req), body);
            operation = operationName(req.headers().first(TARGET).orElse(null));
            if (authenticator.readOnly(accessKey)) {
                ReadOnlyAccess.check(operation, accessKey);
            }
            Operation op = operations.get(operation);
            ObjectNode input = Json.parseRequest(body);
            if (targetPrefixes.get(operation).equals(EcsApi.TARGET_PREFIX)) {
                validator.validate(operation, input);
            }
            JsonNode result = op.handle(
                    input,
                    new Operation.Call(
                            requestId,
                            accessKey,
                            req.headers()
                                    .first(HeaderNames.create(Operation.INSTANCE_HEADER))
                                    .orElse(null)));
            out = Json.write(result == null ? Json.object() : result);
        } catch (AwsException e) {
            errorType = e.type();
            status = e.status();
            out = errorBody(e.type(), e.getMessage(), e.members());
            LOG.debug("request {} {} answered {} {}", requestId, operation, e.type(), e.getMessage());
        } catch (ClusterNotActiveException e) {
            // the cluster was deleted between the operation's check and its write
            AwsException gone = AwsException.clusterNotFound();
            errorType = gone.type();
            status = gone.status();
            out = errorBody(gone.type(), gone.getMessage());
            LOG.debug("request {} {} answered {}: {}", requestId, operation, gone.type(), e.getMessage());
        } catch (RuntimeException | Error e) {
            Optional<AwsException> retryable = AwsException.transientStore(e);
            AwsException fault = retryable.orElseGet(() -> AwsException.server(requestId));
            errorType = fault.type();
            status = fault.status();
            out = errorBody(fault.type(), fault.getMessage());
            if (retryable.isPresent()) {
                // a store outage fails every request: one line (with the first trace) per kind and interval
                LOG.debug("request {} {} answered {}: {}", requestId, operation, fault.type(), e.toString());
                storeFailures.warn(
                        fault.type(),
                        "requests fail while the store is unavailable or contended; answering " + fault.type()
                                + " (retryable)",
                        e);
            } else {
                LOG.error("request {} {} failed", requestId, operation, e);
            }
        } finally {
            bodies.release(reserved);
            guard.busy(false);
            MDC.remove(REQUEST_ID_LOG_KEY);
        }
        res.status(Status.create(status));
        res.header(REQUEST_ID, requestId);
        res.header(HeaderNames.CONTENT_TYPE, CONTENT_TYPE);
        if (errorType != null) {
            res.header(ERROR_TYPE, errorType);
        }
        res.send(out);
        metrics.record(
                operations.containsKey(operation) ? operation : "unknown",
                errorType,
                Duration.ofNanos(System.nanoTime() - start));
    }

    /** A random (version 4 layout) UUID; request ids need uniqueness, not cryptographic strength. */
    /** The log field ({@code request_id=…}) of lines logged while a request is handled. */
    static final String REQUEST_ID_LOG_KEY = "request_id";

    private static String requestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (r.nextLong() & ~(0xC000000000000000L)) | 0x8000000000000000L;
        return new UUID(hi, lo).toString();
    }

    /** Resolves {@code <prefix>.<Operation>} against the served target prefixes. */
    private String operationName(String target) {
        if (target == null || target.isBlank()) {
            throw new AwsException("UnknownOperationException", 400, "Missing X-Amz-Target header.");
        }
        int dot = target.lastIndexOf('.');
        String prefix = dot < 0 ? "" : target.substring(0, dot);
        String name = target.substring(dot + 1);
        if (!prefix.equals(targetPrefixes.get(name)) || !operations.containsKey(name)) {
            throw new AwsException(
                    "UnknownOperationException", 400, "Unknown operation '" + ShapeValidator.clip(target) + "'.");
        }
        return name;
    }

    /**
     * Reserves the body's declared length (or the most that is read, when it declares none) from the bytes
     * all connections may hold at once; a request that does not fit is refused at once and its connection closed.
     * Shared with {@link NotificationEndpoint}.
     */
    static long reserveBody(BodyBudget bodies, ServerRequest req, ServerResponse res) {
        long declared = req.headers().contentLength().orElse(MAX_BODY_BYTES + 1L);
        long reserve = Math.min(declared, MAX_BODY_BYTES + 1L);
        if (!bodies.tryAcquire(reserve)) {
            res.header(HeaderValues.CONNECTION_CLOSE); // the body stays unread on the wire
            res.header(RETRY_AFTER, "1");
            throw new AwsException(
                    "ThrottlingException",
                    503,
                    "Too many request bodies are being received at once; retry after 1 second.");
        }
        return reserve;
    }

    /** Reads the body into one array of the reserved size; over {@link #MAX_BODY_BYTES} it is {@link #bodyTooLarge()}. */
    static byte[] readBody(ServerRequest req, ServerResponse res, long reserved) {
        try (InputStream in = req.content().inputStream()) {
            byte[] body = new byte[(int) reserved]; // what was reserved, allocated once
            int n = in.readNBytes(body, 0, body.length);
            if (n < body.length) {
                body = Arrays.copyOf(body, n);
            }
            if (body.length > MAX_BODY_BYTES) {
                if (!drained(in)) {
                    // The rest of the body is still on the wire: this connection cannot carry another request.
                    res.header(HeaderValues.CONNECTION_CLOSE);
                }
                throw bodyTooLarge();
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException("read request body", e);
        }
    }

    /** Reads and drops the rest of an oversized body, which the listener's payload limit bounds; false if that failed. */
    private static boolean drained(InputStream in) {
        try {
            in.transferTo(OutputStream.nullOutputStream());
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The answer to a body over {@link #MAX_BODY_BYTES}, whichever layer notices it. */
    static AwsException bodyTooLarge() {
        return AwsException.serialization("The request body exceeds " + MAX_BODY_BYTES + " bytes.");
    }

    private static Map<String, List<String>> headers(ServerRequest req) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Header h : req.headers()) {
            headers.computeIfAbsent(h.name().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .addAll(h.allValues());
        }
        return headers;
    }

    static byte[] errorBody(String type, String message) {
        return errorBody(type, message, null);
    }

    private static byte[] errorBody(String type, String message, ObjectNode members) {
        ObjectNode err = Json.object();
        err.put("__type", type);
        err.put("message", message);
        if (members != null) {
            err.setAll(members);
        }
        return Json.write(err);
    }
}
