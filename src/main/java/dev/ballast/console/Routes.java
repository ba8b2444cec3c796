package dev.ballast.console;

import dev.ballast.api.AwsException;
import dev.ballast.store.ClusterNotActiveException;
import dev.ballast.store.TransientFailure;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How console pages and actions are registered, so every one gets the same checks:
 * <ul>
 *   <li>{@link #page}: GET; a valid session, else a redirect to the login page (a live region's poll gets 401);</li>
 *   <li>{@link #action}: POST; a valid session, the session's CSRF token in the form, a same-origin request
 *       ({@code Origin}, when sent, names this server), and a key that is not read-only — else 403 with the reason;</li>
 *   <li>both: {@link ConsoleException} and ECS errors become a page with the message (escaped), anything else a 500
 *       page with a reference id and no details (the log has them); security headers on every answer.</li>
 * </ul>
 */
public final class Routes {
    private static final Logger LOG = LoggerFactory.getLogger(Routes.class);

    /** A page or action handler. */
    @FunctionalInterface
    public interface Handler {
        void handle(Exchange x) throws Exception;
    }

    private final HttpRules rules;
    private final ConsoleContext context;

    Routes(HttpRules rules, ConsoleContext context) {
        this.rules = rules;
        this.context = context;
    }

    /** A page at {@code path} (relative to {@code /console}; Helidon path patterns, {@code {name}} parameters). */
    public Routes page(String path, Handler handler) {
        rules.get(path, (req, res) -> {
            headers(res);
            Optional<Session> session = session(req);
            if (session.isEmpty()) {
                if (req.headers().contains(HeaderNames.create("HX-Request"))) {
                    // htmx follows HX-Redirect even on an error status: the page goes to the sign-in form
                    res.header(
                            "HX-Redirect",
                            "/console/login?next=" + URLEncoder.encode(page(req), StandardCharsets.UTF_8));
                    res.status(Status.UNAUTHORIZED_401).send("session ended");
                    return;
                }
                Exchange.redirect(res, "/console/login?next=" + URLEncoder.encode(uri(req), StandardCharsets.UTF_8));
                return;
            }
            run(new Exchange(req, res, session.get(), Form.parse(""), context), handler);
        });
        return this;
    }

    /** An action at {@code path}: POST with a form, behind the session, CSRF, origin and read-only checks. */
    public Routes action(String path, Handler handler) {
        rules.post(path, (req, res) -> {
            headers(res);
            Optional<Session> session = session(req);
            Exchange x;
            if (session.isEmpty()) {
                refuse(req, res, null, 403, "Your session has ended: sign in again, then repeat the action.");
                return;
            }
            if (!sameOrigin(req)) {
                refuse(req, res, session.get(), 403, "The action came from another site: refused.");
                return;
            }
            Form form;
            try {
                form = readForm(req);
            } catch (ConsoleException e) {
                refuse(req, res, session.get(), e.status(), e.getMessage());
                return;
            }
            if (!Sessions.csrfMatches(
                    session.get(), form.get(Sessions.CSRF_FIELD).orElse(null))) {
                refuse(
                        req,
                        res,
                        session.get(),
                        403,
                        "The form's CSRF token is missing or does not match your session: reload the page and try"
                                + " again.");
                return;
            }
            if (session.get().readOnly()) {
                refuse(
                        req,
                        res,
                        session.get(),
                        403,
                        "The access key " + session.get().accessKeyId() + " is read-only: it cannot change anything.");
                return;
            }
            x = new Exchange(req, res, session.get(), form, context);
            run(x, handler);
        });
        return this;
    }

    /** The raw GET/POST rules, for the login page and the assets (no session). */
    HttpRules rules() {
        return rules;
    }

    private Optional<Session> session(ServerRequest req) {
        return context.sessions().verify(cookie(req, Sessions.COOKIE).orElse(null));
    }

    private static void run(Exchange x, Handler handler) {
        try {
            handler.handle(x);
        } catch (ConsoleException e) {
            x.page(e.status(), "Not done", List.of(), message(e.getMessage(), null));
        } catch (AwsException e) {
            x.page(e.status() >= 500 ? 503 : e.status(), "Not done", List.of(), message(e.getMessage(), e.type()));
        } catch (ClusterNotActiveException e) { // the cluster was deleted between the operation's check and its write
            AwsException gone = AwsException.clusterNotFound();
            x.page(gone.status(), "Not done", List.of(), message(gone.getMessage(), gone.type()));
        } catch (Exception e) {
            if (TransientFailure.of(e).isPresent()) { // a store outage: the next poll or a retry gets past it
                LOG.debug("console request failed while the store is unavailable: {}", e.toString());
                x.page(503, "Not done", List.of(), message("The store is unavailable: try again in a moment.", null));
                return;
            }
            String ref = UUID.randomUUID().toString();
            LOG.warn("console request failed (reference {})", ref, e);
            x.page(
                    500,
                    "Error",
                    List.of(),
                    message(
                            "Ballast could not complete this request; the server log has the details (reference " + ref
                                    + ").",
                            null));
        }
    }

    private void refuse(ServerRequest req, ServerResponse res, Session session, int status, String text) {
        LOG.info("console action {} refused: {}", req.path().rawPath(), text);
        new Exchange(req, res, session, Form.parse(""), context)
                .page(status, "Refused", List.of(), message(text, null));
    }

    static Html message(String text, String type) {
        Html h = new Html();
        h.el("h1", type == null ? "Not done" : type);
        h.el("p", text, "role", "alert");
        h.open("p").a("/console/", "Back to the clusters").close("p");
        return h;
    }

    /** The value of a request cookie. */
    static Optional<String> cookie(ServerRequest req, String name) {
        for (String header : req.headers().all(HeaderNames.COOKIE, List::of)) {
            for (String pair : header.split(";")) {
                String p = pair.strip();
                if (p.startsWith(name + "=")) {
                    return Optional.of(p.substring(name.length() + 1));
                }
            }
        }
        return Optional.empty();
    }

    /** The page a live region's poll came from (its path, without the {@code part} query). */
    static String page(ServerRequest req) {
        return req.path().absolute().rawPath();
    }

    static String uri(ServerRequest req) {
        String q = req.query().rawValue();
        return req.path().absolute().rawPath() + (q == null || q.isEmpty() ? "" : "?" + q);
    }

    /** An {@code Origin} header, when the browser sends one, must name the host the request was sent to. */
    static boolean sameOrigin(ServerRequest req) {
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        if (origin.isEmpty()) {
            return true; // older browsers and non-browser clients; the CSRF token still decides
        }
        // behind a proxy that rewrites Host, the name the browser used is X-Forwarded-Host (a header a cross-site form
        // cannot set)
        String host = req.headers().first(HeaderNames.HOST).orElse("");
        String forwarded = req.headers().first(HeaderNames.X_FORWARDED_HOST).orElse(null);
        try {
            URI o = URI.create(origin.get());
            String authority = o.getRawAuthority();
            return authority != null
                    && (authority.equalsIgnoreCase(host)
                            || (forwarded != null && authority.equalsIgnoreCase(forwarded.split(",")[0].strip())));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static Form readForm(ServerRequest req) {
        long length = req.headers().contentLength().orElse(-1L);
        if (length > Form.MAX_BYTES) {
            throw new ConsoleException(413, "The form is larger than " + Form.MAX_BYTES + " bytes.");
        }
        String type = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        if (!type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
            throw new ConsoleException(415, "An action takes a form (application/x-www-form-urlencoded).");
        }
        byte[] body;
        try {
            body = req.content().inputStream().readNBytes(Form.MAX_BYTES + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (body.length > Form.MAX_BYTES) {
            throw new ConsoleException(413, "The form is larger than " + Form.MAX_BYTES + " bytes.");
        }
        return Form.parse(new String(body, StandardCharsets.UTF_8));
    }

    /** Security headers of every console answer. */
    static void headers(ServerResponse res) {
        res.header(
                "Content-Security-Policy",
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self';"
                        + " frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'");
        res.header("X-Content-Type-Options", "nosniff");
        res.header("X-Frame-Options", "DENY");
        res.header("Referrer-Policy", "same-origin");
    }
}
