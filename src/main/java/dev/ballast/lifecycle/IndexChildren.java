package dev.ballast.lifecycle;

import dev.ballast.registry.Platform;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one way an index's children become the map recorded in {@code store.indexPlatforms()} (platform name → child
 * digest), whoever reads the index (tag watcher, pinned-image guard, drift's fetcher), and the one comparison of two
 * such maps.
 */
public final class IndexChildren {
    /** The platform name of attestation manifests (e.g. BuildKit provenance/SBOM): no task runs them. */
    public static final String ATTESTATION = "unknown/unknown";

    private IndexChildren() {}

    /**
     * The children by platform name, sorted; a repeated name (e.g. several attestation manifests) gets a {@code #n}
     * suffix ({@code unknown/unknown#2}) in index order, so no child is dropped.
     */
    public static Map<String, String> recorded(List<Platform> platforms) {
        Map<String, String> children = new TreeMap<>();
        for (Platform p : platforms) {
            String name = p.name();
            for (int n = 2; children.containsKey(name); n++) {
                name = p.name() + "#" + n;
            }
            children.put(name, p.digest().toString());
        }
        return children;
    }

    /**
     * Whether every runnable platform of {@code before} has the same child in {@code after} (e.g. an index that
     * only gained a platform); attestation entries ({@value #ATTESTATION}, with or without a {@code #n} suffix) are
     * ignored on both sides. False when {@code before} has no runnable platform.
     */
    public static boolean platformsUnchanged(Map<String, String> before, Map<String, String> after) {
        boolean any = false;
        for (Map.Entry<String, String> e : before.entrySet()) {
            if (attestation(e.getKey())) {
                continue;
            }
            any = true;
            if (!e.getValue().equals(after.get(e.getKey()))) {
                return false;
            }
        }
        return any;
    }

    /** Whether a recorded name is an attestation manifest's. */
    static boolean attestation(String name) {
        return name.equals(ATTESTATION) || name.startsWith(ATTESTATION + "#");
    }
}
