package dev.ballast.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and as whom a {@code ballast} command calls a server when its options do not say, read the way the
 * AWS CLI reads it: the endpoint from {@code AWS_ENDPOINT_URL_ECS}, then {@code AWS_ENDPOINT_URL}, then the
 * profile's {@code endpoint_url}; the region from {@code AWS_REGION}, then {@code AWS_DEFAULT_REGION}, then
 * the profile's {@code region}; the credentials from {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}
 * (with {@code AWS_SESSION_TOKEN}), then the profile in the shared credentials file, then the profile in the
 * config file. The profile is {@code AWS_PROFILE}, else {@code default}; the files are
 * {@code AWS_SHARED_CREDENTIALS_FILE} and {@code AWS_CONFIG_FILE}, else {@code ~/.aws/credentials} and
 * {@code ~/.aws/config}. Without any of these, the development defaults: {@code http://127.0.0.1:8460},
 * {@code us-east-1}, {@code test}/{@code test}.
 *
 * <p>The environment and home directory are passed in, so tests need not change the process environment.
 *
 * @see <a href="https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html">Shared config and
 *      credentials files</a>
 */
final class AwsEnvironment {
    static final URI DEFAULT_ENDPOINT = URI.create("http://127.0.0.1:8460");
    static final String DEFAULT_REGION = "us-east-1";

    /** An access key pair, with the session token of temporary credentials (else null), and where it came from. */
    record Credentials(String accessKeyId, String secretAccessKey, String sessionToken, String source) {
        Credentials {
            Objects.requireNonNull(accessKeyId, "accessKeyId");
            Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        }

        @Override
        public String toString() {
            return "Credentials[" + accessKeyId + " from " + source
                    + (sessionToken == null ? "" : ", with session token") + "]";
        }
    }

    private final Map<String, String> env;
    private final Path home;

    AwsEnvironment(Map<String, String> env, Path home) {
        this.env = Map.copyOf(env);
        this.home = Objects.requireNonNull(home, "home");
    }

    /** The process's environment and the user's home directory. */
    static AwsEnvironment system() {
        return new AwsEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /**
     * @param option the {@code --endpoint} option, or null
     * @throws IllegalArgumentException naming the variable or file when its URL is not an http(s) URL
     */
    URI endpoint(URI option) {
        if (option != null) {
            return option;
        }
        for (String name : List.of("AWS_ENDPOINT_URL_ECS", "AWS_ENDPOINT_URL")) {
            String v = var(name);
            if (v != null) {
                return url(v, name);
            }
        }
        String fromProfile = config().get("endpoint_url");
        return fromProfile == null ? DEFAULT_ENDPOINT : url(fromProfile, "endpoint_url of " + profileSource());
    }

    /** @param option the {@code --region} option, or null */
    String region(String option) {
        if (option != null) {
            return option;
        }
        String v = var("AWS_REGION") != null ? var("AWS_REGION") : var("AWS_DEFAULT_REGION");
        if (v != null) {
            return v;
        }
        return Optional.ofNullable(config().get("region")).orElse(DEFAULT_REGION);
    }

    /**
     * The first complete pair of the chain, each part replaced by its option when given.
     *
     * @throws IllegalArgumentException when {@code AWS_PROFILE} names a profile neither file has
     */
    Credentials credentials(String accessKeyOption, String secretKeyOption) {
        if (accessKeyOption != null && secretKeyOption != null) {
            return new Credentials(accessKeyOption, secretKeyOption, null, "options");
        }
        Credentials found = chain();
        if (accessKeyOption == null && secretKeyOption == null) {
            return found;
        }
        return new Credentials(
                accessKeyOption != null ? accessKeyOption : found.accessKeyId(),
                secretKeyOption != null ? secretKeyOption : found.secretAccessKey(),
                null,
                "options");
    }

    private Credentials chain() {
        String key = var("AWS_ACCESS_KEY_ID");
        String secret = var("AWS_SECRET_ACCESS_KEY");
        if (key != null && secret != null) {
            return new Credentials(key, secret, var("AWS_SESSION_TOKEN"), "environment");
        }
        Map<String, String> credentials = section(credentialsFile(), profile());
        Map<String, String> config = config();
        for (Map<String, String> s : List.of(credentials, config)) {
            if (s.get("aws_access_key_id") != null && s.get("aws_secret_access_key") != null) {
                return new Credentials(
                        s.get("aws_access_key_id"),
                        s.get("aws_secret_access_key"),
                        s.get("aws_session_token"),
                        "profile " + profile());
            }
        }
        if (var("AWS_PROFILE") != null && credentials.isEmpty() && config.isEmpty()) {
            throw new IllegalArgumentException("the profile '" + profile() + "' (AWS_PROFILE) is in neither "
                    + credentialsFile() + " nor " + configFile());
        }
        return new Credentials("test", "test", null, "the development defaults");
    }

    private String profile() {
        return var("AWS_PROFILE") != null ? var("AWS_PROFILE") : "default";
    }

    private String profileSource() {
        return "profile " + profile() + " in " + configFile();
    }

    private Path credentialsFile() {
        String f = var("AWS_SHARED_CREDENTIALS_FILE");
        return f != null ? Path.of(f) : home.resolve(".aws").resolve("credentials");
    }

    private Path configFile() {
        String f = var("AWS_CONFIG_FILE");
        return f != null ? Path.of(f) : home.resolve(".aws").resolve("config");
    }

    /** The profile's section of the config file: {@code [default]} or {@code [profile NAME]}. */
    private Map<String, String> config() {
        String p = profile();
        return section(configFile(), p.equals("default") ? "default" : "profile " + p);
    }

    private String var(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static URI url(String text, String source) {
        try {
            URI u = URI.create(text);
            if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
                return u;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new IllegalArgumentException(source + " is not an http(s) URL: " + text);
    }

    /**
     * The {@code key = value} lines of one {@code [name]} section of an INI-style AWS file; empty when the
     * file or the section is missing. Comments ({@code #}, {@code ;}) and indented continuation lines
     * (nested settings such as {@code s3 =}) are skipped.
     */
    static Map<String, String> section(Path file, String name) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        Map<String, String> out = new HashMap<>();
        boolean inside = false;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                inside = line.substring(1, line.length() - 1)
                        .strip()
                        .replaceAll("\\s+", " ")
                        .equals(name);
                continue;
            }
            int eq = line.indexOf('=');
            if (inside && eq > 0 && eq < line.length() - 1 && !Character.isWhitespace(raw.charAt(0))) {
                out.putIfAbsent(
                        line.substring(0, eq).strip().toLowerCase(Locale.ROOT),
                        line.substring(eq + 1).strip());
            }
        }
        return out;
    }
}
