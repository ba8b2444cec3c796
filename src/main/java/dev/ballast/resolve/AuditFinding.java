package dev.ballast.resolve;

import dev.ballast.model.Severity;
import java.util.Objects;

/**
 * One risk {@code ballast audit} found in one container.
 *
 * @param rule the check that found it
 * @param container the container's name
 * @param image the container's image as written
 * @param message what was found, naming the container and image
 * @param recommendation what to do about it
 */
public record AuditFinding(AuditRule rule, String container, String image, String message, String recommendation) {
    public AuditFinding {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(container, "container name");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(recommendation, "recommendation");
    }

    /** The rule's severity. */
    public Severity severity() {
        return rule.severity();
    }
}
