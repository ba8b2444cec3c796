package dev.ballast.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --port-host-ip}: IP literals only, checked before the engine sees them. */
class PortHostIpTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "0.0.0.0", "10.1.2.3", "255.255.255.255", "::1", "::", "fe80::1"})
    void addressesAreAccepted(String ip) {
        assertThat(DockerRuntime.checkHostIp(ip)).isEqualTo(ip);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"", "localhost", "256.0.0.1", "1.2.3", "1.2.3.4.5", "127.0.0.1:80", "example.com", " 127.0.0.1"})
    void anythingElseIsRefusedNamingIt(String ip) {
        assertThatThrownBy(() -> DockerRuntime.checkHostIp(ip))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + ip + "'");
    }
}
