package dev.ballast.store;

import dev.ballast.model.TagKey;
import dev.ballast.model.TagSource;
import java.util.Objects;

/**
 * What a watched tag pointed to when last seen: its top-level manifest or index {@code digest} (null when the
 * registry had no such tag), the manifest's media type and the registry's {@code etag} (either may be null), since
 * when it has pointed there ({@code changedAt}), when it was last confirmed ({@code checkedAt}, epoch millis) and
 * who told us ({@code source}).
 */
public record TagState(
        TagKey key, String digest, String mediaType, String etag, long changedAt, long checkedAt, TagSource source) {
    public TagState {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(source, "source");
    }

    /** Whether this state names another digest than {@code other} (a tag that appeared or vanished counts). */
    public boolean movedFrom(TagState other) {
        return !Objects.equals(digest, other.digest);
    }
}
