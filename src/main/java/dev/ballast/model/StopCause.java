package dev.ballast.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Why the server stopped a task, where its {@link StopCode} alone does not say and a component decides on it:
 * recorded with the stop, never shown by DescribeTasks (whose {@code stoppedReason} is prose for people, not for
 * decisions).
 */
public enum StopCause {
    /** An essential container failed its health checks; the service scheduler replaced the task (stop code
     * {@link StopCode#SERVICE_SCHEDULER_INITIATED}). The circuit breaker counts such tasks as failures. */
    HEALTH_CHECK_FAILED;

    /** The word recorded in the task's document. */
    @JsonValue
    public String wire() {
        return name();
    }

    /** The constant whose recorded word is {@code value}; an unknown value is refused, naming it. */
    @JsonCreator
    public static StopCause fromWire(String value) {
        return Wire.lookup(StopCause.class, StopCause::wire, value, "stop cause");
    }
}
