package dev.ballast.lifecycle;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code ballast_registry_notifications_total{kind,outcome}}: each event of a registry notification by its kind
 * ({@link RegistryEvent.Kind}) and what it did ({@link Outcome}), and each refused request as kind {@code request}.
 * Both labels are bounded by the enums; the unit is events (no base unit, so the name stays as written).
 */
public final class NotificationMetrics {
    /** The {@code kind} label of a request refused before its events were read. */
    public static final String REQUEST = "request";

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public NotificationMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** What one event, or one refused request, came to. */
    public enum Outcome {
        /** A watched tag's state or a held digest's missing mark changed. */
        APPLIED("applied"),
        /** About a watched tag or a held digest, but nothing changed (the same digest again, already marked). */
        UNCHANGED("unchanged"),
        /** Not about anything services hold (an unwatched tag, a blob, a pull, an unknown event type). */
        IGNORED("ignored"),
        /** An event missing what it needs (repository, registry, a valid digest or tag). */
        INVALID("invalid"),
        /** A request without the configured token. */
        UNAUTHORIZED("unauthorized"),
        /** A request whose body is not JSON or not one of the two accepted shapes. */
        MALFORMED("malformed"),
        /** A request whose body is over the request path's limit. */
        TOO_LARGE("too_large"),
        /** A request refused because too many bodies are held at once (503, retry). */
        THROTTLED("throttled"),
        /** A request while no notification token is configured (the endpoint answers 404). */
        NO_TOKEN("no_token");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Counts one event. */
    public void event(RegistryEvent.Kind kind, Outcome outcome) {
        count(kind.label(), outcome);
    }

    /** Counts one request refused before its events were read. */
    public void request(Outcome outcome) {
        count(REQUEST, outcome);
    }

    /** How many were counted so far (tests, benchmarks). */
    public double total(String kind, Outcome outcome) {
        Counter c = counters.get(kind + '|' + outcome.label());
        return c == null ? 0 : c.count();
    }

    private void count(String kind, Outcome outcome) {
        counters.computeIfAbsent(
                        kind + '|' + outcome.label(),
                        k -> Counter.builder("ballast.registry.notifications")
                                .description(
                                        "Registry notification events (and refused notification requests) by outcome")
                                .tags("kind", kind, "outcome", outcome.label())
                                .register(registry))
                .increment();
    }
}
