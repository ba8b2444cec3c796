package dev.ballast.api;

import java.util.List;

/**
 * What a read-only access key (a credentials-file profile with {@code ballast_read_only = true}) may call: the
 * operations that only read — by name, {@code Describe*}, {@code List*}, {@code Get*} and {@code ExplainPolicy}. Every
 * other operation changes something (or is an agent's: agents never use read-only keys) and is refused with an
 * {@code AccessDeniedException} naming the operation and the key. The one place this is decided.
 */
public final class ReadOnlyAccess {
    private static final List<String> READ_PREFIXES = List.of("Describe", "List", "Get", "Explain");

    private ReadOnlyAccess() {}

    /** Whether a read-only key may call {@code operation}. */
    public static boolean allows(String operation) {
        return READ_PREFIXES.stream().anyMatch(operation::startsWith);
    }

    /** Refuses {@code operation} for the read-only key {@code accessKeyId} unless it only reads. */
    static void check(String operation, String accessKeyId) {
        if (!allows(operation)) {
            throw AwsException.accessDenied("The access key " + accessKeyId + " is read-only: it may not call "
                    + operation + " (read-only keys may call Describe*, List*, Get* and ExplainPolicy).");
        }
    }
}
