package dev.ballast.store;

/**
 * How one container's image was handled for a service revision or a RunTask call: the effective mode,
 * the policy layer that decided it, what the resolver did ({@code resolved}, {@code verified},
 * {@code skipped}, {@code fallback}, {@code pending}, {@code failed}), the digest and the image string
 * tasks launch with ({@code repo:tag@sha256:…} when pinned, the string as written otherwise).
 */
public record ContainerResolution(String containerName, String image, String mode, String decidedBy, String rule,
                                  String resolutionMode, String imageDigest, String launchImage, Long resolvedAt,
                                  String reason) {}
