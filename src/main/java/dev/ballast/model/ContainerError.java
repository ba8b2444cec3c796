package dev.ballast.model;

import java.util.Optional;

/**
 * The error a container's {@code reason} names, as ECS writes it: {@code "<ErrorName>: <details>"} (e.g.
 * {@code CannotPullContainerError: manifest unknown}). The agent writes reasons this way; readers that decide by
 * the kind of failure read it here, as a code, never by matching the details.
 */
public enum ContainerError {
    CANNOT_PULL_CONTAINER("CannotPullContainerError"),
    CANNOT_CREATE_CONTAINER("CannotCreateContainerError"),
    CANNOT_START_CONTAINER("CannotStartContainerError"),
    DEPENDENCY_CONDITION_NOT_MET("DependencyConditionNotMet"),
    /** A task resource could not be set up before its containers, e.g. a container secret that did not resolve. */
    RESOURCE_INITIALIZATION("ResourceInitializationError");

    private final String wire;

    ContainerError(String wire) {
        this.wire = wire;
    }

    /** The error's name as the reason starts with it. */
    public String wire() {
        return wire;
    }

    /** A reason naming this error: {@code "<ErrorName>: details"}. */
    public String reason(String details) {
        return wire + ": " + details;
    }

    /** The error a reason names before its first colon; empty for no reason or one naming none of these. */
    public static Optional<ContainerError> of(String reason) {
        if (reason == null) {
            return Optional.empty();
        }
        int colon = reason.indexOf(':');
        String name = (colon < 0 ? reason : reason.substring(0, colon)).strip();
        for (ContainerError e : values()) {
            if (e.wire.equals(name)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
