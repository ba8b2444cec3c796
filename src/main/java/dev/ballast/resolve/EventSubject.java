package dev.ballast.resolve;

import java.util.Objects;

/**
 * Who resolution events are about, written in front of each event as ECS does: {@code (service web)}
 * for a service deployment, {@code (task run)} for a standalone RunTask call.
 */
public record EventSubject(String label) {
    public EventSubject {
        Objects.requireNonNull(label, "label");
    }

    /** {@code (service NAME)}, NAME being the last path component of the service ARN. */
    public static EventSubject service(String serviceArn) {
        String name = serviceArn == null ? "unknown" : serviceArn.substring(serviceArn.lastIndexOf('/') + 1);
        return new EventSubject("service " + name);
    }

    /** {@code (task run)}, or {@code (task run startedBy)} when the caller gave one. */
    public static EventSubject taskRun(String startedBy) {
        return new EventSubject(startedBy == null || startedBy.isEmpty() ? "task run" : "task run " + startedBy);
    }

    /** {@code (label)}. */
    public String prefix() {
        return "(" + label + ")";
    }
}
