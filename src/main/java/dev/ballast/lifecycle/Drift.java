package dev.ballast.lifecycle;

import dev.ballast.image.MediaTypes;
import dev.ballast.model.DriftStatus;
import dev.ballast.model.TagKey;
import dev.ballast.store.TagState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Drift, the pure part: compares, for one container, the digest its deployment recorded, the digest the registry
 * serves for its tag now (the watched {@link TagState}) and the digest each running task reports. For image indexes
 * the comparison is by the child of the tasks' platform, so an index that changed only for other platforms is
 * {@link DriftStatus#INDEX_CHANGED_PLATFORM_UNCHANGED}, not drift of this service's bytes. Which tasks have not
 * converged: those whose digest is not what they should run — the recorded digest for a pinned container, the tag's
 * current digest for a {@code disabled} one (equal platform children count as the same bytes).
 */
public final class Drift {
    /** The platform of tasks whose instance does not say: ECS's and the simulated instances' default. */
    public static final String DEFAULT_PLATFORM = "linux/amd64";

    private Drift() {}

    /** One running task's container: the task, the platform of its instance, the digest it reported (or null). */
    public record TaskImage(String taskArn, String platform, String digest) {
        public TaskImage {
            Objects.requireNonNull(taskArn, "taskArn");
            Objects.requireNonNull(platform, "platform");
        }
    }

    /**
     * What is known of one container: its name and image as written, its tag (null without one), the digest its
     * deployment launches from (null when it launches from the tag), the tag's watched state (null when never seen)
     * and its running tasks.
     */
    public record Input(
            String containerName,
            String image,
            TagKey tag,
            String pinnedDigest,
            TagState registry,
            List<TaskImage> tasks) {
        public Input {
            Objects.requireNonNull(containerName, "containerName");
            tasks = List.copyOf(tasks);
        }
    }

    /**
     * The children of an index by platform ({@code os/architecture[/variant]} → manifest digest), as recorded; an
     * empty map for a digest known to name a single manifest; empty when not known yet.
     */
    @FunctionalInterface
    public interface Children {
        Optional<Map<String, String>> of(String registry, String repository, String digest);
    }

    /** The drift of one container, plus the digests whose children the comparison lacked ({@code unknownIndexes}). */
    public record Outcome(ContainerDrift drift, Set<String> unknownIndexes) {}

    /** Compares what {@code in} says (see the class comment). */
    public static Outcome compute(Input in, Children children) {
        Comparer cmp = new Comparer(in, children);
        String registry = in.registry() == null ? null : in.registry().digest();
        List<String> platforms = platforms(in.tasks());
        DriftStatus status;
        String detail;
        String platformDigest = null;
        Long since = null;
        String reference = in.pinnedDigest();
        if (in.tag() == null) {
            status = DriftStatus.UNTAGGED;
            detail = "the image names no tag to follow";
        } else if (in.registry() == null) {
            status = DriftStatus.UNKNOWN;
            detail = "tag " + in.tag() + " has not been checked yet";
        } else if (registry == null) {
            status = DriftStatus.TAG_MISSING;
            since = in.registry().changedAt();
            detail = "tag " + in.tag() + " no longer exists in its registry (since " + time(since) + ")";
        } else {
            if (reference == null) {
                reference = cmp.odd(registry).orElse(registry); // disabled: what the tasks run, if not the tag's
            }
            Boolean same = cmp.sameBytes(reference, registry, platforms);
            if (same != null && !reference.equals(registry) && platforms.size() == 1) {
                String p = cmp.platformDigest(registry, platforms.getFirst());
                platformDigest = p == null || p.startsWith("absent:") ? null : p;
            }
            if (reference.equals(registry)) {
                status = DriftStatus.IN_SYNC;
                detail = "tag " + in.tag() + " still points to " + registry;
            } else if (same == null) {
                status = DriftStatus.UNKNOWN;
                detail = "tag " + in.tag() + " moved to " + registry + "; the platform images of the index are not"
                        + " known yet";
            } else if (same) {
                status = DriftStatus.INDEX_CHANGED_PLATFORM_UNCHANGED;
                since = in.registry().changedAt();
                detail = "index changed, platform unchanged: tag " + in.tag() + " points to " + registry
                        + " since " + time(since) + ", whose " + String.join(", ", platforms)
                        + " image is the one the service runs";
            } else {
                status = DriftStatus.MOVED;
                since = in.registry().changedAt();
                detail = "tag " + in.tag() + " moved to " + registry + " at " + time(since) + "; the service runs "
                        + reference;
            }
        }
        String expected = in.pinnedDigest() != null ? in.pinnedDigest() : registry;
        Integer converged = null;
        List<String> unconverged = new ArrayList<>();
        int running = 0;
        for (TaskImage t : in.tasks()) {
            if (t.digest() == null) {
                continue; // not pulled yet: nothing runs
            }
            running++;
            if (expected != null) {
                Boolean same = cmp.sameBytes(t.digest(), expected, List.of(t.platform()));
                if (same == null || !same) {
                    unconverged.add(t.taskArn());
                }
            }
        }
        if (expected != null) {
            converged = running - unconverged.size();
        }
        ContainerDrift drift = new ContainerDrift(
                in.containerName(),
                in.image(),
                in.tag(),
                in.pinnedDigest(),
                registry,
                since,
                platforms,
                platformDigest,
                running,
                converged,
                unconverged,
                status,
                detail);
        return new Outcome(drift, cmp.unknown);
    }

    /** The platforms the tasks run on, in first-seen order; {@link #DEFAULT_PLATFORM} when no task runs. */
    static List<String> platforms(List<TaskImage> tasks) {
        Set<String> out = new LinkedHashSet<>();
        tasks.forEach(t -> out.add(t.platform()));
        return out.isEmpty() ? List.of(DEFAULT_PLATFORM) : List.copyOf(out);
    }

    /**
     * The platform ECS instance attributes name ({@code ecs.os-type}, {@code ecs.cpu-architecture}: {@code x86_64}
     * is the OCI {@code amd64}, {@code aarch64} is {@code arm64}); {@link #DEFAULT_PLATFORM} when they do not say.
     */
    public static String platform(Map<String, String> attributes) {
        String os = attributes.getOrDefault("ecs.os-type", "linux");
        String arch = attributes.getOrDefault("ecs.cpu-architecture", "amd64");
        arch = switch (arch) {
            case "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> arch;
        };
        return os.toLowerCase(Locale.ROOT) + "/" + arch;
    }

    /** The manifest of {@code platform} in an index's children: exact, else the same os/architecture. */
    static String child(Map<String, String> children, String platform) {
        String exact = children.get(platform);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<String, String> e : children.entrySet()) {
            if (e.getKey().startsWith(platform + "/")) {
                return e.getValue();
            }
        }
        return null;
    }

    private static String time(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }

    /** Digest comparisons of one container, remembering which index children it lacked. */
    private static final class Comparer {
        private final Input in;
        private final Children children;
        final Set<String> unknown = new LinkedHashSet<>();

        Comparer(Input in, Children children) {
            this.in = in;
            this.children = children;
        }

        /** A digest a running task reports other than {@code digest}, if any (the first in task order). */
        Optional<String> odd(String digest) {
            return in.tasks().stream()
                    .map(TaskImage::digest)
                    .filter(d -> d != null && !d.equals(digest))
                    .findFirst();
        }

        /**
         * Whether {@code a} and {@code b} give the same image on every one of {@code platforms}: true when equal or
         * when their children for those platforms are the same manifests, false when not, null when unknown.
         */
        Boolean sameBytes(String a, String b, List<String> platforms) {
            if (a.equals(b)) {
                return true;
            }
            for (String p : platforms) {
                String pa = platformDigest(a, p);
                String pb = platformDigest(b, p);
                if (a.equals(pa) && pb == null || b.equals(pb) && pa == null) {
                    return false; // a single manifest against another digest: other bytes, whatever that one is
                }
                if (pa == null || pb == null) {
                    return null;
                }
                if (!pa.equals(pb)) {
                    return false;
                }
            }
            return true;
        }

        /**
         * The manifest {@code digest} gives on {@code platform}: itself for a single manifest, a marker unequal to any
         * digest when the index has none for the platform; null when unknown.
         */
        String platformDigest(String digest, String platform) {
            if (in.tag() == null) {
                return null;
            }
            if (in.registry() != null
                    && digest.equals(in.registry().digest())
                    && in.registry().mediaType() != null
                    && !MediaTypes.isIndex(in.registry().mediaType())) {
                return digest;
            }
            Optional<Map<String, String>> known =
                    children.of(in.tag().registry(), in.tag().repository(), digest);
            if (known.isEmpty()) {
                unknown.add(digest);
                return null;
            }
            if (known.get().isEmpty()) {
                return digest;
            }
            String child = child(known.get(), platform);
            return child != null ? child : "absent:" + digest; // the index has no image for the platform
        }
    }
}
