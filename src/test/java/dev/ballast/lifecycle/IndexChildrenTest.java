package dev.ballast.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.image.Digest;
import dev.ballast.registry.Platform;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link IndexChildren}: the one recorded map of an index's children and the comparison that ignores attestations. */
class IndexChildrenTest {
    private static final String A = "sha256:" + "a".repeat(64);
    private static final String B = "sha256:" + "b".repeat(64);
    private static final String C = "sha256:" + "c".repeat(64);
    private static final String D = "sha256:" + "d".repeat(64);

    private static Platform platform(String os, String arch, String digest) {
        return new Platform(os, arch, "", Digest.parse(digest), "application/vnd.oci.image.manifest.v1+json");
    }

    @Test
    void repeatedPlatformNamesAreKeptWithASuffix() {
        Map<String, String> recorded = IndexChildren.recorded(List.of(
                platform("linux", "amd64", A), platform("unknown", "unknown", B), platform("unknown", "unknown", C)));

        assertThat(recorded)
                .containsExactly(
                        Map.entry("linux/amd64", A),
                        Map.entry("unknown/unknown", B),
                        Map.entry("unknown/unknown#2", C));
    }

    @Test
    void attestationsDoNotMakeAMoveButARunnablePlatformDoes() {
        Map<String, String> before = Map.of("linux/amd64", A, "unknown/unknown", B);
        assertThat(IndexChildren.platformsUnchanged(
                        before, Map.of("linux/amd64", A, "linux/arm64", D, "unknown/unknown", C)))
                .isTrue();
        assertThat(IndexChildren.platformsUnchanged(before, Map.of("linux/amd64", D, "unknown/unknown", B)))
                .isFalse();
        assertThat(IndexChildren.platformsUnchanged(Map.of("unknown/unknown", B), Map.of("unknown/unknown", B)))
                .as("no runnable platform: nothing is known to be unchanged")
                .isFalse();
    }
}
