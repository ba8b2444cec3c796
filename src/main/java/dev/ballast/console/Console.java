package dev.ballast.console;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * The web console, served by the API's listener under {@value #ROOT}: server-rendered pages (complete without
 * JavaScript), live regions polled with ETags through htmx, and actions as forms behind a confirmation page. Sign-in
 * takes an access key pair of the credentials file ({@link Sessions}). Each group of pages registers its routes
 * through {@link Routes}, which applies the session, CSRF and read-only checks to all of them.
 */
public final class Console implements HttpService {
    public static final String ROOT = "/console";

    /** A group of pages (and their actions). */
    @FunctionalInterface
    public interface Pages {
        void register(Routes routes);
    }

    private final ConsoleContext context;
    private final List<Pages> pages;

    public Console(ConsoleContext context) {
        this.context = context;
        // one line per group of pages (merges add lines, not edit one)
        List<Pages> all = new ArrayList<>();
        all.add(new ClustersPage(context));
        all.add(new ServicePage(context));
        all.add(new PolicyPage(context));
        all.add(new PinsPage(context));
        all.add(new AuditPage(context));
        all.add(new Actions(context));
        this.pages = List.copyOf(all);
    }

    @Override
    public void routing(HttpRules rules) {
        Assets.register(rules);
        new LoginPage(context).register(rules);
        Routes routes = new Routes(rules, context);
        pages.forEach(p -> p.register(routes));
        rules.any(Console::notFound);
    }

    private static void notFound(ServerRequest req, ServerResponse res) {
        Routes.headers(res);
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.status(Status.NOT_FOUND_404)
                .send(Page.document(
                        null,
                        "Not found",
                        List.of(),
                        null,
                        Routes.message("Nothing is at " + Routes.uri(req) + ".", "Not found")));
    }
}
