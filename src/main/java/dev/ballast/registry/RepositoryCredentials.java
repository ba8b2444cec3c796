package dev.ballast.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.core.SecretStore;
import dev.ballast.image.ImageReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ballast's stand-in for the Secrets Manager secrets that ECS's
 * {@code containerDefinitions[].repositoryCredentials.credentialsParameter} names: a JSON file (server and
 * agent option {@code --registry-credentials}) mapping a secret name or ARN to the secret's value,
 * {@code {"username": "…", "password": "…"}} (the shape ECS expects in the secret). See docs/registry.md.
 *
 * <p>A parameter matches an entry with the same key, or with the same secret name: an ARN
 * {@code arn:aws:secretsmanager:<region>:<account>:secret:<name>} matches the entry {@code <name>} and the
 * other way round (ECS accepts the name or the full ARN for a secret in the task's region). Passwords
 * never appear in {@link #toString()}, logs or errors.
 *
 * <p>The same file is the agent's secret store for container {@code secrets} (docs/secrets.md): an entry whose
 * value is a string, or an object without {@code registry}, is a container secret ({@link #secrets()}), never
 * registry credentials; an entry with {@code registry} is registry credentials only, never a container secret.
 */
public final class RepositoryCredentials {

    private static final Pattern SECRET_ARN = Pattern.compile("arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:(.+)");
    private static final RepositoryCredentials NONE = new RepositoryCredentials(Map.of(), null, SecretStore.none());

    /** One secret: its value and the registries (as image references name them) it may be sent to. */
    private record Entry(Credential credential, Set<String> registries) {}

    private final Map<String, Entry> byKey;
    private final Path source;
    private final SecretStore secrets;

    private RepositoryCredentials(Map<String, Entry> byKey, Path source, SecretStore secrets) {
        this.byKey = Map.copyOf(byKey);
        this.source = source;
        this.secrets = secrets;
    }

    /** No file: every {@code credentialsParameter} is unknown. */
    public static RepositoryCredentials none() {
        return NONE;
    }

    /**
     * Reads {@code file}: one JSON object whose members are secret names or ARNs, each registry credentials (an
     * object with non-empty {@code username}, a {@code password} and {@code registry}) or a container secret (a
     * string, or an object without {@code registry}).
     *
     * @throws IllegalArgumentException naming the file and the entry when it cannot be read or has the wrong shape
     */
    public static RepositoryCredentials load(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            // Jackson's message may quote the file's content: say only where it failed.
            throw new IllegalArgumentException("cannot read registry credentials file " + file + ": "
                    + (e instanceof JsonProcessingException j && j.getLocation() != null
                            ? "invalid JSON at line " + j.getLocation().getLineNr()
                            : e.getClass().getSimpleName()));
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("registry credentials file " + file
                    + " must hold a JSON object mapping secret names or ARNs to {\"username\", \"password\"}");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, String> secrets = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isTextual() || v.isObject() && !v.has("registry")) {
                secrets.put(e.getKey(), v.isTextual() ? v.asText() : v.toString());
                continue;
            }
            if (!v.isObject()) {
                throw new IllegalArgumentException("registry credentials file " + file + ": entry \"" + e.getKey()
                        + "\" must be a string or an object (a container secret) or registry credentials"
                        + " {\"username\": \"…\", \"password\": \"…\", \"registry\": \"host[:port]\"}");
            }
            if (!v.path("username").isTextual()
                    || v.path("username").asText().isEmpty()
                    || !v.path("password").isTextual()) {
                throw new IllegalArgumentException(
                        "registry credentials file " + file + ": entry \"" + e.getKey()
                                + "\" must be {\"username\": \"…\", \"password\": \"…\", \"registry\": \"host[:port]\"} with a non-empty username");
            }
            Set<String> registries;
            try {
                registries = registries(v.path("registry"));
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException(
                        "registry credentials file " + file + ": entry \"" + e.getKey() + "\": " + bad.getMessage());
            }
            if (registries.isEmpty()) {
                throw new IllegalArgumentException("registry credentials file " + file + ": entry \"" + e.getKey()
                        + "\" needs \"registry\": the registry host[:port] (or a list of them) these credentials may be "
                        + "sent to, as image references name it (docker.io for Docker Hub)");
            }
            try {
                entries.put(
                        e.getKey(),
                        new Entry(
                                new Credential(
                                        v.get("username").asText(),
                                        v.get("password").asText()),
                                registries));
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException(
                        "registry credentials file " + file + ": entry \"" + e.getKey() + "\": " + bad.getMessage());
            }
        }
        return new RepositoryCredentials(entries, file, new SecretStore(secrets, entries.keySet(), true));
    }

    /** The file's container secrets (entries that are not registry credentials), for the agent. */
    public SecretStore secrets() {
        return secrets;
    }

    /**
     * Why {@code file}'s permissions are unsafe (group or others may read it), or empty when they are fine
     * or the file system has no POSIX permissions.
     */
    public static Optional<String> permissionProblem(Path file) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
                return Optional.of("registry credentials file " + file + " is readable by group or others (mode "
                        + PosixFilePermissions.toString(p) + "); chmod 600 it");
            }
            return Optional.empty();
        } catch (UnsupportedOperationException | IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The credential {@code credentialsParameter} names, if its entry allows {@code registry} (the image's
     * registry, as {@code ImageReference#registry()} gives it); empty otherwise — {@link #problem} says why.
     */
    public Optional<Credential> lookup(String credentialsParameter, String registry) {
        return entry(credentialsParameter)
                .filter(e -> e.registries().contains(registry))
                .map(Entry::credential);
    }

    /**
     * Why {@code credentialsParameter} gives no credential for {@code registry}, naming both (never the
     * secret, nor where the file is: this text reaches API callers); empty when {@link #lookup} finds one.
     */
    public Optional<String> problem(String credentialsParameter, String registry) {
        Optional<Entry> e = entry(credentialsParameter);
        if (e.isEmpty() && secrets.has(credentialsParameter)) {
            return Optional.of("repositoryCredentials.credentialsParameter \"" + credentialsParameter
                    + "\" is a container secret in " + where()
                    + ", not registry credentials (which need \"username\", \"password\" and \"registry\")");
        }
        if (e.isEmpty()) {
            return Optional.of("repositoryCredentials.credentialsParameter \"" + credentialsParameter
                    + "\" is not in the registry credentials (" + where() + ")");
        }
        if (!e.get().registries().contains(registry)) {
            return Optional.of("repositoryCredentials.credentialsParameter \"" + credentialsParameter
                    + "\" may be sent only to "
                    + String.join(", ", new TreeSet<>(e.get().registries()))
                    + ", not to " + registry + " (its \"registry\" in " + where() + ")");
        }
        return Optional.empty();
    }

    private Optional<Entry> entry(String credentialsParameter) {
        if (credentialsParameter == null) {
            return Optional.empty();
        }
        Entry exact = byKey.get(credentialsParameter);
        if (exact != null) {
            return Optional.of(exact);
        }
        String name = secretName(credentialsParameter);
        for (Map.Entry<String, Entry> e : byKey.entrySet()) {
            if (secretName(e.getKey()).equals(name)) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    /** The {@code registry} member: one host[:port] or an array of them (normalised as image references are). */
    private static Set<String> registries(JsonNode node) {
        Set<String> out = new LinkedHashSet<>();
        if (node.isTextual()) {
            out.add(normalise(node.asText()));
        } else if (node.isArray()) {
            node.forEach(n -> {
                if (n.isTextual()) {
                    out.add(normalise(n.asText()));
                }
            });
        }
        out.remove("");
        return out;
    }

    private static String normalise(String host) {
        String h = host.trim();
        if (h.isEmpty()) {
            return "";
        }
        String registry;
        try {
            registry = ImageReference.parse(h + "/x").registry();
        } catch (RuntimeException e) {
            registry = null;
        }
        // "myhost" alone would read as a Docker Hub namespace: a registry host has a dot, a port or is localhost
        if (registry == null || registry.equals(ImageReference.DOCKER_HUB) && !ImageReference.isDockerHubHost(h)) {
            throw new IllegalArgumentException("\"registry\" \"" + h + "\" is not a registry host[:port] "
                    + "(e.g. registry.example.com, 127.0.0.1:5000, docker.io)");
        }
        return registry;
    }

    /** How many entries the file has (for the start-up log). */
    public int size() {
        return byKey.size();
    }

    /** Where the entries came from for callers' messages, without the file's path. */
    private String where() {
        return source == null
                ? "no --registry-credentials file is configured"
                : "the server's --registry-credentials file";
    }

    /** Where the entries came from, for the operator's log: the file, or "no --registry-credentials file". */
    public String describe() {
        return source == null ? "no --registry-credentials file is configured" : "registry credentials file " + source;
    }

    /** {@code my/secret} for {@code arn:aws:secretsmanager:us-east-1:123456789012:secret:my/secret}, else the input. */
    static String secretName(String parameter) {
        Matcher m = SECRET_ARN.matcher(parameter);
        return m.matches() ? m.group(1) : parameter;
    }

    @Override
    public String toString() {
        return "RepositoryCredentials[" + byKey.size() + " entries from " + (source == null ? "nowhere" : source) + "]";
    }
}
