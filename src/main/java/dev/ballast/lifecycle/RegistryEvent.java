package dev.ballast.lifecycle;

import dev.ballast.image.ImageReference;
import dev.ballast.image.InvalidReferenceException;
import java.util.Objects;

/**
 * One event a registry reported (a CNCF distribution notification's event or one resource of a Harbor webhook),
 * reduced to what the image lifecycle uses. {@code registry} and {@code repository} are canonical as in image
 * references ({@link #of} makes them so); both are null when the event did not name them or they do not form an image
 * reference with its tag (the event is then counted invalid). {@code tag} is null when the event names none (a push by digest, a manifest deleted by
 * digest); {@code digest} is null for a tag's deletion; {@code mediaType} may be null (Harbor does not send it).
 *
 * @param manifest whether the event is about a manifest or index (a layer or config blob is not)
 */
public record RegistryEvent(
        Kind kind, String registry, String repository, String tag, String digest, String mediaType, boolean manifest) {
    public RegistryEvent {
        Objects.requireNonNull(kind, "kind");
    }

    /**
     * An event about {@code host/repository[:tag]} as the registry named them: the names are canonicalised as image
     * references are (Docker Hub's aliases become {@code docker.io}, its official images gain {@code library/}); when
     * they are missing, do not form a reference, or the host would not be read as a registry in a task definition's
     * image either, the event's registry and repository are null (invalid). A tag that is a digest (Harbor names an
     * artifact pushed by digest so) is no tag.
     */
    public static RegistryEvent of(
            Kind kind, String host, String repository, String tag, String digest, String mediaType, boolean manifest) {
        String t = tag == null || tag.isEmpty() || tag.indexOf(':') >= 0 ? null : tag;
        if (host == null || host.isEmpty() || repository == null || repository.isEmpty()) {
            return new RegistryEvent(kind, null, null, t, digest, mediaType, manifest);
        }
        try {
            ImageReference ref =
                    ImageReference.parse(host + "/" + repository + ":" + (t == null ? ImageReference.DEFAULT_TAG : t));
            boolean sameHost = ref.registry().equals(host)
                    || (ref.registry().equals(ImageReference.DOCKER_HUB) && ImageReference.isDockerHubHost(host));
            return sameHost
                    ? new RegistryEvent(kind, ref.registry(), ref.repository(), t, digest, mediaType, manifest)
                    : new RegistryEvent(kind, null, null, t, digest, mediaType, manifest);
        } catch (InvalidReferenceException e) {
            return new RegistryEvent(kind, null, null, t, digest, mediaType, manifest);
        }
    }

    /** Whether {@code host} ({@code host[:port]}) is read as a registry in an image reference such as {@code host/a:b}. */
    public static boolean isRegistryHost(String host) {
        return of(Kind.UNKNOWN, host, "a", null, null, null, false).registry() != null;
    }

    /** What happened; the lower-case names are the {@code kind} label of the notifications metric. */
    public enum Kind {
        /** Content was pushed (distribution {@code push}, Harbor {@code PUSH_ARTIFACT}). */
        PUSH("push"),
        /** A manifest, blob or tag was deleted (distribution {@code delete}, Harbor {@code DELETE_ARTIFACT}). */
        DELETE("delete"),
        /** Content was pulled: nothing changed. */
        PULL("pull"),
        /** A blob was mounted from another repository: nothing a service runs changed. */
        MOUNT("mount"),
        /** An event type Ballast does not know (counted, ignored). */
        UNKNOWN("unknown");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The metric label. */
        public String label() {
            return label;
        }
    }
}
