package dev.ballast.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The effective version-consistency mode of one container in one deployment (DESIGN.md, "The semantics"):
 * {@link #CONSISTENT} never launches on a bare tag, {@link #BEST_EFFORT} resolves but continues on the tag
 * after bounded failures, {@link #DISABLED} never resolves.
 *
 * <p>One vocabulary at every layer below the container: image rules and the cluster and account
 * {@code versionConsistency} settings all accept {@link #VALUES}, and {@code enabled} (ECS's word on a
 * container) means {@link #CONSISTENT} everywhere.
 */
public enum Mode {
    CONSISTENT("consistent"),
    BEST_EFFORT("best-effort"),
    DISABLED("disabled");

    /** The values image rules and the {@code versionConsistency} settings accept, strictest first. */
    public static final List<String> VALUES = List.of("enabled", "consistent", "best-effort", "disabled");

    /** The values a container's {@code versionConsistency} accepts (see {@link #ofContainer}). */
    public static final Set<String> CONTAINER_VALUES = Stream.of(VersionConsistency.values())
            .map(VersionConsistency::wire)
            .collect(Collectors.toUnmodifiableSet());

    private final String wire;

    Mode(String wire) {
        this.wire = wire;
    }

    /** The lower-case word recorded in resolution records and shown by the API. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /**
     * The constant whose recorded word is {@code value} (strict: {@code enabled} is a setting's word, not a
     * recorded mode; see {@link #of}); an unknown value is refused, naming it.
     */
    @JsonCreator
    public static Mode fromWire(String value) {
        return Wire.lookup(Mode.class, Mode::wire, value, "version-consistency mode");
    }

    /**
     * Parses a rule's or a setting's value: {@code enabled} and {@code consistent} mean {@link #CONSISTENT}.
     * Empty for anything else (including {@code default}, which only a container may say).
     */
    public static Optional<Mode> of(String value) {
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

    /**
     * The mode a container's own {@code versionConsistency} decides: {@code enabled} and {@code consistent} mean
     * {@link #CONSISTENT}; empty when absent or {@code default} (the container inherits from the policy layers).
     */
    public static Optional<Mode> ofContainer(VersionConsistency value) {
        if (value == null) {
            return Optional.empty();
        }
        return switch (value) {
            case ENABLED, CONSISTENT -> Optional.of(CONSISTENT);
            case DISABLED -> Optional.of(DISABLED);
            case DEFAULT -> Optional.empty();
        };
    }

    /** The sentence an error about a bad rule or setting value ends with. */
    public static String accepted() {
        return "Accepted values: enabled or consistent (strict), best-effort, disabled.";
    }

    @Override
    public String toString() {
        return wire;
    }
}
