package dev.ballast.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.image.Digest;
import dev.ballast.image.ImageReference;
import dev.ballast.image.MediaTypes;
import dev.ballast.registry.RegistryException.Kind;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Manifest operations of the OCI distribution spec ("Pulling manifests", "Checking if content exists",
 * "Pushing manifests", "Deleting manifests"), above the authentication layer.
 */
final class ManifestOperations {

    static final String ACCEPT = String.join(", ", MediaTypes.MANIFESTS);
    static final String DIGEST_HEADER = "Docker-Content-Digest";

    private final Authenticator auth;
    private final ObjectMapper json;

    ManifestOperations(Authenticator auth, ObjectMapper json) {
        this.auth = auth;
        this.json = json;
    }

    static String scope(ImageReference ref, String actions) {
        return "repository:" + ref.repository() + ":" + actions;
    }

    static String manifestPath(ImageReference ref, String tagOrDigest) {
        return "/v2/" + ref.repository() + "/manifests/" + tagOrDigest;
    }

    private static String target(ImageReference ref) {
        return ref.digest().map(Digest::toString).orElseGet(() -> ref.tag().orElseThrow());
    }

    /**
     * HEAD with all four manifest types accepted and {@code Docker-Content-Digest} required; GET and
     * hash the body when HEAD answers without the header, 404 (to read the registry's error) or another 4xx.
     * A digest in the reference is checked against the answer, never trusted.
     */
    Resolution resolve(ImageReference ref) {
        String action = "resolve " + ref;
        HttpResponse<byte[]> head = auth.send(
                action,
                ref.registry(),
                scope(ref, "pull"),
                Request.of("HEAD", manifestPath(ref, target(ref)), Map.of("Accept", ACCEPT)));
        int status = head.statusCode();
        if (status == 200) {
            Optional<String> claimed = head.headers().firstValue(DIGEST_HEADER);
            Optional<String> type = head.headers().firstValue("Content-Type").map(ManifestOperations::bareType);
            if (claimed.isPresent() && type.filter(MediaTypes::isManifestType).isPresent()) {
                Digest digest = parseDigest(action, claimed.get());
                ref.digest().filter(d -> !d.equals(digest)).ifPresent(d -> {
                    throw RegistryException.of(
                            Kind.INVALID,
                            action + ": registry answered digest " + digest + " for a request by digest " + d);
                });
                List<Platform> platforms = MediaTypes.isIndex(type.get())
                        ? platforms(action, fetch(action, ref.withDigest(digest)))
                        : List.of();
                return new Resolution(ref, digest, type.get(), platforms);
            }
        } else if (status == 401 || status == 403 || status == 429 || status >= 500) {
            throw RegistryErrors.failure(action, head, json);
        }
        Manifest manifest = fetch(action, ref);
        return new Resolution(ref, manifest.digest(), manifest.mediaType(), platforms(action, manifest));
    }

    /**
     * HEAD of a tag only, sent once ({@link Request#once()}: a 429 ends it as RATE_LIMITED at once), with
     * {@code If-None-Match} when {@code previous} has an ETag. 304 confirms {@code previous}; 200 must carry
     * {@code Docker-Content-Digest} and a manifest media type, else the answer is INVALID (no GET follows); 404
     * is NOT_FOUND (a HEAD answer has no body, so the registry's code is not known).
     */
    TagHead head(ImageReference ref, TagHead previous) {
        String action = "head " + ref;
        if (ref.tag().isEmpty() || ref.digest().isPresent()) {
            throw new IllegalArgumentException(action + ": needs a tag and no digest");
        }
        Map<String, String> headers = previous != null && previous.etag() != null
                ? Map.of("Accept", ACCEPT, "If-None-Match", previous.etag())
                : Map.of("Accept", ACCEPT);
        HttpResponse<byte[]> head = auth.send(
                action,
                ref.registry(),
                scope(ref, "pull"),
                Request.of("HEAD", manifestPath(ref, ref.tag().orElseThrow()), headers)
                        .once());
        int status = head.statusCode();
        Optional<String> etag = head.headers().firstValue("ETag");
        if (status == 304 && previous != null) {
            return new TagHead(previous.digest(), previous.mediaType(), etag.orElse(previous.etag()), true);
        }
        if (status != 200) {
            throw RegistryErrors.failure(action, head, json);
        }
        String claimed = head.headers()
                .firstValue(DIGEST_HEADER)
                .orElseThrow(() -> RegistryException.of(
                        Kind.INVALID, action + ": registry answered 200 without " + DIGEST_HEADER));
        String type = head.headers()
                .firstValue("Content-Type")
                .map(ManifestOperations::bareType)
                .filter(MediaTypes::isManifestType)
                .orElseThrow(() -> RegistryException.of(
                        Kind.INVALID, action + ": registry answered 200 without a manifest media type"));
        return new TagHead(parseDigest(action, claimed), type, etag.orElse(null), false);
    }

    /** GET of a manifest or index, verified against the reference's digest and the registry's claimed digest. */
    Manifest get(ImageReference ref) {
        return fetch("get manifest " + ref, ref);
    }

    private Manifest fetch(String action, ImageReference ref) {
        HttpResponse<byte[]> response = auth.send(
                action,
                ref.registry(),
                scope(ref, "pull"),
                Request.of("GET", manifestPath(ref, target(ref)), Map.of("Accept", ACCEPT)));
        if (response.statusCode() != 200) {
            throw RegistryErrors.failure(action, response, json);
        }
        byte[] body = response.body();
        Digest computed = ref.digest().map(d -> d.recompute(body)).orElseGet(() -> Digest.sha256(body));
        ref.digest().filter(d -> !d.equals(computed)).ifPresent(d -> {
            throw RegistryException.of(
                    Kind.INVALID, action + ": manifest body hashes to " + computed + ", not to the requested " + d);
        });
        Optional<String> claimed = response.headers().firstValue(DIGEST_HEADER);
        if (claimed.isPresent()) {
            Digest c = parseDigest(action, claimed.get());
            if (!c.recompute(body).equals(c)) {
                throw RegistryException.of(
                        Kind.INVALID,
                        action + ": registry claimed digest " + c + " but the manifest body hashes to "
                                + c.recompute(body));
            }
        }
        String type = response.headers()
                .firstValue("Content-Type")
                .map(ManifestOperations::bareType)
                .filter(MediaTypes::isManifestType)
                .orElseGet(() -> bodyType(body));
        if (!MediaTypes.isManifestType(type)) {
            throw RegistryException.of(Kind.INVALID, action + ": unsupported manifest media type \"" + type + "\"");
        }
        return new Manifest(computed, type, body);
    }

    /** PUT of a manifest under a tag or its digest; returns its digest. */
    Digest put(ImageReference ref, String mediaType, byte[] content) {
        String action = "push manifest " + ref;
        HttpResponse<byte[]> response = auth.send(
                action,
                ref.registry(),
                scope(ref, "pull,push"),
                new Request("PUT", manifestPath(ref, target(ref)), Map.of("Content-Type", mediaType), content));
        if (response.statusCode() != 201 && response.statusCode() != 200) {
            throw RegistryErrors.failure(action, response, json);
        }
        return Digest.sha256(content);
    }

    /** DELETE by digest (the registry must allow deletes). */
    void delete(ImageReference ref) {
        String action = "delete manifest " + ref;
        Digest digest = ref.digest().orElseThrow(() -> new IllegalArgumentException(action + ": needs a digest"));
        HttpResponse<byte[]> response = auth.send(
                action,
                ref.registry(),
                scope(ref, "delete"),
                Request.of("DELETE", manifestPath(ref, digest.toString()), Map.of()));
        if (response.statusCode() != 202 && response.statusCode() != 200) {
            throw RegistryErrors.failure(action, response, json);
        }
    }

    /** The {@code manifests[]} of an index or manifest list, with their platforms; empty for a manifest. */
    List<Platform> platforms(String action, Manifest manifest) {
        if (!MediaTypes.isIndex(manifest.mediaType())) {
            return List.of();
        }
        try {
            List<Platform> out = new ArrayList<>();
            for (JsonNode m : json.readTree(manifest.content()).path("manifests")) {
                JsonNode p = m.path("platform");
                out.add(new Platform(
                        p.path("os").asText(""),
                        p.path("architecture").asText(""),
                        p.path("variant").asText(""),
                        parseDigest(action, m.path("digest").asText("")),
                        m.path("mediaType").asText("")));
            }
            return out;
        } catch (IOException e) {
            throw new RegistryException(
                    Kind.INVALID, action + ": index " + manifest.digest() + " is not valid JSON", 0, null, null, e);
        }
    }

    private String bodyType(byte[] body) {
        try {
            return json.readTree(body).path("mediaType").asText("");
        } catch (IOException e) {
            return "";
        }
    }

    private static Digest parseDigest(String action, String text) {
        try {
            return Digest.parse(text.trim());
        } catch (IllegalArgumentException e) {
            throw new RegistryException(Kind.INVALID, action + ": registry sent " + e.getMessage(), 0, null, null, e);
        }
    }

    private static String bareType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
    }
}
