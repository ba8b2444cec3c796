package dev.ballast.api.auth;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Optional;

/**
 * Request timestamps for SigV4: {@code X-Amz-Date} in ISO 8601 basic format ({@code 20260101T000000Z}),
 * or as a fallback the HTTP {@code Date} header (RFC 1123), which the string to sign then carries in the
 * basic format.
 *
 * @see <a href="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-signing-elements.html">
 *      SigV4 signing elements: date</a>
 */
final class AmzDate {

    private static final DateTimeFormatter BASIC =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                    .withResolverStyle(ResolverStyle.STRICT);

    private AmzDate() {}

    static Optional<Instant> parseBasic(String value) {
        if (value.length() != 16) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.from(BASIC.parse(value)));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    static Optional<Instant> parseHttpDate(String value) {
        try {
            return Optional.of(Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(value.strip())));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** {@code yyyyMMdd'T'HHmmss'Z'} in UTC, truncated to the second. */
    static String formatBasic(Instant instant) {
        return BASIC.format(instant);
    }
}
