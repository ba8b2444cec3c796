package dev.ballast.agent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The agent's meters: {@code ballast_agent_pulls_total{runtime,outcome}} (outcome SUCCESS, CACHED or the
 * failure kind) and {@code ballast_agent_image_cache_hits_total{runtime}}.
 */
final class AgentMetrics {

    private final MeterRegistry meters;
    private final String runtime;

    AgentMetrics(MeterRegistry meters, String runtime) {
        this.meters = meters;
        this.runtime = runtime;
    }

    void pulled(PullResult result) {
        pull(result.cached() ? "CACHED" : "SUCCESS");
        if (result.cached()) {
            Counter.builder("ballast.agent.image.cache.hits")
                    .description("Pulls served from an instance's local image cache (no manifest fetched)")
                    .tag("runtime", runtime)
                    .register(meters)
                    .increment();
        }
    }

    void failed(PullFailedException e) {
        pull(e.kind());
    }

    private void pull(String outcome) {
        Counter.builder("ballast.agent.pulls")
                .description("Image pulls by container instance agents, by outcome")
                .tag("runtime", runtime)
                .tag("outcome", outcome)
                .register(meters)
                .increment();
    }
}
