package dev.ballast.console;

import java.util.List;

/**
 * The console's layout: a skip link, a banner with the navigation and the signed-in key (with a log-out form), the
 * breadcrumbs, the page's {@code main}, and a footer. Landmarks and headings are HTML's own; the style sheet keeps
 * contrast at WCAG AA and shows keyboard focus.
 */
public final class Page {
    /** The htmx build the console ships (from its WebJar; served by the console, never from a CDN). */
    static final String HTMX = "htmx-2.0.4.min.js";

    /** One breadcrumb; the last one is the current page ({@code href} ignored). */
    public record Crumb(String label, String href) {}

    /** The navigation's entries: label → path. */
    static final List<Crumb> NAVIGATION = List.of(
            new Crumb("Clusters", "/console/"),
            new Crumb("Policy", "/console/policy"),
            new Crumb("Pinned digests", "/console/pins"),
            new Crumb("Audit", "/console/audit"));

    private Page() {}

    /**
     * A whole document.
     *
     * @param session the signed-in user, or null (the login page)
     * @param flash a one-time notice to show (after an action), or null
     */
    static String document(Session session, String title, List<Crumb> crumbs, String flash, Html main) {
        Html h = new Html(main.length() + 4096);
        h.constant("<!DOCTYPE html>");
        h.open("html", "lang", "en");
        h.open("head");
        h.empty("meta", "charset", "utf-8");
        h.empty("meta", "name", "viewport", "content", "width=device-width, initial-scale=1");
        h.el("title", title + " · Ballast");
        h.empty("link", "rel", "stylesheet", "href", "/console/assets/console.css");
        // htmx: no inline styles or eval (the Content-Security-Policy forbids both); 304 = unchanged, nothing to swap
        h.empty(
                "meta",
                "name",
                "htmx-config",
                "content",
                "{\"includeIndicatorStyles\":false,\"allowEval\":false,\"allowScriptTags\":false,"
                        + "\"responseHandling\":[{\"code\":\"204\",\"swap\":false},{\"code\":\"304\",\"swap\":false},"
                        + "{\"code\":\"[23]..\",\"swap\":true},{\"code\":\"[45]..\",\"swap\":false,\"error\":true}]}");
        h.open("script", "src", "/console/assets/" + HTMX, "defer", "").close("script");
        h.close("head");
        h.open("body");
        h.a("#main", "Skip to content", "class", "skip");
        h.open("header", "class", "banner");
        h.a("/console/", "Ballast", "class", "brand");
        if (session != null) {
            h.open("nav", "aria-label", "Main");
            h.open("ul");
            for (Crumb c : NAVIGATION) {
                h.open("li").a(c.href(), c.label()).close("li");
            }
            h.close("ul").close("nav");
            h.open("div", "class", "who");
            h.text("Signed in as ").code(session.accessKeyId());
            if (session.readOnly()) {
                h.text(" ").el("span", "read-only", "class", "badge badge-muted");
            }
            h.open("form", "method", "post", "action", "/console/logout", "class", "inline");
            csrf(h, session);
            h.el("button", "Log out", "type", "submit");
            h.close("form").close("div");
        }
        h.close("header");
        if (crumbs.size() > 1) {
            h.open("nav", "aria-label", "Breadcrumb", "class", "crumbs").open("ol");
            for (int i = 0; i < crumbs.size(); i++) {
                Crumb c = crumbs.get(i);
                h.open("li");
                if (i == crumbs.size() - 1) {
                    h.el("span", c.label(), "aria-current", "page");
                } else {
                    h.a(c.href(), c.label());
                }
                h.close("li");
            }
            h.close("ol").close("nav");
        }
        h.open("main", "id", "main", "tabindex", "-1");
        if (flash != null) {
            h.el("p", flash, "class", "flash", "role", "status");
        }
        h.raw(main);
        h.close("main");
        h.open("footer")
                .text("Ballast console · reading works without JavaScript; live parts refresh every "
                        + Live.EVERY.toSeconds() + " s")
                .close("footer");
        h.close("body").close("html");
        return h.toString();
    }

    /** The hidden CSRF field every console form carries. */
    public static void csrf(Html h, Session session) {
        h.empty("input", "type", "hidden", "name", Sessions.CSRF_FIELD, "value", session.csrfToken());
    }

    /**
     * A POST form around one button (an action): the CSRF token, the hidden fields as name/value pairs, and the button
     * with its accessible text.
     */
    public static void button(Html h, Session session, String action, String label, String... hidden) {
        h.open("form", "method", "post", "action", action, "class", "inline");
        csrf(h, session);
        for (int i = 0; i + 1 < hidden.length; i += 2) {
            h.empty("input", "type", "hidden", "name", hidden[i], "value", hidden[i + 1]);
        }
        h.el("button", label, "type", "submit");
        h.close("form");
    }
}
