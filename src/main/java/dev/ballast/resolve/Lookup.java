package dev.ballast.resolve;

import dev.ballast.registry.Resolution;

/** What the registry said about one reference in one attempt. */
sealed interface Lookup {
    /** The registry resolved (or, for a digest reference, confirmed) the reference. */
    record Found(Resolution resolution) implements Lookup {}

    /** It could not; {@code reason} is the registry's answer or the connection failure, without the action. */
    record Failed(String reason) implements Lookup {}
}
