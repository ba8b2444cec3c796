package dev.ballast.api;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a body the HTTP layer refuses before routing (a {@code Content-Length} over the listener's payload
 * limit) the way {@link RequestHandler} answers one over {@link RequestHandler#MAX_BODY_BYTES}: an AWS JSON 1.1
 * {@code SerializationException} with a request id, instead of the web server's bare 413. Other early HTTP
 * errors keep the web server's default answer.
 */
final class OversizedBodyHandler implements DirectHandler {
    private static final Logger LOG = LoggerFactory.getLogger(OversizedBodyHandler.class);
    private final ApiMetrics metrics;

    OversizedBodyHandler(ApiMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public TransportResponse handle(
            TransportRequest request,
            EventType eventType,
            Status status,
            ServerResponseHeaders headers,
            String message) {
        if (status.code() != Status.REQUEST_ENTITY_TOO_LARGE_413.code()) {
            return DirectHandler.defaultHandler().handle(request, eventType, status, headers, message);
        }
        AwsException e = RequestHandler.bodyTooLarge();
        String requestId = UUID.randomUUID().toString();
        LOG.debug("request {} answered {} {}", requestId, e.type(), e.getMessage());
        metrics.record("unknown", e.type(), Duration.ZERO);
        return TransportResponse.builder()
                .status(Status.create(e.status()))
                .headers(headers)
                .header(RequestHandler.REQUEST_ID, requestId)
                .header(RequestHandler.ERROR_TYPE, e.type())
                .header(HeaderNames.CONTENT_TYPE, RequestHandler.CONTENT_TYPE)
                .entity(RequestHandler.errorBody(e.type(), e.getMessage()))
                .build();
    }
}
