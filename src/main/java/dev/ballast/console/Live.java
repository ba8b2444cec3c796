package dev.ballast.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Live regions: a part of a page the browser polls (htmx, every {@link #EVERY}) with the ETag of the version it shows;
 * the server answers 304 while the part is unchanged (nothing is swapped, focus stays where it is) and the new part
 * otherwise. Without JavaScript the page is complete as served; reloading shows the news.
 *
 * <p>A page handler renders each region with {@link #region}, and answers {@code ?part=ID} with only that region
 * through {@link Exchange#sendPart}.
 */
public final class Live {
    /** How often a region is polled. */
    public static final Duration EVERY = Duration.ofSeconds(2);
    /** How often a region whose rendering reads many rows is polled. */
    public static final Duration SLOW = Duration.ofSeconds(10);

    private Live() {}

    /** A rendered region and its ETag. */
    public record Region(Html html, String etag) {}

    /**
     * The region {@code id} around {@code content}, polled at {@code pageUrl} + {@code part=id}.
     *
     * @param pageUrl the page's own path and query (its handler answers the part)
     * @param label an accessible name for the region ({@code aria-label}), or null when a heading inside names it
     */
    public static Region region(String id, String pageUrl, String label, Html content) {
        return region(id, pageUrl, label, content, EVERY);
    }

    /**
     * A region polled every {@code every} instead of {@link #EVERY}: for parts whose rendering reads many rows (a
     * cluster's services with their badges, a service's task counts), where a few seconds more staleness is cheap and
     * the reads every 2 s per open page are not.
     */
    public static Region region(String id, String pageUrl, String label, Html content, Duration every) {
        String etag = etag(content);
        String url = pageUrl + (pageUrl.contains("?") ? "&" : "?") + "part=" + id;
        Html h = new Html(content.length() + 256);
        h.open(
                "div",
                "id",
                id,
                "class",
                "live",
                "aria-label",
                label,
                "hx-get",
                url,
                "hx-trigger",
                "every " + every.toSeconds() + "s",
                "hx-swap",
                "outerHTML",
                "hx-headers",
                "{\"If-None-Match\": \"" + etag.replace("\"", "\\\"") + "\"}");
        h.raw(content).close("div");
        return new Region(h, etag);
    }

    /** A strong ETag of the content (its SHA-256, shortened). */
    static String etag(Html content) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest(content.toString().getBytes(StandardCharsets.UTF_8));
            return "\"" + HexFormat.of().formatHex(d, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
