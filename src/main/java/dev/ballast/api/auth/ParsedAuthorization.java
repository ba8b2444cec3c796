package dev.ballast.api.auth;

/** Result of {@link AuthorizationHeader#parse}: the header, or what makes it unusable. */
sealed interface ParsedAuthorization permits AuthorizationHeader, ParsedAuthorization.Malformed {

    /** @param problem human-readable description naming the missing or wrong part */
    record Malformed(String problem) implements ParsedAuthorization {}
}
