package dev.ballast.image;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A content digest {@code algorithm:encoded} as defined by the OCI image specification,
 * "Digests" (descriptor.md#digests). Only the registered algorithms {@code sha256} (64 lowercase
 * hex characters) and {@code sha512} (128) are accepted, so an instance that exists can be compared
 * byte for byte with a digest computed locally.
 *
 * @param algorithm registered algorithm identifier, {@code sha256} or {@code sha512}
 * @param hex lowercase hexadecimal encoding of the hash
 */
public record Digest(String algorithm, String hex) {

    /** Algorithm identifier for SHA-256, the one registries use for manifests and blobs. */
    public static final String SHA256 = "sha256";
    /** Algorithm identifier for SHA-512. */
    public static final String SHA512 = "sha512";

    public Digest {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(hex, "hex");
        int expected = switch (algorithm) {
            case SHA256 -> 64;
            case SHA512 -> 128;
            default ->
                throw new IllegalArgumentException("invalid digest \"" + algorithm + ":" + hex
                        + "\": unsupported algorithm \"" + algorithm + "\"");
        };
        if (hex.length() != expected) {
            throw new IllegalArgumentException("invalid digest \"" + algorithm + ":" + hex + "\": " + algorithm
                    + " needs " + expected + " hex characters, got " + hex.length());
        }
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                throw new IllegalArgumentException("invalid digest \"" + algorithm + ":" + hex
                        + "\": encoded part must be lowercase hex, found '" + c + "'");
            }
        }
    }

    /**
     * Parses {@code algorithm:hex}.
     *
     * @throws IllegalArgumentException naming the input and what is wrong with it
     */
    public static Digest parse(String text) {
        Objects.requireNonNull(text, "digest");
        int colon = text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("invalid digest \"" + text + "\": expected algorithm:hex");
        }
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    /** The SHA-256 digest of {@code content}. */
    public static Digest sha256(byte[] content) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(content);
            return new Digest(SHA256, HexFormat.of().formatHex(hash));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK provides no SHA-256", e);
        }
    }

    /** The digest of {@code content} computed with this digest's algorithm. */
    public Digest recompute(byte[] content) {
        if (algorithm.equals(SHA256)) {
            return sha256(content);
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-512").digest(content);
            return new Digest(SHA512, HexFormat.of().formatHex(hash));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK provides no SHA-512", e);
        }
    }

    /** True when {@code content} hashes to this digest. */
    public boolean matches(byte[] content) {
        return recompute(content).equals(this);
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }
}
