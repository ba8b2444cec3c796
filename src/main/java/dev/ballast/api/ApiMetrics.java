package dev.ballast.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * API metrics: {@code ballast_api_requests_total{operation,outcome}},
 * {@code ballast_api_request_duration_seconds{operation}} and {@code ballast_api_errors_total{operation,type}}.
 * Operation labels are bounded to the model's operations plus "unknown".
 */
final class ApiMetrics {
    private final MeterRegistry registry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    ApiMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(String operation, String errorType, Duration elapsed) {
        timers.computeIfAbsent(
                        operation,
                        op -> Timer.builder("ballast.api.request.duration")
                                .description("Time to answer an API request")
                                .tag("operation", op)
                                .publishPercentileHistogram()
                                .minimumExpectedValue(Duration.ofMillis(1))
                                .maximumExpectedValue(Duration.ofSeconds(10))
                                .register(registry))
                .record(elapsed);
        String outcome = errorType == null ? "success" : "error";
        counter("ballast.api.requests", "Requests answered", "operation", operation, "outcome", outcome)
                .increment();
        if (errorType != null) {
            counter("ballast.api.errors", "Error answers by AWS error type", "operation", operation, "type", errorType)
                    .increment();
        }
    }

    private Counter counter(String name, String description, String k1, String v1, String k2, String v2) {
        return counters.computeIfAbsent(
                name + '|' + v1 + '|' + v2,
                key -> Counter.builder(name)
                        .description(description)
                        .tags(k1, v1, k2, v2)
                        .register(registry));
    }
}
