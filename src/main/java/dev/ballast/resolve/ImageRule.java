package dev.ballast.resolve;

import dev.ballast.model.Mode;
import java.util.Objects;

/**
 * One image rule of a cluster or the account: a pattern and the mode it gives matching containers.
 *
 * @param pattern what images it applies to
 * @param mode the mode it decides
 * @param modeText the mode as it was written ({@code enabled} and {@code consistent} both mean consistent)
 */
public record ImageRule(ImagePattern pattern, Mode mode, String modeText) {
    public ImageRule {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(modeText, "modeText");
    }

    /**
     * A rule from its written parts.
     *
     * @throws IllegalArgumentException naming the bad pattern or mode and what is accepted
     */
    public static ImageRule of(String pattern, String mode) {
        Mode m = Mode.of(mode)
                .orElseThrow(() -> new IllegalArgumentException("invalid image rule mode \"" + mode
                        + "\": accepted modes are " + String.join(", ", Mode.VALUES)));
        return new ImageRule(new ImagePattern(pattern), m, mode);
    }
}
