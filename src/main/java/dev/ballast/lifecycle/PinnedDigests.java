package dev.ballast.lifecycle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The pinned digests services hold, grouped by digest with their holders: the view behind {@code ListPins} (and so
 * {@code ballast pins}) and the console's pinned digests page. Only pinned holdings count ({@link Holding#pinned()}:
 * launched from a digest); the groups are sorted by {@code registry/repository@digest}, the holders keep
 * {@link Holdings#current()}'s order.
 */
public final class PinnedDigests {
    private static final Pattern GLOB_TEXT = Pattern.compile("[a-z0-9._/*\\-]+");

    private PinnedDigests() {}

    /**
     * Which holdings to keep; a null member does not filter.
     *
     * @param registry a canonical registry host[:port] ({@code docker.io} for Docker Hub)
     * @param repository the repository path must match this ({@link #repositoryGlob})
     * @param clusterArn the holding service's cluster
     */
    public record Filter(String registry, Pattern repository, String clusterArn) {
        /** Every pinned holding. */
        public static final Filter ALL = new Filter(null, null, null);

        boolean keeps(Holding h) {
            return (registry == null || registry.equals(h.image().registry()))
                    && (repository == null
                            || repository.matcher(h.image().repository()).matches())
                    && (clusterArn == null || clusterArn.equals(h.clusterArn()));
        }
    }

    /** One pinned digest and the holdings that launch from it. */
    public record Pin(DigestKey key, List<Holding> heldBy) {
        public Pin {
            Objects.requireNonNull(key, "key");
            heldBy = List.copyOf(heldBy);
        }
    }

    /** The pinned ones of {@code holdings} that {@code filter} keeps, by digest. */
    public static List<Pin> group(List<Holding> holdings, Filter filter) {
        Map<String, List<Holding>> byReference = new TreeMap<>();
        Map<String, DigestKey> keys = new TreeMap<>();
        for (Holding h : holdings) {
            if (!h.pinned() || !filter.keeps(h)) {
                continue;
            }
            DigestKey key = DigestKey.of(h);
            keys.putIfAbsent(key.reference(), key);
            byReference.computeIfAbsent(key.reference(), k -> new ArrayList<>()).add(h);
        }
        List<Pin> out = new ArrayList<>();
        byReference.forEach((ref, held) -> out.add(new Pin(keys.get(ref), held)));
        return out;
    }

    /**
     * A repository filter: an exact repository path, or a glob where {@code *} matches any run of characters,
     * {@code /} included.
     *
     * @throws IllegalArgumentException when {@code text} is not a repository path or glob
     */
    public static Pattern repositoryGlob(String text) {
        if (text.isEmpty() || !GLOB_TEXT.matcher(text).matches()) {
            throw new IllegalArgumentException("give a repository path such as team/app, or a glob such as team/*");
        }
        return Pattern.compile(
                Arrays.stream(text.split("\\*", -1)).map(Pattern::quote).collect(Collectors.joining(".*")));
    }
}
