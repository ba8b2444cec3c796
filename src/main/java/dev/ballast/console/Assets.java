package dev.ballast.console;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The console's static files, read once from the class path: its style sheet and htmx (from the htmx WebJar, so the
 * browser loads nothing from elsewhere). Revalidated by ETag.
 */
final class Assets {
    private record Asset(byte[] bytes, String type, String etag) {}

    private static final Map<String, Asset> ASSETS = Map.of(
            "console.css",
            load("console/console.css", "text/css; charset=utf-8"),
            Page.HTMX,
            load("META-INF/resources/webjars/htmx.org/2.0.4/dist/htmx.min.js", "text/javascript; charset=utf-8"));

    private Assets() {}

    static void register(HttpRules rules) {
        rules.get("/assets/{name}", (req, res) -> {
            Routes.headers(res);
            Asset a = ASSETS.get(req.path().pathParameters().get("name"));
            if (a == null) {
                res.status(Status.NOT_FOUND_404).send();
                return;
            }
            res.header(HeaderNames.ETAG, a.etag());
            res.header(HeaderNames.CACHE_CONTROL, "no-cache");
            if (a.etag().equals(req.headers().first(HeaderNames.IF_NONE_MATCH).orElse(null))) {
                res.status(Status.NOT_MODIFIED_304).send();
                return;
            }
            res.header(HeaderNames.CONTENT_TYPE, a.type());
            res.send(a.bytes());
        });
    }

    /** The size of an asset in bytes (the benchmark reports page weight). */
    static int size(String name) {
        return ASSETS.get(name).bytes().length;
    }

    private static Asset load(String resource, String type) {
        try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the console's asset " + resource + " is not on the class path");
            }
            byte[] bytes = in.readAllBytes();
            Html h = new Html();
            h.text(new String(bytes, StandardCharsets.ISO_8859_1));
            return new Asset(bytes, type, Live.etag(h));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
