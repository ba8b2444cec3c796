package dev.ballast.api;

import dev.ballast.image.ImageReference;
import dev.ballast.image.InvalidReferenceException;
import java.util.Optional;

/** Checks an image string of a container definition with the Docker reference grammar of {@link ImageReference}. */
final class ImageSyntax {
    private ImageSyntax() {}

    /** Empty when valid, else what is wrong. */
    static Optional<String> check(String image) {
        if (image.length() > 255 && image.indexOf('@') < 0) {
            return Optional.of("at most 255 characters are allowed");
        }
        try {
            ImageReference.parse(image);
            return Optional.empty();
        } catch (InvalidReferenceException e) {
            return Optional.of(e.reason());
        }
    }
}
