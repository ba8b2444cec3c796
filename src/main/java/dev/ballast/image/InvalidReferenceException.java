package dev.ballast.image;

/** An image reference that does not follow the reference grammar; the message names the input and the fault. */
public final class InvalidReferenceException extends IllegalArgumentException {

    private final String input;
    private final String reason;

    InvalidReferenceException(String input, String reason) {
        super("invalid image reference \"" + input + "\": " + reason);
        this.input = input;
        this.reason = reason;
    }

    /** The text that was rejected. */
    public String input() {
        return input;
    }

    /** What is wrong with it, without the input. */
    public String reason() {
        return reason;
    }
}
