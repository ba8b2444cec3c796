package dev.ballast.lifecycle;

import dev.ballast.image.ImageReference;
import dev.ballast.model.ContainerResolution;
import dev.ballast.model.HoldingRole;
import dev.ballast.model.TagKey;
import java.util.Objects;

/**
 * One container of one deployment that holds an image: the service, the deployment and why it holds it
 * ({@code role}), the revision whose resolution record says so, the container's record, its image as written
 * ({@code image}, parsed), the tag it names ({@code tag}, null when the image names only a digest) and the digest
 * the deployment launches from ({@code digest}: pinned or verified; null for {@code disabled}, fallback or
 * unresolved containers, which launch from the tag).
 */
public record Holding(
        String serviceArn,
        String serviceName,
        String clusterArn,
        String deploymentId,
        HoldingRole role,
        String revisionArn,
        ContainerResolution container,
        ImageReference image,
        TagKey tag,
        String digest) {
    public Holding {
        Objects.requireNonNull(serviceArn, "serviceArn");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(container);
        Objects.requireNonNull(image, "image");
    }

    /** Whether the deployment launches this container from a digest (so the digest must stay in the registry). */
    public boolean pinned() {
        return digest != null;
    }

    /** {@code registry/repository@digest} for a pinned holding, else null. */
    public String pinnedReference() {
        return digest == null ? null : image.registry() + "/" + image.repository() + "@" + digest;
    }
}
