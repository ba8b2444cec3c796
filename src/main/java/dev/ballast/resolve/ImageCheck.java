package dev.ballast.resolve;

/** What the registry said about one image for an audit ({@link ImageChecks}), or that it was not asked. */
public enum ImageCheck {
    /** Not checked: {@code --offline}, or an image that does not parse. */
    NOT_CHECKED,
    /** The tag or digest exists. */
    PRESENT,
    /** The image names a digest and the registry does not have it (404 {@code MANIFEST_UNKNOWN}). */
    DIGEST_MISSING,
    /** The image names only a tag and the registry does not have it. */
    TAG_MISSING,
    /** The registry did not answer ({@code /v2/} failed: connection, timeout, 5xx). */
    UNREACHABLE,
    /** The registry answered but refused or limited the request (401, 403, 429, not allowed). */
    UNVERIFIED
}
