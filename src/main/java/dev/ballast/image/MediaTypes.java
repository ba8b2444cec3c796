package dev.ballast.image;

import java.util.List;

/**
 * Manifest and index media types a registry may serve for an image reference: the OCI image spec
 * (manifest.md, image-index.md) and Docker's image manifest V2 schema 2 (manifest and manifest list).
 */
public final class MediaTypes {

    /** OCI image index ({@code image-index.md}). */
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    /** OCI image manifest ({@code manifest.md}). */
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    /** Docker manifest list (image manifest V2, schema 2). */
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    /** Docker image manifest (image manifest V2, schema 2). */
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    /** OCI image configuration. */
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    /** Docker container image configuration. */
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    /** OCI gzip-compressed layer. */
    public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

    /** The four manifest types, in the order a client should list them in {@code Accept}. */
    public static final List<String> MANIFESTS =
            List.of(OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST);

    private MediaTypes() {}

    /** True for the two multi-platform types (OCI index, Docker manifest list). */
    public static boolean isIndex(String mediaType) {
        return OCI_INDEX.equals(mediaType) || DOCKER_MANIFEST_LIST.equals(mediaType);
    }

    /** True for one of the four manifest types. */
    public static boolean isManifestType(String mediaType) {
        return MANIFESTS.contains(mediaType);
    }
}
