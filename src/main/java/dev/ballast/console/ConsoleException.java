package dev.ballast.console;

/**
 * A console answer other than the page: a status and a message for the user (shown escaped on an error page, never a
 * stack trace).
 */
public final class ConsoleException extends RuntimeException {
    private final int status;

    public ConsoleException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static ConsoleException notFound(String what) {
        return new ConsoleException(404, what + " was not found.");
    }
}
