package dev.ballast.testing;

import dev.ballast.image.ImageReference;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real CNCF distribution registry ({@code docker-registry serve}, Debian package docker-registry) on a
 * free 127.0.0.1 port, with its config and storage in a temp directory and deletes enabled. Optionally
 * protected by htpasswd Basic auth or by token auth against a {@link TokenServer}. Start one per test
 * class (it starts in well under a second) and close it in {@code @AfterAll}:
 *
 * <pre>{@code
 * try (RegistryFixture registry = RegistryFixture.start()) {
 *     Digest d = registry.images().push("demo/app:v1", TestImages.Format.OCI, "v1");
 *     ImageReference ref = registry.reference("demo/app:v1");
 * }
 * }</pre>
 *
 * A missing {@code docker-registry} (or {@code htpasswd}, {@code umoci}, {@code skopeo} for the image
 * helpers) fails the test with a pointer to {@code scripts/install-prereqs}; it never skips.
 */
public final class RegistryFixture implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final Process process;
    private final Optional<String[]> basicCredentials;
    private final TestImages images;

    private RegistryFixture(Path dir, int port, Process process, Optional<String[]> basicCredentials) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.basicCredentials = basicCredentials;
        this.images = new TestImages(this, dir.resolve("layouts"));
    }

    /** An open registry (no authentication). */
    public static RegistryFixture start() {
        return start("", Optional.empty());
    }

    /** A registry requiring HTTP Basic auth for {@code user}/{@code password} (htpasswd, bcrypt). */
    public static RegistryFixture startWithBasicAuth(String user, String password) {
        Path tmp = tempDir();
        String htpasswd = Processes.run("htpasswd", "-Bbn", user, password).trim();
        Path file = write(tmp.resolve("htpasswd"), htpasswd + "\n");
        return start(
                "auth: { htpasswd: { realm: test-realm, path: " + file + " } }\n",
                Optional.of(new String[] {user, password}));
    }

    /** A registry trusting tokens from {@code tokens} (its realm, service, issuer and certificate). */
    public static RegistryFixture startWithTokenAuth(TokenServer tokens) {
        return start(
                "auth: { token: { realm: " + tokens.realm() + ", service: " + tokens.service() + ", issuer: "
                        + tokens.issuer() + ", rootcertbundle: " + tokens.certificate() + " } }\n",
                Optional.of(new String[] {tokens.pushUser(), tokens.pushPassword()}));
    }

    /**
     * An open registry that sends its notifications (the distribution envelope) to {@code endpoint}, with
     * {@code Authorization: Bearer <token>}, as an operator configures {@code notifications.endpoints} for Ballast.
     */
    public static RegistryFixture startNotifying(URI endpoint, String token) {
        return start(
                "notifications:\n"
                        + "  endpoints:\n"
                        + "    - name: ballast\n"
                        + "      url: " + endpoint + "\n"
                        + "      headers: { Authorization: [\"Bearer " + token + "\"] }\n"
                        + "      timeout: 2s\n"
                        + "      threshold: 3\n"
                        + "      backoff: 200ms\n",
                Optional.empty());
    }

    private static RegistryFixture start(String authYaml, Optional<String[]> credentials) {
        Path binary = Processes.require("docker-registry");
        AssertionError last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            Path dir = tempDir();
            int port = freePort();
            String config = "version: 0.1\n"
                    + "log: { level: error, accesslog: { disabled: true } }\n"
                    + "storage:\n"
                    + "  filesystem: { rootdirectory: " + dir.resolve("data") + " }\n"
                    + "  delete: { enabled: true }\n"
                    + "http: { addr: 127.0.0.1:" + port + ", secret: " + UUID.randomUUID() + " }\n"
                    + authYaml;
            Path configFile = write(dir.resolve("config.yml"), config);
            try {
                Process p = new ProcessBuilder(binary.toString(), "serve", configFile.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("registry.log").toFile())
                        .start();
                RegistryFixture fixture = new RegistryFixture(dir, port, p, credentials);
                if (fixture.awaitReady(Duration.ofSeconds(10))) {
                    return fixture;
                }
                last = new AssertionError("docker-registry did not answer on 127.0.0.1:" + port + ": "
                        + readQuietly(dir.resolve("registry.log")));
                fixture.close();
            } catch (IOException e) {
                throw new AssertionError("cannot start docker-registry: " + e, e);
            }
        }
        throw last;
    }

    private boolean awaitReady(Duration timeout) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                int status = http.send(
                                HttpRequest.newBuilder(baseUri().resolve("/v2/"))
                                        .timeout(Duration.ofSeconds(1))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                if (status == 200 || status == 401) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            sleep(20);
        }
        return false;
    }

    /** {@code 127.0.0.1:<port>}, the registry part of references. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI baseUri() {
        return URI.create("http://" + host());
    }

    /** {@code host()/repoTagOrDigest}, parsed. */
    public ImageReference reference(String repoTagOrDigest) {
        return ImageReference.parse(host() + "/" + repoTagOrDigest);
    }

    /** The username and password skopeo uses against this registry, if it needs any. */
    public Optional<String> skopeoCredentials() {
        return basicCredentials.map(c -> c[0] + ":" + c[1]);
    }

    /** Helpers that build images with umoci and push, inspect and delete them with skopeo. */
    public TestImages images() {
        return images;
    }

    /** The temp directory holding config, storage and logs. */
    public Path directory() {
        return dir;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Processes.deleteTree(dir);
    }

    static Path tempDir() {
        try {
            return Files.createTempDirectory("ballast-registry");
        } catch (IOException e) {
            throw new AssertionError("cannot create a temp dir: " + e, e);
        }
    }

    /** A port free on 127.0.0.1 right now. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError("no free port: " + e, e);
        }
    }

    static Path write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, content);
        } catch (IOException e) {
            throw new AssertionError("cannot write " + file + ": " + e, e);
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
