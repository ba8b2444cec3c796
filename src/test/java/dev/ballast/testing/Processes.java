package dev.ballast.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the external tools the fixtures need; a missing tool fails loudly instead of skipping a test. */
public final class Processes {

    private Processes() {}

    /** Fails unless {@code program} is on PATH, naming the script that installs it. */
    public static Path require(String program) {
        if (program.contains("/")) {
            if (Files.isExecutable(Path.of(program))) {
                return Path.of(program);
            }
            throw new AssertionError("prerequisite '" + program + "' is not executable");
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("prerequisite '" + program + "' is not on PATH: run scripts/install-prereqs");
    }

    /** Runs {@code command}, returns its stdout; fails with its output on a non-zero exit or timeout. */
    public static String run(Duration timeout, List<String> command) {
        require(command.get(0));
        try {
            Path err = Files.createTempFile("ballast-proc", ".err");
            try {
                Process p =
                        new ProcessBuilder(command).redirectError(err.toFile()).start();
                p.getOutputStream().close();
                byte[] out = p.getInputStream().readAllBytes();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
                }
                if (p.exitValue() != 0) {
                    throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ": "
                            + Files.readString(err) + new String(out, StandardCharsets.UTF_8));
                }
                return new String(out, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", command) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + String.join(" ", command), e);
        }
    }

    public static String run(String... command) {
        return run(Duration.ofSeconds(60), List.of(command));
    }

    /** Deletes a directory tree, ignoring what is already gone. */
    public static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: a temp dir left behind is harmless
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }
}
