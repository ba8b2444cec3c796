package dev.ballast.api.auth;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
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
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private AmzDate() {}

    /** Parses {@code yyyyMMdd'T'HHmmss'Z'} exactly (no other lengths, offsets or fractions). */
    static Optional<Instant> parseBasic(String value) {
        if (value.length() != 16
                || value.charAt(8) != 'T'
                || value.charAt(15) != 'Z'
                || !digits(value, 0, 8)
                || !digits(value, 9, 15)) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDateTime.of(
                            number(value, 0, 4),
                            number(value, 4, 6),
                            number(value, 6, 8),
                            number(value, 9, 11),
                            number(value, 11, 13),
                            number(value, 13, 15))
                    .toInstant(ZoneOffset.UTC));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    private static boolean digits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static int number(String s, int from, int to) {
        return Integer.parseInt(s, from, to, 10);
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
