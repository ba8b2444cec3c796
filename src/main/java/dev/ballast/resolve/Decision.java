package dev.ballast.resolve;

import dev.ballast.model.Layer;
import dev.ballast.model.Mode;
import java.util.Objects;

/**
 * What the policy decided for one container: the mode, the layer that decided it, for rule and catalog
 * layers the pattern that matched (null otherwise), and a note when the decision needs one more sentence
 * (an image recognised as a mirror of a catalog entry; a cluster setting {@code disabled} that un-pins a
 * container a lower layer would have resolved), else null.
 */
public record Decision(Mode mode, Layer layer, String rule, String note) {
    public Decision {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(layer, "layer");
    }

    /** A decision that needs no note. */
    public Decision(Mode mode, Layer layer, String rule) {
        this(mode, layer, rule, null);
    }

    /** {@code consistent, decided by container} or {@code disabled, decided by cluster-rule '*}/x:*'}. */
    public String describe() {
        return mode.wire() + ", decided by " + layer.wire() + (rule == null ? "" : " '" + rule + "'");
    }
}
