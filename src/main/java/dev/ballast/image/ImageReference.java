package dev.ballast.image;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A normalised image reference {@code registry/repository[:tag][@digest]}, following the Docker
 * reference grammar (distribution {@code reference/reference.go}) and Docker Hub's normalisation.
 *
 * <p>{@link #parse(String)} holds all normalisation: the Docker Hub aliases {@code docker.io},
 * {@code index.docker.io} and {@code registry-1.docker.io} become {@value #DOCKER_HUB}; a Docker
 * Hub name with one path component gets {@code library/}; a reference with neither tag nor digest
 * gets tag {@code latest}. The input is kept as {@link #original()}; equality and {@link #toString()}
 * use the canonical form, so {@code parse(r.toString()).equals(r)}.
 *
 * @param registry registry host with optional port, e.g. {@code 127.0.0.1:5000}
 * @param repository repository path without the registry, e.g. {@code library/busybox}
 * @param tag tag, if the reference names one
 * @param digest digest, if the reference pins one
 * @param original the string this reference was parsed from (the canonical string when built directly)
 */
public record ImageReference(
        String registry, String repository, Optional<String> tag, Optional<Digest> digest, String original) {

    /** Canonical host name of Docker Hub in references. */
    public static final String DOCKER_HUB = "docker.io";
    /** Tag implied by a reference that names neither tag nor digest. */
    public static final String DEFAULT_TAG = "latest";

    private static final Set<String> DOCKER_HUB_ALIASES = Set.of(DOCKER_HUB, "index.docker.io", "registry-1.docker.io");

    /** True for Docker Hub's own host names ({@value #DOCKER_HUB} and its aliases), which {@link #parse} normalises. */
    public static boolean isDockerHubHost(String host) {
        return DOCKER_HUB_ALIASES.contains(host);
    }

    public ImageReference {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(original, "original");
        String shown = original.isEmpty() ? canonical(registry, repository, tag, digest) : original;
        String error = ReferenceGrammar.checkRegistry(registry);
        if (error == null) {
            error = ReferenceGrammar.checkRepository(repository);
        }
        if (error == null && tag.isPresent()) {
            error = ReferenceGrammar.checkTag(tag.get());
        }
        if (error == null && tag.isEmpty() && digest.isEmpty()) {
            error = "needs a tag or a digest";
        }
        if (error == null && !registry.equals(DOCKER_HUB) && DOCKER_HUB_ALIASES.contains(registry)) {
            error = "Docker Hub must be named " + DOCKER_HUB;
        }
        if (error == null && registry.equals(DOCKER_HUB) && repository.indexOf('/') < 0) {
            error = "Docker Hub repositories need a namespace (library/" + repository + ")";
        }
        if (error == null && registry.length() + 1 + repository.length() > ReferenceGrammar.NAME_MAX) {
            error = "name must be at most " + ReferenceGrammar.NAME_MAX + " characters";
        }
        if (error != null) {
            throw new InvalidReferenceException(shown, error);
        }
        if (original.isEmpty()) {
            original = shown;
        }
    }

    /** A reference built from parts; its original string is its canonical string. */
    public static ImageReference of(String registry, String repository, String tag, Digest digest) {
        return new ImageReference(registry, repository, Optional.ofNullable(tag), Optional.ofNullable(digest), "");
    }

    /**
     * Parses and normalises a reference such as {@code busybox}, {@code 127.0.0.1:5000/demo/app:v1}
     * or {@code ghcr.io/o/r:t@sha256:…}.
     *
     * @throws InvalidReferenceException naming the input and what is wrong with it
     */
    public static ImageReference parse(String text) {
        Objects.requireNonNull(text, "reference");
        if (text.isEmpty()) {
            throw new InvalidReferenceException(text, "reference is empty");
        }
        String rest = text;
        Optional<Digest> digest = Optional.empty();
        int at = rest.indexOf('@');
        if (at >= 0) {
            String digestText = rest.substring(at + 1);
            rest = rest.substring(0, at);
            try {
                digest = Optional.of(Digest.parse(digestText));
            } catch (IllegalArgumentException e) {
                throw new InvalidReferenceException(text, e.getMessage());
            }
        }
        String registry = DOCKER_HUB;
        int slash = rest.indexOf('/');
        if (slash >= 0 && ReferenceGrammar.looksLikeRegistry(rest.substring(0, slash))) {
            registry = rest.substring(0, slash);
            rest = rest.substring(slash + 1);
        }
        Optional<String> tag = Optional.empty();
        int colon = rest.lastIndexOf(':');
        if (colon >= 0 && colon > rest.lastIndexOf('/')) {
            tag = Optional.of(rest.substring(colon + 1));
            rest = rest.substring(0, colon);
        }
        String error = registry.equals(DOCKER_HUB) ? null : ReferenceGrammar.checkRegistry(registry);
        if (error == null) {
            error = ReferenceGrammar.checkRepository(rest);
        }
        if (error == null && tag.isPresent()) {
            error = ReferenceGrammar.checkTag(tag.get());
        }
        if (error == null && slash < 0 && ReferenceGrammar.isImageId(rest)) {
            error = "a 64-character hex string is an image id, not a repository name";
        }
        if (error == null && registry.length() + 1 + rest.length() > ReferenceGrammar.NAME_MAX) {
            error = "name must be at most " + ReferenceGrammar.NAME_MAX + " characters";
        }
        if (error != null) {
            throw new InvalidReferenceException(text, error);
        }
        if (DOCKER_HUB_ALIASES.contains(registry)) {
            registry = DOCKER_HUB;
            if (rest.indexOf('/') < 0) {
                rest = "library/" + rest;
            }
        }
        if (tag.isEmpty() && digest.isEmpty()) {
            tag = Optional.of(DEFAULT_TAG);
        }
        return new ImageReference(registry, rest, tag, digest, text);
    }

    /** {@code registry/repository}, the name without tag and digest. */
    public String name() {
        return registry + "/" + repository;
    }

    /** The canonical string {@code registry/repository[:tag][@digest]}. */
    public String canonical() {
        return canonical(registry, repository, tag, digest);
    }

    /** This reference pinned to {@code newDigest}, keeping its tag: {@code repo:tag@sha256:…}. */
    public ImageReference withDigest(Digest newDigest) {
        return new ImageReference(registry, repository, tag, Optional.of(newDigest), "");
    }

    /** This repository with another tag and no digest. */
    public ImageReference withTag(String newTag) {
        return new ImageReference(registry, repository, Optional.of(newTag), Optional.empty(), "");
    }

    /**
     * True when the registry host is a loopback address ({@code localhost}, {@code 127.0.0.0/8},
     * {@code ::1}); Docker talks plain HTTP to those.
     */
    public boolean isLoopbackRegistry() {
        return isLoopbackHost(registry);
    }

    /** True when {@code hostPort} ({@code host[:port]}) is a loopback address. */
    public static boolean isLoopbackHost(String hostPort) {
        String host = hostOnly(hostPort).toLowerCase(Locale.ROOT);
        if (host.equals("localhost") || host.equals("::1") || host.equals("0:0:0:0:0:0:0:1")) {
            return true;
        }
        String[] octets = host.split("\\.", -1);
        if (octets.length != 4 || !octets[0].equals("127")) {
            return false;
        }
        for (String o : octets) {
            if (o.isEmpty() || o.length() > 3 || !o.chars().allMatch(Character::isDigit) || Integer.parseInt(o) > 255) {
                return false;
            }
        }
        return true;
    }

    /** The host of {@code host[:port]}, without brackets for IPv6. */
    public static String hostOnly(String hostPort) {
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            return close < 0 ? hostPort : hostPort.substring(1, close);
        }
        int colon = hostPort.indexOf(':');
        return colon < 0 ? hostPort : hostPort.substring(0, colon);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageReference other
                && registry.equals(other.registry)
                && repository.equals(other.repository)
                && tag.equals(other.tag)
                && digest.equals(other.digest);
    }

    @Override
    public int hashCode() {
        return Objects.hash(registry, repository, tag, digest);
    }

    @Override
    public String toString() {
        return canonical();
    }

    private static String canonical(String registry, String repository, Optional<String> tag, Optional<Digest> digest) {
        StringBuilder b = new StringBuilder(registry).append('/').append(repository);
        tag.ifPresent(t -> b.append(':').append(t));
        digest.ifPresent(d -> b.append('@').append(d));
        return b.toString();
    }
}
