package dev.ballast.testing;

import dev.ballast.agent.docker.EngineDetection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Podman engine (with runc, cgroupfs) serving the Docker Engine API on a unix socket in a temp
 * directory: {@code podman system service --time=0 unix://<tmp>/podman.sock}. Its containers.conf,
 * storage.conf and registries.conf live in the same directory (nothing in /etc is touched); registries.conf
 * lists the given loopback registries as insecure, so it must be written before the service starts. Start
 * one per test class and close it in {@code @AfterAll}: closing removes every container of this engine,
 * stops the service and deletes the directory. A missing {@code podman} or {@code runc} fails the test
 * with a pointer to {@code scripts/install-prereqs}; it never skips.
 */
public final class PodmanFixture implements AutoCloseable {

    private final Path dir;
    private final Process service;
    private final Map<String, String> env;

    private PodmanFixture(Path dir, Process service, Map<String, String> env) {
        this.dir = dir;
        this.service = service;
        this.env = env;
    }

    /** Starts the service, trusting plain HTTP for {@code insecureRegistries} ({@code 127.0.0.1:<port>}). */
    public static PodmanFixture start(String... insecureRegistries) {
        Path podman = Processes.require("podman");
        Path runc = Processes.require("runc");
        Path dir;
        try {
            dir = Files.createTempDirectory("ballast-podman");
        } catch (IOException e) {
            throw new AssertionError("cannot create a temp dir: " + e, e);
        }
        Path containersConf = RegistryFixture.write(
                dir.resolve("containers.conf"), """
                [containers]
                default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
                log_driver = "k8s-file"
                [engine]
                runtime = "runc"
                cgroup_manager = "cgroupfs"
                events_logger = "file"
                tmp_dir = "%s"
                volume_path = "%s"
                [engine.runtimes]
                runc = ["%s"]
                """.formatted(dir.resolve("tmp"), dir.resolve("volumes"), runc));
        Path storageConf = RegistryFixture.write(
                dir.resolve("storage.conf"), """
                [storage]
                driver = "overlay"
                graphroot = "%s"
                runroot = "%s"
                """.formatted(dir.resolve("root"), dir.resolve("run")));
        StringBuilder registries = new StringBuilder("unqualified-search-registries = []\n");
        for (String r : insecureRegistries) {
            registries.append("[[registry]]\nlocation = \"").append(r).append("\"\ninsecure = true\n");
        }
        Path registriesConf = RegistryFixture.write(dir.resolve("registries.conf"), registries.toString());
        Map<String, String> env = Map.of(
                "CONTAINERS_CONF",
                containersConf.toString(),
                "CONTAINERS_STORAGE_CONF",
                storageConf.toString(),
                "CONTAINERS_REGISTRIES_CONF",
                registriesConf.toString());
        Path socket = dir.resolve("podman.sock");
        try {
            ProcessBuilder pb = new ProcessBuilder(
                            podman.toString(), "system", "service", "--time=0", "unix://" + socket)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("service.log").toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            PodmanFixture fixture = new PodmanFixture(dir, p, env);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline && p.isAlive()) {
                if (EngineDetection.answersPing(fixture.dockerHost(), Duration.ofSeconds(1))) {
                    return fixture;
                }
                Thread.sleep(20);
            }
            String log = Files.readString(dir.resolve("service.log"));
            fixture.close();
            throw new AssertionError("podman system service did not answer /_ping on " + socket + ": " + log);
        } catch (IOException e) {
            throw new AssertionError("cannot start podman system service: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted starting podman", e);
        }
    }

    /** {@code unix://<tmp>/podman.sock}, a {@code DOCKER_HOST} value. */
    public String dockerHost() {
        return "unix://" + dir.resolve("podman.sock");
    }

    /** Runs {@code podman --remote} against this service; returns its stdout. */
    public String podman(String... args) {
        List<String> cmd = new ArrayList<>(List.of("podman", "--remote", "--url", dockerHost()));
        cmd.addAll(List.of(args));
        return Processes.run(Duration.ofSeconds(60), cmd);
    }

    /** The service's log (for failure messages). */
    public String log() {
        try {
            return Files.readString(dir.resolve("service.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        if (service.isAlive()) {
            try {
                podman("rm", "--all", "--force", "--time", "0");
            } catch (AssertionError e) {
                System.err.println("PodmanFixture: could not remove containers: " + e.getMessage());
            }
        }
        service.destroy();
        try {
            if (!service.waitFor(10, TimeUnit.SECONDS)) {
                service.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        unmountUnder(dir);
        Processes.deleteTree(dir);
    }

    /** containers/storage bind-mounts its overlay directory onto itself; undo that before deleting. */
    private static void unmountUnder(Path dir) {
        try {
            List<String> mounts = Files.readAllLines(Path.of("/proc/self/mounts"));
            for (int i = mounts.size() - 1; i >= 0; i--) {
                String[] fields = mounts.get(i).split(" ");
                if (fields.length > 1 && fields[1].startsWith(dir.toString())) {
                    new ProcessBuilder("umount", "-l", fields[1])
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start()
                            .waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (IOException e) {
            // best effort: a mount left behind in a temp dir is harmless
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
