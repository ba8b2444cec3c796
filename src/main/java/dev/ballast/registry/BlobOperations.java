package dev.ballast.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.image.Digest;
import dev.ballast.image.ImageReference;
import dev.ballast.registry.RegistryException.Kind;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Blob and tag operations of the OCI distribution spec: "Pulling blobs", "Checking if content exists",
 * monolithic "Pushing blobs" (POST then PUT), and "Listing tags" with {@code Link} pagination (RFC 8288).
 */
final class BlobOperations {

    /** Largest blob read into memory (blobs read here are configs and test content, not layers). */
    static final long MAX_BLOB_BODY = 256L * 1024 * 1024;

    private final Authenticator auth;
    private final ObjectMapper json;

    BlobOperations(Authenticator auth, ObjectMapper json) {
        this.auth = auth;
        this.json = json;
    }

    boolean exists(ImageReference repo, Digest digest) {
        String action = "check blob " + repo.name() + "@" + digest;
        HttpResponse<byte[]> r = auth.send(
                action,
                repo.registry(),
                ManifestOperations.scope(repo, "pull"),
                Request.of("HEAD", "/v2/" + repo.repository() + "/blobs/" + digest, Map.of()));
        if (r.statusCode() == 200) {
            return true;
        }
        if (r.statusCode() == 404) {
            return false;
        }
        throw RegistryErrors.failure(action, r, json);
    }

    byte[] get(ImageReference repo, Digest digest) {
        String action = "get blob " + repo.name() + "@" + digest;
        HttpResponse<byte[]> r = auth.send(
                action,
                repo.registry(),
                ManifestOperations.scope(repo, "pull"),
                Request.of("GET", "/v2/" + repo.repository() + "/blobs/" + digest, Map.of())
                        .limitedTo(MAX_BLOB_BODY));
        if (r.statusCode() != 200) {
            throw RegistryErrors.failure(action, r, json);
        }
        if (!digest.matches(r.body())) {
            throw RegistryException.of(Kind.INVALID, action + ": blob body hashes to " + digest.recompute(r.body()));
        }
        return r.body();
    }

    Digest push(ImageReference repo, byte[] content) {
        Digest digest = Digest.sha256(content);
        if (exists(repo, digest)) {
            return digest;
        }
        String action = "push blob " + repo.name() + "@" + digest;
        String scope = ManifestOperations.scope(repo, "pull,push");
        HttpResponse<byte[]> start = auth.send(
                action,
                repo.registry(),
                scope,
                new Request("POST", "/v2/" + repo.repository() + "/blobs/uploads/", Map.of(), new byte[0]));
        Optional<String> location = start.headers().firstValue("Location");
        if (start.statusCode() != 202 || location.isEmpty()) {
            throw RegistryErrors.failure(action, start, json);
        }
        String put = location.get() + (location.get().contains("?") ? "&" : "?") + "digest="
                + URLEncoder.encode(digest.toString(), StandardCharsets.UTF_8);
        HttpResponse<byte[]> done = auth.send(
                action,
                repo.registry(),
                scope,
                new Request("PUT", put, Map.of("Content-Type", "application/octet-stream"), content));
        if (done.statusCode() != 201) {
            throw RegistryErrors.failure(action, done, json);
        }
        return digest;
    }

    /** All tags, following {@code Link: <…>; rel="next"} pages of at most {@code pageSize}. */
    List<String> tags(ImageReference repo, int pageSize) {
        String action = "list tags " + repo.name();
        List<String> out = new ArrayList<>();
        String next = "/v2/" + repo.repository() + "/tags/list?n=" + pageSize;
        for (int page = 0; next != null; page++) {
            if (page > 10_000) {
                throw RegistryException.of(Kind.INVALID, action + ": more than 10000 pages");
            }
            HttpResponse<byte[]> r = auth.send(
                    action,
                    repo.registry(),
                    ManifestOperations.scope(repo, "pull"),
                    Request.of("GET", next, Map.of("Accept", "application/json")));
            if (r.statusCode() != 200) {
                throw RegistryErrors.failure(action, r, json);
            }
            try {
                for (JsonNode t : json.readTree(r.body()).path("tags")) {
                    out.add(t.asText());
                }
            } catch (IOException e) {
                throw new RegistryException(Kind.INVALID, action + ": unreadable tag list", 200, null, null, e);
            }
            next = r.headers().allValues("Link").stream()
                    .map(BlobOperations::nextLink)
                    .flatMap(Optional::stream)
                    .findFirst()
                    .orElse(null);
        }
        return out;
    }

    /** The target of a {@code rel="next"} link in one {@code Link} header value. */
    static Optional<String> nextLink(String header) {
        for (String link : header.split(",(?=\\s*<)")) {
            int open = link.indexOf('<');
            int close = link.indexOf('>', open + 1);
            if (open < 0 || close < 0) {
                continue;
            }
            String params = link.substring(close + 1).replace(" ", "");
            if (params.contains("rel=\"next\"") || params.contains("rel=next")) {
                return Optional.of(link.substring(open + 1, close));
            }
        }
        return Optional.empty();
    }
}
