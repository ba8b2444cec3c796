package dev.ballast.console;

import dev.ballast.store.ServiceRow;
import java.util.List;

/**
 * What every confirmation page of the service actions shares: the service it acts on, its page's URL, the
 * breadcrumbs, and the confirmation form (CSRF token, hidden fields, the action's button, a "Cancel" link back).
 */
final class ActionForms {
    private ActionForms() {}

    /** The live service the action's path names, or a 404 naming it. */
    static ServiceRow service(Exchange x) {
        return Lookups.liveService(x.context().store(), x.path("cluster"), x.path("service"));
    }

    /** The service page, where an action returns. */
    static String servicePage(ServiceRow s) {
        return "/console/clusters/" + s.cluster() + "/services/" + s.name();
    }

    /** The URL of one of the service's actions ({@code force}, {@code scale}, {@code rollback}, {@code approve}). */
    static String actionUrl(ServiceRow s, String action) {
        return servicePage(s) + "/" + action;
    }

    static List<Page.Crumb> crumbs(ServiceRow s, String label, String url) {
        return List.of(
                new Page.Crumb("Clusters", "/console/"),
                new Page.Crumb(s.cluster(), "/console/clusters/" + s.cluster()),
                new Page.Crumb(s.name(), servicePage(s)),
                new Page.Crumb(label, url));
    }

    /** The refusal of the operation (ECS's error message), shown above the form again. */
    static void refusal(Html h, String message) {
        if (message != null) {
            h.el("p", message, "role", "alert", "class", "error", "id", "action-error");
        }
    }

    /** Opens the confirmation form: POST to {@code action} with the session's CSRF token and the hidden fields. */
    static void openForm(Html h, Exchange x, String action, String... hidden) {
        h.open("form", "method", "post", "action", action, "class", "confirm");
        Page.csrf(h, x.session());
        for (int i = 0; i + 1 < hidden.length; i += 2) {
            h.empty("input", "type", "hidden", "name", hidden[i], "value", hidden[i + 1]);
        }
    }

    /** Closes the confirmation form with its button and the "Cancel" link back to the service page. */
    static void closeForm(Html h, ServiceRow s, String button, boolean danger) {
        h.open("p", "class", "buttons");
        h.el("button", button, "type", "submit", "class", danger ? "danger" : null);
        h.text(" ");
        h.a(servicePage(s), "Cancel", "class", "cancel");
        h.close("p");
        h.close("form");
    }

    /** A "Cancel"-only ending, for a confirmation page whose action cannot be taken (the reason is above it). */
    static void backOnly(Html h, ServiceRow s) {
        h.open("p").a(servicePage(s), "Cancel", "class", "cancel").close("p");
    }
}
