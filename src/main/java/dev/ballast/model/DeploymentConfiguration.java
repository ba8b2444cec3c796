package dev.ballast.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * A service's {@code deploymentConfiguration} as the deployment controller uses it (ECS
 * {@code DeploymentConfiguration}), with ECS's defaults in this one place: minimum healthy 100 %, maximum 200 %,
 * circuit breaker off.
 *
 * @param circuitBreaker the {@code deploymentCircuitBreaker}
 */
public record DeploymentConfiguration(
        int minimumHealthyPercent,
        int maximumPercent,
        @JsonProperty("deploymentCircuitBreaker") CircuitBreaker circuitBreaker) {

    public static final int DEFAULT_MINIMUM_HEALTHY_PERCENT = 100;
    public static final int DEFAULT_MAXIMUM_PERCENT = 200;

    /** A configuration that says nothing. */
    public static final DeploymentConfiguration DEFAULTS = of(null, null, null);

    public DeploymentConfiguration {
        Objects.requireNonNull(circuitBreaker, "circuitBreaker");
    }

    /** From a document's members; absent ones (null) get ECS's defaults. */
    @JsonCreator
    public static DeploymentConfiguration of(
            @JsonProperty("minimumHealthyPercent") Integer minimumHealthyPercent,
            @JsonProperty("maximumPercent") Integer maximumPercent,
            @JsonProperty("deploymentCircuitBreaker") CircuitBreaker circuitBreaker) {
        return new DeploymentConfiguration(
                minimumHealthyPercent == null ? DEFAULT_MINIMUM_HEALTHY_PERCENT : minimumHealthyPercent,
                maximumPercent == null ? DEFAULT_MAXIMUM_PERCENT : maximumPercent,
                circuitBreaker == null ? CircuitBreaker.OFF : circuitBreaker);
    }

    /** ECS {@code DeploymentCircuitBreaker}: both off when absent. */
    public record CircuitBreaker(boolean enable, boolean rollback) {
        /** The circuit breaker when the configuration names none. */
        public static final CircuitBreaker OFF = new CircuitBreaker(false, false);
    }
}
