package dev.ballast.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Credentials from a Docker CLI {@code config.json}: {@code credHelpers} (per registry), then
 * {@code credsStore} (default helper), then {@code auths} entries (base64 {@code auth} or
 * {@code username}/{@code password}). A helper is run as {@code docker-credential-<name> get} with
 * the server URL on stdin and answers {@code {"ServerURL","Username","Secret"}}
 * (docker-credential-helpers protocol). Identity tokens ({@code "<token>"} users) are not supported.
 */
public final class DockerConfigCredentials implements CredentialSource {

    private static final String HUB_SERVER_URL = "https://index.docker.io/v1/";
    private static final Set<String> HUB_ALIASES = Set.of("docker.io", "index.docker.io", "registry-1.docker.io");

    private final JsonNode config;
    private final Path helperDirectory;
    private final Path source;
    private final Map<String, Optional<Credential>> fromHelpers = new ConcurrentHashMap<>();

    private DockerConfigCredentials(JsonNode config, Path helperDirectory, Path source) {
        this.config = config;
        this.helperDirectory = helperDirectory;
        this.source = source;
    }

    /**
     * Reads {@code configJson}; a missing file means no credentials.
     *
     * @param helperDirectory where {@code docker-credential-*} programs are, or null to find them on PATH
     * @throws IllegalArgumentException when the file exists but is not valid JSON
     */
    public static DockerConfigCredentials load(Path configJson, Path helperDirectory) {
        ObjectMapper json = new ObjectMapper();
        try {
            JsonNode node = Files.exists(configJson) ? json.readTree(configJson.toFile()) : json.createObjectNode();
            return new DockerConfigCredentials(node, helperDirectory, configJson);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read docker config " + configJson + ": " + e.getMessage(), e);
        }
    }

    /** {@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}. */
    public static Path defaultPath() {
        String dir = System.getenv("DOCKER_CONFIG");
        return dir != null && !dir.isEmpty()
                ? Path.of(dir, "config.json")
                : Path.of(System.getProperty("user.home"), ".docker", "config.json");
    }

    @Override
    public Optional<Credential> lookup(String registry) {
        String key = normalise(registry);
        Optional<String> helper = entry(config.path("credHelpers"), key).map(JsonNode::asText);
        if (helper.isPresent()) {
            return runHelper(helper.get(), registry);
        }
        if (config.path("credsStore").isTextual()
                && !config.path("credsStore").asText().isEmpty()) {
            Optional<Credential> stored = runHelper(config.path("credsStore").asText(), registry);
            if (stored.isPresent()) {
                return stored;
            }
        }
        return entry(config.path("auths"), key).flatMap(this::fromAuthEntry);
    }

    private Optional<Credential> fromAuthEntry(JsonNode entry) {
        if (entry.path("auth").isTextual() && !entry.path("auth").asText().isEmpty()) {
            String decoded;
            try {
                decoded = new String(
                        Base64.getDecoder().decode(entry.path("auth").asText().trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("docker config " + source + ": an auths entry has invalid base64");
            }
            int colon = decoded.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("docker config " + source + ": an auths entry is not user:password");
            }
            return Optional.of(new Credential(decoded.substring(0, colon), decoded.substring(colon + 1)));
        }
        if (entry.path("username").isTextual()
                && !entry.path("username").asText().isEmpty()) {
            return Optional.of(new Credential(
                    entry.path("username").asText(), entry.path("password").asText("")));
        }
        return Optional.empty();
    }

    /** Runs each helper at most once per registry: Basic auth looks credentials up on every request. */
    private Optional<Credential> runHelper(String name, String registry) {
        String key = name + " " + registry;
        Optional<Credential> known = fromHelpers.get(key);
        if (known != null) {
            return known;
        }
        Optional<Credential> answer = askHelper(name, registry);
        fromHelpers.put(key, answer);
        return answer;
    }

    private Optional<Credential> askHelper(String name, String registry) {
        String program = "docker-credential-" + name;
        String command = helperDirectory == null
                ? program
                : helperDirectory.resolve(program).toString();
        String serverUrl = HUB_ALIASES.contains(registry) ? HUB_SERVER_URL : registry;
        try {
            Process p =
                    new ProcessBuilder(command, "get").redirectErrorStream(true).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(serverUrl.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the helper exited without reading stdin; its exit status and output tell why
            }
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(program + " get did not finish within 30 s");
            }
            String text = new String(out, StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                if (text.contains("credentials not found")) {
                    return Optional.empty();
                }
                throw new IllegalStateException(program + " get for " + serverUrl + " failed: " + text);
            }
            JsonNode answer = new ObjectMapper().readTree(text);
            String user = answer.path("Username").asText("");
            if (user.isEmpty() || user.equals("<token>")) {
                return Optional.empty();
            }
            return Optional.of(new Credential(user, answer.path("Secret").asText("")));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run credential helper " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    private static Optional<JsonNode> entry(JsonNode map, String key) {
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (normalise(e.getKey()).equals(key)) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    /** {@code https://index.docker.io/v1/} → {@code docker.io}; {@code https://host:5000/x} → {@code host:5000}. */
    static String normalise(String key) {
        String k = key.trim();
        int scheme = k.indexOf("://");
        if (scheme >= 0) {
            k = k.substring(scheme + 3);
        }
        int slash = k.indexOf('/');
        if (slash >= 0) {
            k = k.substring(0, slash);
        }
        return HUB_ALIASES.contains(k) ? "docker.io" : k;
    }
}
