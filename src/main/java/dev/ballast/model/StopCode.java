package dev.ballast.model;

/** A stopped task's {@code stopCode} (ECS {@code TaskStopCode}). Not ordered. */
public enum StopCode {
    TASK_FAILED_TO_START("TaskFailedToStart"),
    ESSENTIAL_CONTAINER_EXITED("EssentialContainerExited"),
    USER_INITIATED("UserInitiated"),
    SERVICE_SCHEDULER_INITIATED("ServiceSchedulerInitiated"),
    SPOT_INTERRUPTION("SpotInterruption"),
    TERMINATION_NOTICE("TerminationNotice"),
    INFRASTRUCTURE_HEALTH("InfrastructureHealth");

    private final String wire;

    StopCode(String wire) {
        this.wire = wire;
    }

    /** The ECS wire string. */
    public String wire() {
        return wire;
    }

    /** The constant whose wire string is {@code value}; an unknown value is refused, naming it. */
    public static StopCode fromWire(String value) {
        return Wire.lookup(StopCode.class, StopCode::wire, value, "stopCode");
    }
}
