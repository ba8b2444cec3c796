package dev.ballast.schedule;

import java.util.Optional;
import java.util.Set;

/**
 * The FARGATE platform versions Ballast accepts. Tasks run on the user's own hosts, so a platform version
 * chooses nothing; it is accepted (as ECS's Linux versions) and shown: {@code LATEST} (or none) is
 * {@value #CURRENT} on a task, as ECS shows the concrete version a task runs on.
 */
public final class PlatformVersions {
    /** What {@code LATEST} means. */
    public static final String CURRENT = "1.4.0";
    /** A service's platform version when the request names none. */
    public static final String LATEST = "LATEST";
    /** The platform family every FARGATE task and service shows. */
    public static final String FAMILY = "Linux";

    private static final Set<String> KNOWN = Set.of(LATEST, CURRENT, "1.3.0");

    private PlatformVersions() {}

    /** The concrete version {@code requested} (null: LATEST) means, or empty when it is not a known version. */
    public static Optional<String> concrete(String requested) {
        if (requested == null || requested.equals(LATEST)) {
            return Optional.of(CURRENT);
        }
        return KNOWN.contains(requested) ? Optional.of(requested) : Optional.empty();
    }
}
