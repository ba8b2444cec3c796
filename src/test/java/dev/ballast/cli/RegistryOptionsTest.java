package dev.ballast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.registry.RegistryConfig;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** {@code --allowed-registries} and {@code --insecure-registry} reach the registry client's config on server and agent. */
class RegistryOptionsTest {

    @Test
    void agent_options_reach_the_registry_config() {
        AgentCommand agent = new AgentCommand();
        new CommandLine(agent)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .parseArgs(
                        "--insecure-registry",
                        "192.0.2.2:5000,registry.lan",
                        "--insecure-registry",
                        "Other.lan:80",
                        "--allowed-registries",
                        "192.0.2.2:*, *.lan");
        RegistryConfig config = agent.registryOptions.apply(RegistryConfig.defaults(), LoggerFactory.getLogger("test"));
        assertThat(config.insecureRegistries())
                .containsExactlyInAnyOrder("192.0.2.2:5000", "registry.lan", "Other.lan:80");
        assertThat(config.access().permits("192.0.2.2:5000")).isTrue();
        assertThat(config.access().permits("ghcr.io")).isFalse();
        assertThat(config.access().patterns()).containsExactly("192.0.2.2:*", "*.lan");
    }

    @Test
    void server_options_reach_the_registry_config() {
        ServerCommand server = new ServerCommand();
        new CommandLine(server).parseArgs("--insecure-registry", "10.1.2.3:5000");
        RegistryConfig config =
                server.registryOptions.apply(RegistryConfig.defaults(), LoggerFactory.getLogger("test"));
        assertThat(config.insecureRegistries()).containsExactly("10.1.2.3:5000");
        assertThat(config.access().patterns()).isEmpty();
        assertThat(config.access().permits("ghcr.io")).isTrue();
        assertThat(config.access().permits("169.254.169.254")).isFalse();
    }

    @Test
    void invalid_values_name_the_option() {
        ServerCommand server = new ServerCommand();
        new CommandLine(server).parseArgs("--allowed-registries", "ghcr.io/team");
        assertThatThrownBy(
                        () -> server.registryOptions.apply(RegistryConfig.defaults(), LoggerFactory.getLogger("test")))
                .hasMessageStartingWith("--allowed-registries: invalid registry pattern 'ghcr.io/team'");
        AgentCommand agent = new AgentCommand();
        new CommandLine(agent)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .parseArgs("--insecure-registry", "http://registry.lan");
        assertThatThrownBy(
                        () -> agent.registryOptions.apply(RegistryConfig.defaults(), LoggerFactory.getLogger("test")))
                .hasMessageStartingWith("--insecure-registry: invalid registry 'http://registry.lan'");
    }
}
