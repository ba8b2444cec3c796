package dev.ballast.agent.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.PullResponseItem;
import dev.ballast.agent.PullFailedException;
import dev.ballast.agent.PullResult;
import dev.ballast.image.Digest;
import dev.ballast.image.ImageReference;
import dev.ballast.image.InvalidReferenceException;
import dev.ballast.registry.Credential;
import dev.ballast.registry.RegistryClient;
import dev.ballast.registry.RegistryException;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Pulls through the engine, always by digest ({@code images/create?fromImage=repo@sha256:…}, as the ECS agent
 * does for pinned images), then tags the image with its original {@code repo:tag}. A tag is first resolved
 * to its digest through our own registry client, so the digest reported is the one asked for, never one
 * read back from the engine's {@code RepoDigests} (Podman merges those per image id). An image already
 * present by that digest is not pulled again: a digest names immutable content.
 */
final class EngineImages {

    private final DockerClient docker;
    private final RegistryClient registry;
    private final Function<String, Optional<Credential>> credentials;
    private final Duration timeout;

    EngineImages(
            DockerClient docker,
            RegistryClient registry,
            Function<String, Optional<Credential>> credentials,
            Duration timeout) {
        this.docker = docker;
        this.registry = registry;
        this.credentials = credentials;
        this.timeout = timeout;
    }

    PullResult pull(String launchImage, Optional<Credential> explicit) {
        ImageReference ref;
        try {
            ref = ImageReference.parse(launchImage);
        } catch (InvalidReferenceException e) {
            throw new PullFailedException(launchImage, "INVALID", "invalid reference format: " + e.getMessage(), e);
        }
        Digest digest = ref.digest().orElseGet(() -> resolveTag(launchImage, ref, explicit));
        String byDigest = byDigest(ref, digest);
        boolean cached = present(byDigest);
        if (!cached) {
            Optional<Credential> credential = explicit.or(() -> credentials.apply(ref.registry()));
            fetch(launchImage, byDigest, credential);
        }
        ref.tag().ifPresent(tag -> tag(launchImage, byDigest, ref.name(), tag));
        return new PullResult(digest, cached);
    }

    /** {@code registry/repository@digest}: what the engine pulls and what containers are created from. */
    static String byDigest(ImageReference ref, Digest digest) {
        return ref.name() + "@" + digest;
    }

    /** The tag's digest, asked with the container's own credentials when it has them. */
    private Digest resolveTag(String launchImage, ImageReference ref, Optional<Credential> explicit) {
        try {
            return explicit.map(registry::withCredential)
                    .orElse(registry)
                    .resolve(ref)
                    .digest();
        } catch (RegistryException e) {
            throw new PullFailedException(launchImage, e.kind().name(), e.getMessage(), e);
        }
    }

    private boolean present(String image) {
        try {
            docker.inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    private void fetch(String launchImage, String image, Optional<Credential> credential) {
        PullCallback callback = new PullCallback();
        try {
            var cmd = docker.pullImageCmd(image);
            credential.ifPresent(c -> cmd.withAuthConfig(new AuthConfig()
                    .withUsername(c.username())
                    .withPassword(c.password())
                    .withRegistryAddress(ImageReference.parse(image).registry())));
            cmd.exec(callback);
            if (!callback.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                callback.close();
                throw new PullFailedException(
                        launchImage,
                        "TIMEOUT",
                        "the engine did not finish pulling " + image + " within " + timeout.toSeconds() + " s",
                        null);
            }
        } catch (DockerException e) {
            throw failure(launchImage, engineMessage(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PullFailedException(launchImage, "INTERRUPTED", "interrupted while pulling " + image, e);
        } catch (IOException e) {
            throw new PullFailedException(launchImage, "ENGINE", "cannot close the pull stream: " + e.getMessage(), e);
        }
        if (callback.error != null) {
            throw failure(launchImage, callback.error, null);
        }
        if (callback.failure != null) {
            Throwable f = callback.failure;
            throw failure(launchImage, f instanceof DockerException d ? engineMessage(d) : f.toString(), f);
        }
        if (!present(image)) {
            throw failure(launchImage, "the engine reported success but has no image " + image, null);
        }
    }

    private void tag(String launchImage, String image, String repository, String tag) {
        try {
            docker.tagImageCmd(image, repository, tag).withForce(true).exec();
        } catch (DockerException e) {
            throw new PullFailedException(
                    launchImage,
                    "ENGINE",
                    "tag " + image + " as " + repository + ":" + tag + ": " + engineMessage(e),
                    e);
        }
    }

    private static PullFailedException failure(String launchImage, String message, Throwable cause) {
        String m = message.toLowerCase(Locale.ROOT);
        String kind = m.contains("manifest unknown") || m.contains("not found")
                ? "NOT_FOUND"
                : m.contains("unauthorized") || m.contains("authentication required") || m.contains("denied")
                        ? "UNAUTHORIZED"
                        : "ENGINE";
        return new PullFailedException(launchImage, kind, message, cause);
    }

    /** The engine's own message: docker-java puts the JSON error body after the status code. */
    static String engineMessage(DockerException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage().trim();
        int brace = m.indexOf("{\"");
        if (brace >= 0) {
            try {
                JsonNode body = ERRORS.readTree(m.substring(brace));
                if (body.path("message").isTextual()) {
                    return body.path("message").asText().trim() + " (HTTP " + e.getHttpStatus() + ")";
                }
            } catch (IOException notJson) {
                // fall through: the text as docker-java gave it
            }
        }
        return m;
    }

    private static final ObjectMapper ERRORS = new ObjectMapper();

    /** Collects the first error the engine streams while pulling. */
    private static final class PullCallback extends ResultCallback.Adapter<PullResponseItem> {
        volatile String error;
        volatile Throwable failure;

        @Override
        public void onNext(PullResponseItem item) {
            if (error == null && item.isErrorIndicated()) {
                error = item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                        ? item.getErrorDetail().getMessage()
                        : item.getError();
            }
        }

        @Override
        public void onError(Throwable throwable) {
            failure = throwable;
            super.onError(throwable);
        }
    }
}
