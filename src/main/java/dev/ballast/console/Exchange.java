package dev.ballast.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.api.AwsException;
import dev.ballast.api.Operation;
import dev.ballast.api.ReadOnlyAccess;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One console request and its answer: the signed-in session, path and query parameters, the form of an action, and
 * the ways to answer (a page, a live region's update, a redirect).
 */
public final class Exchange {
    /** The cookie a one-time notice travels in from an action to the next page. */
    public static final String FLASH_COOKIE = "ballast_flash";

    private static final HeaderName IF_NONE_MATCH = HeaderNames.IF_NONE_MATCH;

    private final ServerRequest req;
    private final ServerResponse res;
    private final Session session;
    private final Form form;
    private final ConsoleContext context;

    Exchange(ServerRequest req, ServerResponse res, Session session, Form form, ConsoleContext context) {
        this.req = req;
        this.res = res;
        this.session = session;
        this.form = form;
        this.context = context;
    }

    public Session session() {
        return session;
    }

    public ConsoleContext context() {
        return context;
    }

    /** A path parameter of the route ({@code /services/{cluster}/{service}}). */
    public String path(String name) {
        return req.path().pathParameters().get(name);
    }

    public Optional<String> query(String name) {
        return req.query().first(name).asOptional();
    }

    /** An integer query parameter (a page number), or {@code fallback} when absent or not a number ≥ 0. */
    public int queryInt(String name, int fallback) {
        try {
            int v = query(name).map(Integer::parseInt).orElse(fallback);
            return v < 0 ? fallback : v;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** The live region the request asks for ({@code ?part=ID}, sent by the region's poll), if any. */
    public Optional<String> part() {
        return query("part");
    }

    /** The action's form (empty on a page). */
    public Form form() {
        return form;
    }

    /** The request path and query, for a form's {@code next} and a login's return. */
    public String uri() {
        String q = req.query().rawValue();
        return req.path().absolute().rawPath() + (q == null || q.isEmpty() ? "" : "?" + q);
    }

    /** Answers with a full page: the layout around {@code main}. */
    public void page(String title, List<Page.Crumb> crumbs, Html main) {
        String flash = takeFlash();
        send(200, Page.document(session, title, crumbs, flash, main));
    }

    /** Answers with a page and another status (a refused action's form again, with its message). */
    public void page(int status, String title, List<Page.Crumb> crumbs, Html main) {
        send(status, Page.document(session, title, crumbs, null, main));
    }

    /**
     * Answers a live region's poll: 304 when the region is unchanged since the version the browser holds
     * ({@code If-None-Match}), else the region (made by {@link Live#region}) with its ETag.
     */
    public void sendPart(Live.Region region) {
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header(HeaderNames.ETAG, region.etag());
        String held = req.headers().first(IF_NONE_MATCH).orElse(null);
        if (region.etag().equals(held)) {
            res.status(Status.NOT_MODIFIED_304).send();
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.status(Status.OK_200).send(region.html().toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Post/redirect/get: a 303 to a console path, with a one-time notice shown on the next page. */
    public void redirect(String location, String notice) {
        if (notice != null) {
            res.header(
                    HeaderNames.SET_COOKIE,
                    FLASH_COOKIE + "="
                            + Base64.getUrlEncoder()
                                    .withoutPadding()
                                    .encodeToString(notice.getBytes(StandardCharsets.UTF_8))
                            + "; Path=/console; Max-Age=60; HttpOnly; SameSite=Strict");
        }
        redirect(res, location);
    }

    /**
     * Calls an API operation as the signed-in user: the operation's own checks, writes, events and errors, as for a
     * signed request (an {@code AwsException} propagates with ECS's error type and message), but not the request
     * handler's shape validation: each action checks its form fields first. A read-only session may call read
     * operations only.
     */
    public JsonNode call(String operation, ObjectNode input) {
        if (session.readOnly() && !ReadOnlyAccess.allows(operation)) { // Routes.action refuses first; never rely on it
            throw AwsException.accessDenied("The access key " + session.accessKeyId() + " is read-only.");
        }
        Operation op = context.operations().get(operation);
        if (op == null) {
            throw new IllegalStateException("no operation " + operation);
        }
        return op.handle(input, new Operation.Call("console-" + UUID.randomUUID(), session.accessKeyId()));
    }

    static void redirect(ServerResponse res, String location) {
        res.header(HeaderNames.LOCATION, location);
        res.status(Status.SEE_OTHER_303).send();
    }

    private String takeFlash() {
        Optional<String> raw = Routes.cookie(req, FLASH_COOKIE);
        if (raw.isEmpty() || raw.get().isEmpty()) {
            return null;
        }
        res.header(HeaderNames.SET_COOKIE, FLASH_COOKIE + "=; Path=/console; Max-Age=0; HttpOnly; SameSite=Strict");
        try {
            return new String(Base64.getUrlDecoder().decode(raw.get()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void send(int status, String html) {
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.status(Status.create(status)).send(html.getBytes(StandardCharsets.UTF_8));
    }
}
