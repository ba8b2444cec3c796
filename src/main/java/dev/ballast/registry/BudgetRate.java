package dev.ballast.registry;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link RequestBudget} rate: {@code requests} per {@code period}, refilled continuously, holding at most
 * {@code burst} unused requests.
 *
 * @param requests requests per period, at least 1
 * @param period the period, at least one second
 * @param burst requests that may go at once after a quiet time, at least 1
 */
public record BudgetRate(long requests, Duration period, long burst) {

    private static final Pattern TEXT =
            Pattern.compile("(\\d{1,9})/(\\d{0,9})([smh])(?:,burst=(\\d{1,9}))?", Pattern.CASE_INSENSITIVE);

    public BudgetRate {
        Objects.requireNonNull(period, "period");
        if (requests < 1) {
            throw new IllegalArgumentException("a request budget needs at least 1 request per period, got " + requests);
        }
        if (period.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("a request budget's period must be at least 1s, got " + period);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("a request budget's burst must be at least 1, got " + burst);
        }
    }

    /**
     * Parses {@code N/PERIOD[,burst=B]}: {@code PERIOD} is an optional count and a unit {@code s}, {@code m} or
     * {@code h} ({@code 60/h}, {@code 100/5m,burst=20}); the burst defaults to {@code N}.
     *
     * @throws IllegalArgumentException naming the text when it is not of that form
     */
    public static BudgetRate parse(String text) {
        Matcher m = TEXT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("request budget \"" + text
                    + "\" is not of the form N/PERIOD[,burst=B] (PERIOD: [count]s|m|h, e.g. 60/1h,burst=10)");
        }
        long n = Long.parseLong(m.group(1));
        long count = m.group(2).isEmpty() ? 1 : Long.parseLong(m.group(2));
        Duration unit = switch (m.group(3).toLowerCase(Locale.ROOT)) {
            case "s" -> Duration.ofSeconds(1);
            case "m" -> Duration.ofMinutes(1);
            default -> Duration.ofHours(1);
        };
        long burst = m.group(4) == null ? n : Long.parseLong(m.group(4));
        try {
            return new BudgetRate(n, unit.multipliedBy(count), burst);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("request budget \"" + text + "\": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        long s = period.toSeconds();
        String p = s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
        return requests + "/" + p + ",burst=" + burst;
    }
}
