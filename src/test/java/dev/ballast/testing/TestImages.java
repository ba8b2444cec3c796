package dev.ballast.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.image.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test images for a {@link RegistryFixture}, built without Docker: umoci writes an OCI image layout,
 * skopeo copies it to the registry (as OCI, or converted to Docker schema 2 with {@code --format v2s2}).
 * Every image carries {@code /etc/app-version} with the given content, so different contents give
 * different digests; a multi-platform index is written by hand (umoci cannot) for linux/amd64 and
 * linux/arm64. {@link #inspectDigest} asks skopeo, an independent oracle, for a reference's digest.
 */
public final class TestImages {

    /** Manifest format on the registry. */
    public enum Format {
        /** OCI image manifest / OCI image index. */
        OCI,
        /** Docker schema 2 manifest / Docker manifest list. */
        DOCKER
    }

    private final RegistryFixture registry;
    private final Path root;
    private final AtomicInteger counter = new AtomicInteger();
    private final Map<String, String> built = new HashMap<>();

    TestImages(RegistryFixture registry, Path root) {
        this.registry = registry;
        this.root = root;
    }

    /** Pushes a linux/amd64 image whose {@code /etc/app-version} holds {@code content}; returns skopeo's digest. */
    public synchronized Digest push(String repoTag, Format format, String content) {
        Path layout = layout();
        String tag = build(layout, content, "amd64", false);
        return copy(layout, tag, repoTag, format, false);
    }

    /** Moves {@code repoTag} to a new image with {@code newContent}; returns the new digest. */
    public Digest moveTag(String repoTag, Format format, String newContent) {
        return push(repoTag, format, newContent);
    }

    /**
     * Pushes a runnable linux/amd64 busybox image: {@code /bin/sh} and friends, command
     * {@code cat /etc/app-version; sleep 3600} (for runtime tests).
     */
    public synchronized Digest pushRunnable(String repoTag, Format format, String version) {
        Processes.require("busybox");
        Path layout = layout();
        String tag = build(layout, version, "amd64", true);
        return copy(layout, tag, repoTag, format, false);
    }

    /** Pushes an index / manifest list of linux/amd64 and linux/arm64 images with {@code content}. */
    public synchronized Digest pushIndex(String repoTag, Format format, String content) {
        Path layout = layout();
        String amd = build(layout, content + "-amd64", "amd64", false);
        String arm = build(layout, content + "-arm64", "arm64", false);
        String tag = "index-" + counter.incrementAndGet();
        writeIndex(layout, tag, Map.of(amd, "amd64", arm, "arm64"));
        return copy(layout, tag, repoTag, format, true);
    }

    /**
     * Builds (without pushing) a linux image for {@code arch} whose {@code /etc/app-version} holds {@code content};
     * returns its name in the layout, for {@link #pushIndexOf}. The same built image pushed in several indexes keeps
     * its digest, so an index can gain or lose a platform while another platform's image stays byte-identical.
     */
    public synchronized String buildPlatform(String content, String arch) {
        String tag = build(layout(), content, arch, false);
        built.put(tag, arch);
        return tag;
    }

    /** Pushes an index / manifest list of images made by {@link #buildPlatform}; returns its digest. */
    public synchronized Digest pushIndexOf(String repoTag, Format format, List<String> platformImages) {
        Path layout = layout();
        Map<String, String> tagToArch = new TreeMap<>();
        platformImages.forEach(t -> tagToArch.put(t, built.get(t)));
        String tag = "index-" + counter.incrementAndGet();
        writeIndex(layout, tag, tagToArch);
        return copy(layout, tag, repoTag, format, true);
    }

    /** The digest {@code skopeo inspect} reports for {@code repoTagOrDigest} on this registry. */
    public Digest inspectDigest(String repoTagOrDigest) {
        List<String> cmd =
                new ArrayList<>(List.of("skopeo", "inspect", "--tls-verify=false", "--format", "{{.Digest}}"));
        registry.skopeoCredentials().ifPresent(c -> cmd.addAll(List.of("--creds", c)));
        cmd.add("docker://" + registry.host() + "/" + repoTagOrDigest);
        return Digest.parse(Processes.run(Duration.ofSeconds(60), cmd).trim());
    }

    /** Copies {@code from} to {@code to} on this registry as it is (same manifest, so the same digest). */
    public void copy(String from, String to) {
        List<String> cmd =
                new ArrayList<>(List.of("skopeo", "copy", "-q", "--src-tls-verify=false", "--dest-tls-verify=false"));
        registry.skopeoCredentials().ifPresent(c -> cmd.addAll(List.of("--src-creds", c, "--dest-creds", c)));
        cmd.add("docker://" + registry.host() + "/" + from);
        cmd.add("docker://" + registry.host() + "/" + to);
        Processes.run(Duration.ofSeconds(60), cmd);
    }

    /** Deletes the manifest {@code repo@digest} (and so every tag on it) with skopeo. */
    public void delete(String repo, Digest digest) {
        List<String> cmd = new ArrayList<>(List.of("skopeo", "delete", "--tls-verify=false"));
        registry.skopeoCredentials().ifPresent(c -> cmd.addAll(List.of("--creds", c)));
        cmd.add("docker://" + registry.host() + "/" + repo + "@" + digest);
        Processes.run(Duration.ofSeconds(60), cmd);
    }

    private Path layout() {
        Path layout = root.resolve("oci");
        if (!Files.exists(layout.resolve("index.json"))) {
            Processes.run("umoci", "init", "--layout", layout.toString());
        }
        return layout;
    }

    private String build(Path layout, String content, String arch, boolean runnable) {
        String tag = "t" + counter.incrementAndGet();
        String image = layout + ":" + tag;
        Path bundle = root.resolve("bundle-" + tag);
        Processes.run("umoci", "new", "--image", image);
        Processes.run("umoci", "unpack", "--image", image, bundle.toString());
        Path rootfs = bundle.resolve("rootfs");
        try {
            Files.createDirectories(rootfs.resolve("etc"));
            Files.writeString(rootfs.resolve("etc/app-version"), content + "\n", StandardCharsets.UTF_8);
            if (runnable) {
                Files.createDirectories(rootfs.resolve("bin"));
                Files.copy(Processes.require("busybox"), rootfs.resolve("bin/busybox"));
                for (String applet : List.of("sh", "echo", "cat", "sleep")) {
                    Files.createSymbolicLink(rootfs.resolve("bin/" + applet), Path.of("busybox"));
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot prepare rootfs " + rootfs + ": " + e, e);
        }
        Processes.run("umoci", "repack", "--image", image, bundle.toString());
        List<String> config =
                new ArrayList<>(List.of("umoci", "config", "--image", image, "--architecture", arch, "--os", "linux"));
        if (runnable) {
            config.addAll(List.of(
                    "--config.env",
                    "PATH=/bin",
                    "--config.cmd",
                    "/bin/sh",
                    "--config.cmd",
                    "-c",
                    "--config.cmd",
                    "cat /etc/app-version; sleep 3600"));
        }
        Processes.run(Duration.ofSeconds(60), config);
        Processes.deleteTree(bundle);
        return tag;
    }

    /** Adds an OCI index blob for {@code tagToArch} to the layout and names it {@code tag} in index.json. */
    private static void writeIndex(Path layout, String tag, Map<String, String> tagToArch) {
        try {
            String indexJson = Files.readString(layout.resolve("index.json"));
            StringBuilder manifests = new StringBuilder();
            for (Map.Entry<String, String> e : new TreeMap<>(tagToArch).entrySet()) {
                String descriptor = descriptorFor(indexJson, e.getKey());
                if (!manifests.isEmpty()) {
                    manifests.append(',');
                }
                manifests
                        .append(descriptor, 0, descriptor.length() - 1)
                        .append(",\"platform\":{\"architecture\":\"")
                        .append(e.getValue())
                        .append("\",\"os\":\"linux\"}}");
            }
            byte[] blob = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                            + "\"manifests\":[" + manifests + "]}")
                    .getBytes(StandardCharsets.UTF_8);
            String hex = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(blob));
            Files.write(layout.resolve("blobs/sha256/" + hex), blob);
            String entry = "{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"digest\":\"sha256:" + hex
                    + "\",\"size\":" + blob.length + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\""
                    + tag + "\"}}";
            int close = indexJson.lastIndexOf(']');
            Files.writeString(
                    layout.resolve("index.json"),
                    indexJson.substring(0, close) + "," + entry + indexJson.substring(close));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new AssertionError("cannot write an index into " + layout + ": " + e, e);
        }
    }

    /** The descriptor of {@code tag} in index.json, without its annotations. */
    private static String descriptorFor(String indexJson, String tag) {
        var mapper = new ObjectMapper();
        try {
            for (var m : mapper.readTree(indexJson).path("manifests")) {
                if (tag.equals(m.path("annotations")
                        .path("org.opencontainers.image.ref.name")
                        .asText())) {
                    var copy = mapper.createObjectNode();
                    copy.put("mediaType", m.path("mediaType").asText());
                    copy.put("digest", m.path("digest").asText());
                    copy.put("size", m.path("size").asLong());
                    return mapper.writeValueAsString(copy);
                }
            }
        } catch (IOException e) {
            throw new AssertionError("unreadable index.json: " + e, e);
        }
        throw new AssertionError("no manifest tagged " + tag + " in the layout");
    }

    private Digest copy(Path layout, String tag, String repoTag, Format format, boolean all) {
        Path digestFile = root.resolve("digest-" + counter.incrementAndGet());
        List<String> cmd = new ArrayList<>(
                List.of("skopeo", "copy", "-q", "--dest-tls-verify=false", "--digestfile", digestFile.toString()));
        if (all) {
            cmd.add("--all");
        }
        if (format == Format.DOCKER) {
            cmd.addAll(List.of("--format", "v2s2"));
        }
        registry.skopeoCredentials().ifPresent(c -> cmd.addAll(List.of("--dest-creds", c)));
        cmd.add("oci:" + layout + ":" + tag);
        cmd.add("docker://" + registry.host() + "/" + repoTag);
        Processes.run(Duration.ofSeconds(120), cmd);
        try {
            return Digest.parse(Files.readString(digestFile).trim());
        } catch (IOException e) {
            throw new AssertionError("skopeo wrote no digest file: " + e, e);
        }
    }
}
