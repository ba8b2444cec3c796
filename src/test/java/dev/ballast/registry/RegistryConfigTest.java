package dev.ballast.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RegistryConfigTest {

    final RegistryConfig config =
            RegistryConfig.defaults().withInsecureRegistries(Set.of("registry.lan:5000", "plain.example.com"));

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1:5000, http",
        "localhost, http",
        "[::1]:5000, http",
        "127.9.9.9, http",
        "registry.lan:5000, http",
        "registry.lan:5001, https",
        "plain.example.com:8443, http",
        "ghcr.io, https",
        "docker.io, https",
        "10.0.0.1:5000, https"
    })
    void scheme_per_registry(String registry, String scheme) {
        assertThat(config.schemeFor(registry)).isEqualTo(scheme);
    }

    @Test
    void docker_hub_api_host() {
        Transport t = new Transport(
                HttpClient.newHttpClient(), config, new SimpleMeterRegistry(), new RegistryLabels(Set.of(), 1));
        assertThat(t.base("docker.io")).hasToString("https://registry-1.docker.io");
        assertThat(t.base("127.0.0.1:5000")).hasToString("http://127.0.0.1:5000");
    }

    @Test
    void invalid_settings_are_rejected() {
        assertThatThrownBy(() -> config.withRetries(0, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ZERO))
                .hasMessageContaining("maxAttempts must be at least 1");
        assertThatThrownBy(() -> config.withTimeouts(Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("connectTimeout must be positive");
        assertThatThrownBy(() -> config.withMaxConcurrencyPerRegistry(0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> new RegistryClient(
                        config,
                        new SimpleMeterRegistry(),
                        HttpClient.newBuilder()
                                .followRedirects(HttpClient.Redirect.NORMAL)
                                .build()))
                .hasMessageContaining("Redirect.NEVER");
    }
}
