package dev.ballast.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * A {@link ScriptedServer.Script} that forwards body-less requests to a real server, so that a
 * {@link ScriptedServer} in front of a {@link RegistryFixture} counts what a client really sends. Requests
 * matching {@code hold} wait until {@code release} is true (at most 10 s): a gate that lets a test line up
 * concurrent callers before the registry answers.
 */
public final class ForwardingScript implements ScriptedServer.Script {

    private static final Set<String> HOP = Set.of(
            "connection",
            "content-length",
            "host",
            "expect",
            "upgrade",
            "transfer-encoding",
            "date",
            "keep-alive",
            "http2-settings");

    private final URI target;
    private final Predicate<ScriptedServer.Received> hold;
    private final BooleanSupplier release;
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    public ForwardingScript(URI target, Predicate<ScriptedServer.Received> hold, BooleanSupplier release) {
        this.target = target;
        this.hold = hold;
        this.release = release;
    }

    /** Forwards everything without holding anything. */
    public ForwardingScript(URI target) {
        this(target, r -> false, () -> true);
    }

    @Override
    public ScriptedServer.Reply answer(ScriptedServer.Received request) throws Exception {
        if (hold.test(request)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!release.getAsBoolean() && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(target.resolve(request.target()))
                .method(request.method(), HttpRequest.BodyPublishers.noBody());
        request.headers().forEach((k, values) -> {
            if (!HOP.contains(k.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> b.header(k, v));
            }
        });
        HttpResponse<byte[]> response = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        Map<String, String> headers = new LinkedHashMap<>();
        response.headers().map().forEach((k, values) -> {
            if (!HOP.contains(k.toLowerCase(Locale.ROOT)) && !values.isEmpty()) {
                headers.put(k, String.join(", ", values));
            }
        });
        return new ScriptedServer.Reply(response.statusCode(), headers, response.body());
    }

    /** True for manifest requests ({@code /v2/<name>/manifests/<ref>}). */
    public static boolean isManifest(ScriptedServer.Received r) {
        return List.of(r.path().split("/")).contains("manifests");
    }
}
