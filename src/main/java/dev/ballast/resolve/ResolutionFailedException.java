package dev.ballast.resolve;

import dev.ballast.model.ResolutionRecord;
import java.util.List;

/**
 * A synchronous resolution ({@link RevisionResolver#resolveNow}) found a consistent container whose image
 * could not be resolved; the message names container, image and the registry's reason.
 */
public final class ResolutionFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient ResolutionRecord record;
    private final transient List<String> events;

    ResolutionFailedException(String message, ResolutionRecord record, List<String> events) {
        super(message);
        this.record = record;
        this.events = List.copyOf(events);
    }

    /** The FAILED record, with one entry per container. */
    public ResolutionRecord record() {
        return record;
    }

    /** The events the attempt produced. */
    public List<String> events() {
        return events;
    }
}
