package dev.ballast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code ballast server}'s defaults from the environment (the container image sets {@code BALLAST_BIND},
 * {@code BALLAST_DATA_DIR}, {@code BALLAST_CREDENTIALS_FILE}; ContainerImageIT runs it): without them the
 * defaults are the ones outside a container, and a flag always wins. The build version is known when running
 * from classes too (the image has no jar manifest).
 */
class ServerEnvironmentDefaultsTest {
    @Test
    void withoutTheVariablesTheServerBindsLoopbackAndUsesTheHomeDataDir() {
        assertThat(System.getenv("BALLAST_BIND")).as("test JVM environment").isNull();
        assertThat(System.getenv("BALLAST_DATA_DIR")).as("test JVM environment").isNull();
        assertThat(System.getenv("BALLAST_CREDENTIALS_FILE"))
                .as("test JVM environment")
                .isNull();
        ServerCommand defaults = new ServerCommand();
        new CommandLine(defaults).parseArgs();
        assertThat(defaults.bind).isEqualTo("127.0.0.1");
        assertThat(defaults.dataDir).isNull();
        assertThat(defaults.credentialsFile).isNull();
    }

    @Test
    void flagsWin() {
        ServerCommand server = new ServerCommand();
        new CommandLine(server)
                .parseArgs("--bind", "0.0.0.0", "--data-dir", "/srv/ballast", "--credentials-file", "/etc/b/creds");
        assertThat(server.bind).isEqualTo("0.0.0.0");
        assertThat(server.dataDir).isEqualTo(Path.of("/srv/ballast"));
        assertThat(server.credentialsFile).isEqualTo(Path.of("/etc/b/creds"));
    }

    @Test
    void theVersionIsTheBuildsWithoutAJarManifest() {
        assertThat(Version.current()).isNotEqualTo("dev").matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(new VersionProvider().getVersion()).containsExactly("ballast " + Version.current());
    }
}
