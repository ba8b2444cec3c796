package dev.ballast.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How the service page writes times, badges and its URLs. */
final class ServicePageFormat {
    private static final DateTimeFormatter SHOWN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private ServicePageFormat() {}

    /** The service page's path. */
    static String base(String cluster, String service) {
        return "/console/clusters/" + cluster + "/services/" + service;
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** An absolute time ({@code <time datetime>}), "—" when unknown. */
    static void time(Html h, Long millis) {
        if (millis == null || millis <= 0) {
            h.text("—");
            return;
        }
        Instant at = Instant.ofEpochMilli(millis);
        h.el("time", SHOWN.format(at), "datetime", at.toString());
    }

    /** An absolute time and how long ago it was ("3 min ago"; changes at most once a minute). */
    static void timeAgo(Html h, Long millis, long now) {
        time(h, millis);
        if (millis != null && millis > 0) {
            h.text(" (" + ago(Duration.ofMillis(Math.max(0, now - millis))) + ")");
        }
    }

    static String ago(Duration d) {
        if (d.toMinutes() < 1) {
            return "under a minute ago";
        }
        if (d.toHours() < 1) {
            return d.toMinutes() + " min ago";
        }
        if (d.toDays() < 1) {
            return d.toHours() + " h ago";
        }
        return d.toDays() + (d.toDays() == 1 ? " day ago" : " days ago");
    }

    /** A badge: its text says what it means (colour is never the only sign). */
    static void badge(Html h, String text, String kind) {
        h.el("span", text, "class", "badge badge-" + kind);
    }

    /** A digest in {@code <code class="digest">}, or "—". */
    static void digest(Html h, String digest) {
        if (digest == null) {
            h.text("—");
        } else {
            h.el("code", digest, "class", "digest");
        }
    }
}
