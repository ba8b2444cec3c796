package dev.ballast.api;

import java.util.Optional;
import java.util.regex.Pattern;

/** Checks an image string against the Docker reference grammar ({@code [host[:port]/]path[:tag][@digest]}). */
final class ImageSyntax {
    private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final String DOMAIN = "(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?";
    private static final String PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final Pattern REFERENCE = Pattern.compile("(?:(" + DOMAIN + ")/)?(" + PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*)"
            + "(?::([\\w][\\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?");
    private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");

    private ImageSyntax() {}

    /** Empty when valid, else what is wrong. */
    static Optional<String> check(String image) {
        if (image.length() > 255 && image.indexOf('@') < 0) {
            return Optional.of("at most 255 characters are allowed");
        }
        if (image.length() > 512) {
            return Optional.of("at most 512 characters are allowed");
        }
        var m = REFERENCE.matcher(image);
        if (!m.matches()) {
            if (!image.equals(image.toLowerCase(java.util.Locale.ROOT)) && REFERENCE.matcher(lowerPath(image)).matches()) {
                return Optional.of("the repository name must be lowercase");
            }
            return Optional.of("it is not a valid image reference ([registry[:port]/]repository[:tag][@sha256:digest])");
        }
        String digest = m.group(4);
        if (digest != null && digest.startsWith("sha256:") && !SHA256.matcher(digest).matches()) {
            return Optional.of("a sha256 digest must be 64 lowercase hexadecimal characters");
        }
        return Optional.empty();
    }

    private static String lowerPath(String image) {
        return image.toLowerCase(java.util.Locale.ROOT);
    }
}
