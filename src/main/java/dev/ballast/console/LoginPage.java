package dev.ballast.console;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-in with an access key pair of the credentials file, and log-out. A wrong key or secret gets one answer for both
 * (401, after a short pause that slows guessing); the secret is never logged or shown again.
 */
final class LoginPage {
    private static final Logger LOG = LoggerFactory.getLogger(LoginPage.class);
    private static final long REFUSAL_PAUSE_MS = 300;
    /** A console path and query in plain URL characters (no CR/LF, no other site): anything else goes home. */
    private static final Pattern SAFE_NEXT = Pattern.compile("/console/[A-Za-z0-9._~%/?&=:+\\-]*");

    private final ConsoleContext context;

    LoginPage(ConsoleContext context) {
        this.context = context;
    }

    void register(HttpRules rules) {
        rules.get("/login", this::form);
        rules.post("/login", this::login);
        rules.post("/logout", this::logout);
    }

    private void form(ServerRequest req, ServerResponse res) {
        Routes.headers(res);
        String next = next(req.query().first("next").orElse(null));
        if (context.sessions()
                .verify(Routes.cookie(req, Sessions.COOKIE).orElse(null))
                .isPresent()) {
            Exchange.redirect(res, next);
            return;
        }
        send(res, 200, next, null, "");
    }

    private void login(ServerRequest req, ServerResponse res) throws InterruptedException {
        Routes.headers(res);
        if (!Routes.sameOrigin(req)) {
            send(res, 403, "/console/", "The sign-in came from another site: refused.", "");
            return;
        }
        Form form;
        try {
            form = Routes.readForm(req);
        } catch (ConsoleException e) {
            send(res, e.status(), "/console/", e.getMessage(), "");
            return;
        }
        String keyId = form.get("accessKeyId").orElse("").strip();
        String next = next(form.get("next").orElse(null));
        Optional<Sessions.Signed> signed =
                context.sessions().login(keyId, form.get("secretAccessKey").orElse(""));
        if (signed.isEmpty()) {
            LOG.info("console sign-in refused for access key '{}'", clip(keyId));
            Thread.sleep(REFUSAL_PAUSE_MS);
            send(res, 401, next, "The access key ID or the secret access key is wrong.", keyId);
            return;
        }
        LOG.info(
                "console sign-in: access key {}{}",
                keyId,
                signed.get().session().readOnly() ? " (read-only)" : "");
        res.header(
                HeaderNames.SET_COOKIE,
                context.sessions().setCookie(signed.get().cookie(), secure(req)));
        Exchange.redirect(res, next);
    }

    private void logout(ServerRequest req, ServerResponse res) {
        Routes.headers(res);
        if (!Routes.sameOrigin(req)) {
            send(res, 403, "/console/", "The log-out came from another site: refused.", "");
            return;
        }
        Optional<Session> session =
                context.sessions().verify(Routes.cookie(req, Sessions.COOKIE).orElse(null));
        if (session.isPresent()) {
            Form form;
            try {
                form = Routes.readForm(req);
            } catch (ConsoleException e) {
                form = Form.parse("");
            }
            if (!Routes.sameOrigin(req)
                    || !Sessions.csrfMatches(
                            session.get(), form.get(Sessions.CSRF_FIELD).orElse(null))) {
                send(res, 403, "/console/", "The log-out form's CSRF token is missing or wrong: refused.", "");
                return;
            }
            LOG.info("console log-out: access key {}", session.get().accessKeyId());
        }
        res.header(HeaderNames.SET_COOKIE, Sessions.clearCookie(secure(req)));
        Exchange.redirect(res, "/console/login?signedOut");
    }

    private static void send(ServerResponse res, int status, String next, String error, String keyId) {
        Html h = new Html();
        h.open("section", "class", "login", "aria-labelledby", "login-title");
        h.el("h1", "Sign in to Ballast", "id", "login-title");
        h.el(
                "p",
                "Use an access key pair Ballast accepts (its credentials file; on a loopback server without one,"
                        + " the development pair test/test).");
        if (error != null) {
            h.el("p", error, "class", "error", "role", "alert", "id", "login-error");
        }
        h.open("form", "method", "post", "action", "/console/login");
        h.empty("input", "type", "hidden", "name", "next", "value", next);
        h.open("p");
        h.el("label", "Access key ID", "for", "accessKeyId");
        h.empty(
                "input",
                "id",
                "accessKeyId",
                "name",
                "accessKeyId",
                "type",
                "text",
                "autocomplete",
                "username",
                "required",
                "",
                "autofocus",
                "",
                "spellcheck",
                "false",
                "value",
                keyId,
                "aria-describedby",
                error == null ? null : "login-error");
        h.close("p");
        h.open("p");
        h.el("label", "Secret access key", "for", "secretAccessKey");
        h.empty(
                "input",
                "id",
                "secretAccessKey",
                "name",
                "secretAccessKey",
                "type",
                "password",
                "autocomplete",
                "current-password",
                "required",
                "");
        h.close("p");
        h.el("button", "Sign in", "type", "submit");
        h.close("form").close("section");
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.status(Status.create(status))
                .send(Page.document(null, "Sign in", List.of(), null, h).getBytes(StandardCharsets.UTF_8));
    }

    /** Where to go after signing in: a console path only (never another site). */
    static String next(String next) {
        if (next == null
                || !SAFE_NEXT.matcher(next).matches()
                || next.startsWith("/console/login")
                || next.contains("//")
                || next.contains("\\")) {
            return "/console/";
        }
        return next;
    }

    private static boolean secure(ServerRequest req) {
        return req.headers()
                .first(HeaderNames.X_FORWARDED_PROTO)
                .map(p -> p.equalsIgnoreCase("https"))
                .orElse(false);
    }

    private static String clip(String s) {
        String printable = s.replaceAll("[^\\x20-\\x7e]", "?"); // first: no line of the log can be forged
        return printable.length() > 64 ? printable.substring(0, 64) + "…" : printable;
    }
}
