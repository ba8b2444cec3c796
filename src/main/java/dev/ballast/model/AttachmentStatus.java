package dev.ballast.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** An ENI attachment's {@code status} as DescribeTasks shows it, in the order an attachment goes through them. */
public enum AttachmentStatus {
    PRECREATED("PRECREATED"),
    ATTACHED("ATTACHED"),
    DETACHED("DETACHED"),
    DELETED("DELETED");

    private final String wire;

    AttachmentStatus(String wire) {
        this.wire = wire;
    }

    /** The ECS wire string. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** The constant whose wire string is {@code value}; an unknown value is refused, naming it. */
    public static AttachmentStatus fromWire(String value) {
        return Wire.lookup(AttachmentStatus.class, AttachmentStatus::wire, value, "attachment status");
    }
}
