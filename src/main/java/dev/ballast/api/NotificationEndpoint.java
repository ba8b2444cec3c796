package dev.ballast.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.core.RepeatedLog;
import dev.ballast.lifecycle.NotificationMetrics;
import dev.ballast.lifecycle.NotificationMetrics.Outcome;
import dev.ballast.lifecycle.RegistryEvent;
import dev.ballast.lifecycle.RegistryNotifications;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /registry-notifications}: registries' push notifications (the CNCF distribution registry's envelope
 * and Harbor's {@code PUSH_ARTIFACT} / {@code DELETE_ARTIFACT} webhooks, {@link NotificationPayloads}), on the API's
 * listener but outside AWS JSON 1.1 and SigV4. It is authenticated by one configured token, sent as
 * {@code Authorization: Bearer <token>} (the distribution registry's {@code notifications.endpoints[].headers}) or as
 * the token itself (Harbor's "auth header"), compared in constant time before the body is read:
 *
 * <ul>
 *   <li>no token configured: 404 to everything, the answer of any unknown path;
 *   <li>a missing or wrong token: 401 with no detail (and the connection closed, the body unread);
 *   <li>a body over the request path's 1 MiB: 413; no room in the bodies-in-flight budget: 503 with
 *       {@code Retry-After: 1} (both bounded exactly like {@code POST /});
 *   <li>a body that is not JSON or neither shape: 400 naming the member at fault;
 *   <li>otherwise 200 with the count of events per outcome ({@link RegistryNotifications}).
 * </ul>
 *
 * {@code ?registry=host:port} names the registry the events are about when the registry is known to services under
 * another name than the one in its URLs.
 */
final class NotificationEndpoint implements Handler {
    /** The path registries post to. */
    static final String PATH = "/registry-notifications";

    private static final Logger LOG = LoggerFactory.getLogger(NotificationEndpoint.class);
    private static final String JSON = "application/json";

    private final byte[] tokenHash;
    private final RegistryNotifications notifications;
    private final NotificationMetrics metrics;
    private final BodyBudget bodies;
    private final ConnectionGuard guard;
    private final RepeatedLog refusals;

    /**
     * @param token the token notifications must carry; null: the endpoint answers 404
     * @param notifications where events go; may be null only when {@code token} is
     */
    NotificationEndpoint(
            String token,
            RegistryNotifications notifications,
            NotificationMetrics metrics,
            BodyBudget bodies,
            ConnectionGuard guard,
            Clock clock) {
        this.tokenHash = token == null ? null : sha256(token);
        this.notifications = notifications;
        this.metrics = metrics;
        this.bodies = bodies;
        this.guard = guard;
        this.refusals = new RepeatedLog(LOG, clock, Duration.ofMinutes(1));
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        if (tokenHash == null) {
            metrics.request(Outcome.NO_TOKEN);
            refusals.info(
                    "no-token",
                    "registry notification refused: no notification token is configured (--notification-token-file)");
            res.header(HeaderValues.CONNECTION_CLOSE);
            ApiServer.notFound(req, res);
            return;
        }
        if (!authorized(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null))) {
            metrics.request(Outcome.UNAUTHORIZED);
            refusals.info(
                    "unauthorized",
                    "registry notification refused: missing or wrong token, from "
                            + req.remotePeer().host());
            res.header(HeaderValues.CONNECTION_CLOSE); // the body stays unread on the wire
            res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
            res.status(Status.UNAUTHORIZED_401).send();
            return;
        }
        String registry = req.query().contains("registry") ? req.query().get("registry") : null;
        if (registry != null && !RegistryEvent.isRegistryHost(registry)) {
            metrics.request(Outcome.MALFORMED);
            res.header(HeaderValues.CONNECTION_CLOSE);
            answer(
                    res,
                    Status.BAD_REQUEST_400,
                    message("registry: '" + ShapeValidator.clip(registry)
                            + "' is not a registry host[:port] as image references name it"));
            return;
        }
        long reserved = 0;
        try {
            reserved = RequestHandler.reserveBody(bodies, req, res);
            byte[] body = RequestHandler.readBody(req, res, reserved);
            guard.busy(true); // the body is in: the read timeout no longer applies
            List<RegistryEvent> events = NotificationPayloads.read(body, registry);
            Map<Outcome, Integer> outcomes = notifications.apply(events);
            ObjectNode out = Json.object();
            out.put("events", events.size());
            outcomes.forEach((o, n) -> out.put(o.label(), n));
            answer(res, Status.OK_200, out);
        } catch (NotificationPayloads.MalformedException e) {
            metrics.request(Outcome.MALFORMED);
            LOG.debug("registry notification refused: {}", e.getMessage());
            answer(res, Status.BAD_REQUEST_400, message(e.getMessage()));
        } catch (AwsException e) {
            boolean throttled = e.status() == Status.SERVICE_UNAVAILABLE_503.code();
            metrics.request(throttled ? Outcome.THROTTLED : Outcome.TOO_LARGE);
            answer(
                    res,
                    throttled ? Status.SERVICE_UNAVAILABLE_503 : Status.REQUEST_ENTITY_TOO_LARGE_413,
                    message(throttled ? e.getMessage() : tooLarge()));
        } catch (RuntimeException e) {
            if (AwsException.transientStore(e).isPresent()) {
                // the registry retries a failed notification: a 503 and one line per minute while the store is out
                metrics.request(Outcome.THROTTLED);
                refusals.warn(
                        "store",
                        "registry notifications refused (503, retried by the registry): the store is unavailable",
                        null);
                answer(
                        res,
                        Status.SERVICE_UNAVAILABLE_503,
                        message("the store is unavailable; retry the notification"));
                return;
            }
            LOG.error("registry notification failed", e);
            answer(
                    res,
                    Status.INTERNAL_SERVER_ERROR_500,
                    message("the notification could not be applied; see the log"));
        } finally {
            bodies.release(reserved);
            guard.busy(false);
        }
    }

    /** {@code Bearer <token>} or the token itself, compared by their SHA-256 in constant time. */
    private boolean authorized(String header) {
        if (header == null) {
            return false;
        }
        String presented = header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).trim()
                : header.trim();
        return MessageDigest.isEqual(tokenHash, sha256(presented));
    }

    private static String tooLarge() {
        return "the body exceeds " + RequestHandler.MAX_BODY_BYTES + " bytes";
    }

    private static ObjectNode message(String text) {
        return Json.object().put("message", text);
    }

    private static void answer(ServerResponse res, Status status, ObjectNode body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, JSON);
        res.send(Json.write(body));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
