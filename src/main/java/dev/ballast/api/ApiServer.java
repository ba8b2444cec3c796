package dev.ballast.api;

import dev.ballast.lifecycle.NotificationMetrics;
import dev.ballast.lifecycle.RegistryNotifications;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The HTTP face of Ballast: the AWS JSON 1.1 API on {@code POST /}, plus {@code /healthz} (alive),
 * {@code /readyz} (start-up finished and store reachable), {@code /metrics} (Prometheus text format) and registries'
 * push notifications on {@code POST /registry-notifications} ({@link NotificationEndpoint}).
 */
public final class ApiServer implements AutoCloseable {
    private final WebServer server;
    private final ConnectionGuard guard;

    private ApiServer(WebServer server, ConnectionGuard guard) {
        this.server = server;
        this.guard = guard;
    }

    /**
     * What one client may hold before it is authenticated (server options {@code --read-timeout},
     * {@code --idle-timeout}, {@code --max-body-bytes-in-flight}).
     *
     * @param readTimeout a request's line and headers, and then its body, must arrive within this
     * @param idleTimeout a connection waiting for its next request is closed after this
     * @param bodyBytesInFlight request bodies held at once, across connections; beyond it a 503
     */
    public record Limits(Duration readTimeout, Duration idleTimeout, long bodyBytesInFlight) {
        public Limits {
            if (readTimeout.isNegative() || readTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException("--read-timeout and --idle-timeout must be positive");
            }
            if (bodyBytesInFlight < BodyBudget.SMALL_BODY_BYTES) {
                throw new IllegalArgumentException(
                        "--max-body-bytes-in-flight must be at least " + BodyBudget.SMALL_BODY_BYTES);
            }
        }

        /** 20 s to send a request, 60 s idle between requests, 32 MiB of bodies in flight (the default heap is 192 MiB). */
        public static Limits defaults() {
            return new Limits(Duration.ofSeconds(20), Duration.ofSeconds(60), 32L << 20);
        }
    }

    /**
     * Starts listening.
     *
     * @param operations operation name → implementation; each must be in {@code targetPrefixes}
     * @param targetPrefixes operation name → its {@code X-Amz-Target} prefix
     */
    /** The loaded ECS API model, ready to validate requests (loading takes a moment: do it in parallel). */
    public static final class Model {
        private final ShapeValidator validator;

        private Model(ShapeValidator validator) {
            this.validator = validator;
        }

        public static Model load() {
            return new Model(new ShapeValidator(ApiModel.load(Json.mapper())));
        }
    }

    public static ApiServer start(
            InetAddress bind,
            int port,
            Map<String, Operation> operations,
            Map<String, String> targetPrefixes,
            Authenticator authenticator,
            PrometheusMeterRegistry metrics,
            BooleanSupplier ready) {
        return start(Model.load(), bind, port, operations, targetPrefixes, authenticator, metrics, ready);
    }

    public static ApiServer start(
            Model model,
            InetAddress bind,
            int port,
            Map<String, Operation> operations,
            Map<String, String> targetPrefixes,
            Authenticator authenticator,
            PrometheusMeterRegistry metrics,
            BooleanSupplier ready) {
        return start(model, bind, port, operations, targetPrefixes, authenticator, metrics, ready, Limits.defaults());
    }

    public static ApiServer start(
            Model model,
            InetAddress bind,
            int port,
            Map<String, Operation> operations,
            Map<String, String> targetPrefixes,
            Authenticator authenticator,
            PrometheusMeterRegistry metrics,
            BooleanSupplier ready,
            Limits limits) {
        return start(
                model, bind, port, operations, targetPrefixes, authenticator, metrics, ready, limits, null, null, null);
    }

    /**
     * Starts listening, with the registry notification endpoint ({@code POST /registry-notifications}).
     *
     * @param notifications where registries' notifications go; null: as if no token were configured
     * @param notificationToken the token notifications must carry; null: the endpoint answers 404
     * @param console the web console, served under {@code /console} ({@code GET /} redirects there); null: none
     */
    public static ApiServer start(
            Model model,
            InetAddress bind,
            int port,
            Map<String, Operation> operations,
            Map<String, String> targetPrefixes,
            Authenticator authenticator,
            PrometheusMeterRegistry metrics,
            BooleanSupplier ready,
            Limits limits,
            RegistryNotifications notifications,
            String notificationToken,
            HttpService console) {
        ShapeValidator validator = model.validator;
        ApiMetrics apiMetrics = new ApiMetrics(metrics);
        ConnectionGuard guard = new ConnectionGuard(limits.readTimeout(), limits.idleTimeout(), metrics);
        BodyBudget bodies = new BodyBudget(limits.bodyBytesInFlight());
        Gauge.builder("ballast.http.request.body.in.flight", bodies, BodyBudget::used)
                .description("Request body bytes reserved by requests being read or answered")
                .baseUnit("bytes")
                .register(metrics);
        Clock clock = Clock.systemUTC(); // the API's one clock (its repeated-log windows); none is injected here
        RequestHandler api = new RequestHandler(
                operations, targetPrefixes, validator, authenticator, apiMetrics, bodies, guard, clock);
        Handler notificationEndpoint = new NotificationEndpoint(
                notifications == null ? null : notificationToken,
                notifications,
                notifications != null ? notifications.metrics() : new NotificationMetrics(metrics),
                bodies,
                guard,
                clock);
        WebServer server = WebServer.builder()
                .address(bind)
                .port(port)
                .maxPayloadSize(RequestHandler.MAX_BODY_BYTES * 2L)
                // the guard is the only selector: it wraps Helidon's HTTP/1.1 connection with deadlines
                .protocolsDiscoverServices(false)
                .addConnectionSelector(guard)
                .idleConnectionTimeout(limits.idleTimeout().plus(limits.idleTimeout()))
                .shutdownHook(false)
                .directHandlers(
                        d -> d.addHandler(DirectHandler.EventType.BAD_REQUEST, new OversizedBodyHandler(apiMetrics)))
                .routing(r -> {
                    r.post("/", api)
                            .get("/healthz", (req, res) -> res.send("ok\n"))
                            .get("/readyz", (req, res) -> {
                                boolean ok = ready.getAsBoolean();
                                res.status(ok ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503)
                                        .send(ok ? "ready\n" : "not ready: starting, or the store is unavailable\n");
                            })
                            .get("/metrics", (req, res) -> {
                                res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                                res.send(metrics.scrape());
                            })
                            .post(NotificationEndpoint.PATH, notificationEndpoint);
                    if (console != null) {
                        r.get("/", (req, res) -> {
                            res.header(HeaderNames.LOCATION, "/console/");
                            res.status(Status.SEE_OTHER_303).send();
                        });
                        r.register("/console", console);
                    }
                    r.any(ApiServer::notFound);
                })
                .build()
                .start();
        return new ApiServer(server, guard);
    }

    /** The answer to a path nothing is served at (also the notification endpoint's while it has no token). */
    static void notFound(ServerRequest req, ServerResponse res) {
        res.status(Status.NOT_FOUND_404);
        res.header(HeaderNames.CONTENT_TYPE, "application/x-amz-json-1.1");
        res.send(RequestHandler.errorBody(
                "UnknownOperationException",
                "Ballast serves the ECS API on POST /; nothing at "
                        + req.prologue().method().text() + " "
                        + ShapeValidator.clip(req.path().rawPath()) + "."));
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
        guard.close();
    }
}
