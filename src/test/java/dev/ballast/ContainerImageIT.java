package dev.ballast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.testing.Eventually;
import dev.ballast.testing.PodmanFixture;
import dev.ballast.testing.PostgresFixture;
import dev.ballast.testing.Processes;
import dev.ballast.testing.ServerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The container image Jib builds ({@code ./mvnw -Pimage,local-base package} writes
 * {@code target/ballast-image.tar}; {@code scripts/test} builds it) on a real Podman engine: loaded with
 * {@code podman load}, run as docs/operations.md shows (a named data volume, the credentials file mounted
 * read-only, the port published on 127.0.0.1), driven with the real {@code aws} CLI, then removed and run
 * again as a new container on the same volume: the cluster and task definition are still there. A missing
 * or stale image tar fails the test; it is never skipped.
 */
class ContainerImageIT {
    /** The uid:gid the image runs as (pom.xml, jib-maven-plugin {@code container.user}). */
    private static final int IMAGE_UID = 10001;

    private static final String ACCESS_KEY = "AKIAIMAGEIT000000001";
    private static final String SECRET_KEY = "container-image-it-secret-0123456789";

    private static PodmanFixture podman;
    private static String image;
    private static Path dir;
    private static Path credentials;

    @BeforeAll
    static void loadImage() throws IOException {
        Path tar = Path.of(System.getProperty("ballast.image.tar", "target/ballast-image.tar"));
        assertThat(tar)
                .as("container image tar (build it with ./mvnw -Pimage,local-base package; scripts/test does)")
                .isRegularFile();
        assertThat(Files.getLastModifiedTime(tar))
                .as("%s is older than %s: stale image, rebuild with -Pimage,local-base", tar, ServerProcess.jar())
                .isGreaterThanOrEqualTo(Files.getLastModifiedTime(ServerProcess.jar()));
        podman = PodmanFixture.start();
        String loaded =
                podman.podman("load", "--quiet", "--input", tar.toAbsolutePath().toString());
        assertThat(loaded).as("podman load output").contains("Loaded image");
        image = loaded.strip().replaceFirst("^Loaded image(\\(s\\))?:\\s*", "").split(",")[0];
        dir = Files.createTempDirectory("ballast-image-it");
        credentials = dir.resolve("credentials");
        Files.writeString(credentials, """
                [ci]
                aws_access_key_id = %s
                aws_secret_access_key = %s
                """.formatted(ACCESS_KEY, SECRET_KEY));
        Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-------"));
        Files.setAttribute(credentials, "unix:uid", IMAGE_UID);
        Files.setAttribute(credentials, "unix:gid", IMAGE_UID);
    }

    @AfterAll
    static void stop() {
        if (podman != null) {
            podman.close();
        }
        Processes.deleteTree(dir);
    }

    @Test
    void runsWithVolumesAnswersTheAwsCliAndKeepsItsDataAcrossANewContainer() throws Exception {
        String config = podman.podman("image", "inspect", "--format", "{{json .Config}}", image);
        assertThat(config)
                .contains("\"User\":\"" + IMAGE_UID + ":" + IMAGE_UID + "\"")
                .contains("\"Entrypoint\":[\"/opt/ballast/bin/ballast\",\"server\"]")
                .contains("BALLAST_BIND=0.0.0.0")
                .contains("\"org.opencontainers.image.version\":\"" + System.getProperty("ballast.version", ""));

        int port = ServerProcess.freePort();
        runOnSqlite(port);
        assertThat(podman.podman("exec", "ballast-it", "id", "-u").strip())
                .as("the server runs as the image's unprivileged user")
                .isEqualTo(Integer.toString(IMAGE_UID));
        assertThat(aws(port, "ecs", "create-cluster", "--cluster-name", "image-it"))
                .contains("arn:aws:ecs:us-east-1:000000000000:cluster/image-it");
        assertThat(aws(
                        port,
                        "ecs",
                        "register-task-definition",
                        "--family",
                        "image-web",
                        "--container-definitions",
                        "[{\"name\":\"web\",\"image\":\"127.0.0.1:5000/demo/app:v1\",\"memory\":64}]"))
                .contains("task-definition/image-web:1");

        // A new container on the same volume: the data lives in the volume, not in the container.
        podman.podman("stop", "--time", "20", "ballast-it");
        podman.podman("rm", "ballast-it");
        runOnSqlite(port);
        assertThat(aws(port, "ecs", "list-clusters")).contains("cluster/image-it");
        assertThat(aws(port, "ecs", "describe-task-definition", "--task-definition", "image-web:1"))
                .contains("127.0.0.1:5000/demo/app:v1");
        assertThat(containerLog("ballast-it"))
                .contains("accepting 1 access key(s) from /etc/ballast/credentials")
                .contains("listening on http://0.0.0.0:8460");
    }

    /**
     * Two replicas of the image on one PostgreSQL, as docs/operations.md's two-replica installation runs them
     * ({@code --store}, {@code --node-name}, {@code --simulated-instances 0}), but with {@code --network host}:
     * the test's PostgreSQL listens on the host's loopback only, which a bridged container cannot reach. Each
     * replica is given {@code --bind 127.0.0.1} and its own {@code --port} (the flag wins over the image's
     * {@code BALLAST_BIND}). Both start at once on an empty database, so their migrations race (Flyway's lock
     * serialises them). A write through either replica is read through the other.
     */
    @Test
    void twoReplicasOnPostgresqlShareOneStore() throws Exception {
        String store = PostgresFixture.newDatabase();
        int portA = ServerProcess.freePort();
        int portB = ServerProcess.freePort();
        launchReplica("a", portA, store);
        launchReplica("b", portB, store); // both start at once, as an installation would
        awaitReady("ballast-a", portA);
        awaitReady("ballast-b", portB);
        assertThat(aws(portA, "ecs", "create-cluster", "--cluster-name", "replicated"))
                .contains("cluster/replicated");
        assertThat(aws(
                        portB,
                        "ecs",
                        "register-task-definition",
                        "--family",
                        "replicated-web",
                        "--container-definitions",
                        "[{\"name\":\"web\",\"image\":\"127.0.0.1:5000/demo/app:v2\",\"memory\":64}]"))
                .contains("task-definition/replicated-web:1");
        assertThat(aws(portB, "ecs", "list-clusters")).contains("cluster/replicated");
        assertThat(aws(portA, "ecs", "describe-task-definition", "--task-definition", "replicated-web:1"))
                .contains("127.0.0.1:5000/demo/app:v2");
        assertThat(containerLog("ballast-a")).contains("listening on http://127.0.0.1:" + portA + " store=postgresql");
    }

    private static void launchReplica(String node, int port, String store) {
        launch(
                "ballast-" + node,
                List.of("--network", "host"),
                List.of(
                        "--bind",
                        "127.0.0.1",
                        "--port",
                        Integer.toString(port),
                        "--store",
                        store,
                        "--node-name",
                        node,
                        "--simulated-instances",
                        "0"));
    }

    /** {@code podman run} as docs/operations.md shows it: SQLite in a named volume, the credentials file mounted. */
    private static void runOnSqlite(int port) {
        start(
                "ballast-it",
                port,
                List.of("--publish", "127.0.0.1:" + port + ":8460", "--volume", "ballast-it-data:/var/lib/ballast"),
                List.of());
    }

    /** Runs the image as container {@code name} (credentials file mounted), then waits for /readyz on {@code port}. */
    private static void start(String name, int port, List<String> podmanOptions, List<String> serverArgs) {
        launch(name, podmanOptions, serverArgs);
        awaitReady(name, port);
    }

    /** {@code podman run --detach} of the image as container {@code name}, with the credentials file mounted. */
    private static void launch(String name, List<String> podmanOptions, List<String> serverArgs) {
        List<String> args = new ArrayList<>(List.of("run", "--detach", "--name", name));
        args.addAll(podmanOptions);
        args.addAll(List.of("--volume", credentials + ":/etc/ballast/credentials:ro", image));
        args.addAll(serverArgs);
        podman.podman(args.toArray(String[]::new));
    }

    /** Waits for /readyz of container {@code name} on {@code port}; fails with its log. */
    private static void awaitReady(String name, int port) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI ready = URI.create("http://127.0.0.1:" + port + "/readyz");
        try {
            Eventually.await(name + "'s /readyz on 127.0.0.1:" + port, Duration.ofSeconds(60), () -> {
                try {
                    return http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                            == 200;
                } catch (IOException e) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; container log:\n" + containerLog(name), e);
        }
    }

    /** The container's output (the server logs to stderr, which {@code PodmanFixture.podman} does not return). */
    private static String containerLog(String name) {
        try {
            Process p = new ProcessBuilder("podman", "--remote", "--url", podman.dockerHost(), "logs", name)
                    .redirectErrorStream(true)
                    .start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS))
                    .as("podman logs finishes")
                    .isTrue();
            return out;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted reading the log)";
        }
    }

    /** The real {@code aws} CLI against the container, with the keys of the mounted credentials file only. */
    private static String aws(int port, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                Processes.require("aws").toString(), "--endpoint-url", "http://127.0.0.1:" + port, "--output", "json"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("AWS_PROFILE");
        pb.environment().put("AWS_CONFIG_FILE", "/dev/null");
        pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        pb.environment().put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
        pb.environment().put("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
        pb.environment().put("AWS_DEFAULT_REGION", "us-east-1");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS))
                .as("aws %s finishes", args[1])
                .isTrue();
        assertThat(p.exitValue())
                .as("aws %s exit status; output:\n%s", String.join(" ", args), out)
                .isZero();
        return out;
    }
}
