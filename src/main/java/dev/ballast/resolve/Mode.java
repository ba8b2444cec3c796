package dev.ballast.resolve;

import java.util.List;
import java.util.Optional;

/**
 * The effective version-consistency mode of one container in one deployment (DESIGN.md, "The semantics"):
 * {@link #CONSISTENT} never launches on a bare tag, {@link #BEST_EFFORT} resolves but continues on the tag
 * after bounded failures, {@link #DISABLED} never resolves.
 */
public enum Mode {
    CONSISTENT("consistent"),
    BEST_EFFORT("best-effort"),
    DISABLED("disabled");

    /** The values an image rule accepts; {@code enabled} is ECS's wire word for {@code consistent}. */
    public static final List<String> RULE_VALUES = List.of("consistent", "enabled", "best-effort", "disabled");

    private final String wire;

    Mode(String wire) {
        this.wire = wire;
    }

    /** The lower-case word recorded in resolution records and shown by the API. */
    public String wire() {
        return wire;
    }

    /** Parses an image rule's mode; {@code enabled} means {@link #CONSISTENT}. Empty for anything else. */
    public static Optional<Mode> ofRule(String value) {
        if (value == null) {
            return Optional.empty();
        }
        return switch (value) {
            case "consistent", "enabled" -> Optional.of(CONSISTENT);
            case "best-effort" -> Optional.of(BEST_EFFORT);
            case "disabled" -> Optional.of(DISABLED);
            default -> Optional.empty();
        };
    }

    @Override
    public String toString() {
        return wire;
    }
}
