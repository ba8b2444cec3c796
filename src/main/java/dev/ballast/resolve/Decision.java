package dev.ballast.resolve;

import java.util.Objects;

/**
 * What the policy decided for one container: the mode, the layer that decided it and, for rule and
 * catalog layers, the pattern that matched (null otherwise).
 */
public record Decision(Mode mode, Layer layer, String rule) {
    public Decision {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(layer, "layer");
    }

    /** {@code consistent, decided by container} or {@code disabled, decided by cluster-rule '*}/x:*'}. */
    public String describe() {
        return mode.wire() + ", decided by " + layer.wire() + (rule == null ? "" : " '" + rule + "'");
    }
}
