package dev.ballast.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Posts registry notifications to a Ballast server's {@code /registry-notifications} with java.net.http, as a
 * registry or Harbor would: any body, any {@code Authorization} value (or none), an optional query.
 */
public final class NotificationPoster {
    private final URI endpoint;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param server the server's base URI ({@code http://127.0.0.1:<port>}) */
    public NotificationPoster(URI server) {
        this.endpoint = server.resolve("/registry-notifications");
    }

    /** The endpoint's URI, with {@code query} ({@code registry=…}) when not null. */
    public URI endpoint(String query) {
        return query == null ? endpoint : URI.create(endpoint + "?" + query);
    }

    /** One answer: status and body. */
    public record Answer(int status, String body) {}

    /** Posts {@code body} with {@code authorization} as the header's value (null: no header). */
    public Answer post(String authorization, String query, String body) {
        return post(authorization, query, body.getBytes(StandardCharsets.UTF_8));
    }

    public Answer post(String authorization, String query, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint(query))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new AssertionError("POST " + endpoint + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** A Harbor webhook in its default format, for one artifact. */
    public static String harbor(String type, String registryHost, String repository, String tag, String digest) {
        int slash = repository.lastIndexOf('/');
        String namespace = slash < 0 ? "library" : repository.substring(0, slash);
        String name = slash < 0 ? repository : repository.substring(slash + 1);
        String reference = tag != null ? ":" + tag : "@" + digest;
        return "{\"type\":\"" + type + "\",\"occur_at\":1765000000,\"operator\":\"admin\",\"event_data\":{"
                + "\"resources\":[{\"digest\":\"" + digest + "\",\"tag\":\"" + (tag != null ? tag : digest)
                + "\",\"resource_url\":\"" + registryHost + "/" + repository + reference + "\"}],"
                + "\"repository\":{\"date_created\":1765000000,\"name\":\"" + name + "\",\"namespace\":\"" + namespace
                + "\",\"repo_full_name\":\"" + repository + "\",\"repo_type\":\"private\"}}}";
    }

    /** A distribution envelope with one manifest event ({@code push} or {@code delete}), as distribution 2.8 sends it. */
    public static String distribution(
            String action, String registryHost, String repository, String tag, String digest) {
        String target = "\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"size\":345,\"digest\":\""
                + digest + "\",\"length\":345,\"repository\":\"" + repository + "\",\"url\":\"http://" + registryHost
                + "/v2/" + repository + "/manifests/" + digest + "\"" + (tag != null ? ",\"tag\":\"" + tag + "\"" : "");
        return "{\"events\":[{\"id\":\"e1\",\"timestamp\":\"2026-12-06T05:26:14.416665878Z\",\"action\":\"" + action
                + "\",\"target\":{" + target + "},\"request\":{\"id\":\"r1\",\"addr\":\"127.0.0.1:50998\",\"host\":\""
                + registryHost + "\",\"method\":\"PUT\",\"useragent\":\"skopeo/1.9.3\"},\"actor\":{},"
                + "\"source\":{\"addr\":\"vm:5000\",\"instanceID\":\"i1\"}}]}";
    }
}
