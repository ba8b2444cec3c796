package dev.ballast.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 */
public final class RepositoryCredentials {

    private static final Pattern SECRET_ARN = Pattern.compile("arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:(.+)");
    private static final RepositoryCredentials NONE = new RepositoryCredentials(Map.of(), null);

    private final Map<String, Credential> byKey;
    private final Path source;

    private RepositoryCredentials(Map<String, Credential> byKey, Path source) {
        this.byKey = Map.copyOf(byKey);
        this.source = source;
    }

    /** No file: every {@code credentialsParameter} is unknown. */
    public static RepositoryCredentials none() {
        return NONE;
    }

    /**
     * Reads {@code file}: one JSON object whose members are secret names or ARNs, each an object with
     * non-empty {@code username} and a {@code password}.
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
                    + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null
                    ? "invalid JSON at line " + j.getLocation().getLineNr() : e.getClass().getSimpleName()));
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("registry credentials file " + file
                    + " must hold a JSON object mapping secret names or ARNs to {\"username\", \"password\"}");
        }
        Map<String, Credential> entries = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (!v.path("username").isTextual() || v.path("username").asText().isEmpty() || !v.path("password").isTextual()) {
                throw new IllegalArgumentException("registry credentials file " + file + ": entry \"" + e.getKey()
                        + "\" must be {\"username\": \"…\", \"password\": \"…\"} with a non-empty username");
            }
            try {
                entries.put(e.getKey(), new Credential(v.get("username").asText(), v.get("password").asText()));
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException("registry credentials file " + file + ": entry \"" + e.getKey()
                        + "\": " + bad.getMessage());
            }
        }
        return new RepositoryCredentials(entries, file);
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
                        + java.nio.file.attribute.PosixFilePermissions.toString(p) + "); chmod 600 it");
            }
            return Optional.empty();
        } catch (UnsupportedOperationException | IOException e) {
            return Optional.empty();
        }
    }

    /** The credential {@code credentialsParameter} names, or empty when the file has no such entry. */
    public Optional<Credential> lookup(String credentialsParameter) {
        if (credentialsParameter == null) {
            return Optional.empty();
        }
        Credential exact = byKey.get(credentialsParameter);
        if (exact != null) {
            return Optional.of(exact);
        }
        String name = secretName(credentialsParameter);
        for (Map.Entry<String, Credential> e : byKey.entrySet()) {
            if (secretName(e.getKey()).equals(name)) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    /** How many entries the file has (for the start-up log). */
    public int size() {
        return byKey.size();
    }

    /** Where the entries came from, for messages: the file, or "no --registry-credentials file". */
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
