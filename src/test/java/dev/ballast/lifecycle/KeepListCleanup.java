package dev.ballast.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A registry clean-up job as users write them, for the pins test: through the distribution API only (catalog, tag
 * lists, manifest GET, DELETE by digest), it deletes every manifest it can see — each tagged manifest or index and
 * the children of each tagged index — whose {@code host/repository@digest} is not in the keep-list.
 */
final class KeepListCleanup {
    private static final String ACCEPT = "application/vnd.oci.image.manifest.v1+json, "
            + "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json, "
            + "application/vnd.docker.distribution.manifest.list.v2+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private KeepListCleanup() {}

    /** Deletes what is not kept; returns the references it deleted, sorted. */
    static List<String> run(URI registry, String host, Set<String> keep) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            Set<String> seen = new TreeSet<>();
            for (JsonNode repo :
                    get(http, registry.resolve("/v2/_catalog?n=1000")).path("repositories")) {
                String repository = repo.asText();
                for (JsonNode tag : get(http, registry.resolve("/v2/" + repository + "/tags/list"))
                        .path("tags")) {
                    HttpResponse<byte[]> m = send(
                            http, manifest(registry, repository, tag.asText()).GET());
                    if (m.statusCode() != 200) {
                        continue;
                    }
                    seen.add(host + "/" + repository + "@"
                            + m.headers().firstValue("Docker-Content-Digest").orElseThrow());
                    for (JsonNode child : JSON.readTree(m.body()).path("manifests")) {
                        seen.add(host + "/" + repository + "@"
                                + child.path("digest").asText());
                    }
                }
            }
            List<String> deleted = new ArrayList<>();
            for (String ref : seen) {
                if (keep.contains(ref)) {
                    continue;
                }
                String repository = ref.substring(host.length() + 1, ref.indexOf('@'));
                String digest = ref.substring(ref.indexOf('@') + 1);
                HttpResponse<byte[]> r =
                        send(http, manifest(registry, repository, digest).DELETE());
                if (r.statusCode() != 202) {
                    throw new IllegalStateException("DELETE " + ref + ": " + r.statusCode());
                }
                deleted.add(ref);
            }
            return deleted;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HttpRequest.Builder manifest(URI registry, String repository, String reference) {
        return HttpRequest.newBuilder(registry.resolve("/v2/" + repository + "/manifests/" + reference))
                .header("Accept", ACCEPT);
    }

    private static JsonNode get(HttpClient http, URI uri) throws IOException {
        HttpResponse<byte[]> r = send(http, HttpRequest.newBuilder(uri).GET());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + uri + ": " + r.statusCode());
        }
        return JSON.readTree(r.body());
    }

    private static HttpResponse<byte[]> send(HttpClient http, HttpRequest.Builder request) throws IOException {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
