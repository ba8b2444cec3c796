package dev.ballast.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RegistryAccessTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "169.254.169.254",
                "169.254.169.254:80",
                "169.254.0.1:5000",
                "169.254.255.255",
                "2852039166",
                "169.16689662",
                "169.254.43518",
                "[fe80::1]",
                "[fe80::1]:5000",
                "[FE80::abcd]",
                "[febf::1]",
                "[fd00:ec2::254]",
                "[fd00:ec2::254]:80",
                "[::ffff:169.254.169.254]",
                "[64:ff9b::a9fe:a9fe]",
                "[::a9fe:a9fe]",
                "metadata.google.internal",
                "METADATA.google.internal",
                "metadata.google.internal.",
                "instance-data",
                "instance-data.ec2.internal:80"
            })
    void link_local_and_metadata_addresses_are_refused_by_default(String registry) {
        assertThat(RegistryAccess.any().permits(registry)).isFalse();
        assertThat(RegistryAccess.any().refusal(registry))
                .get()
                .asString()
                .contains("registry " + registry)
                .contains("link-local or cloud metadata")
                .contains("--allowed-registries");
        assertThat(RegistryAccess.parse("*").permits(registry))
                .as("a wildcard does not name it")
                .isFalse();
        assertThat(RegistryAccess.any().targetRefusal(registry)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "docker.io",
                "ghcr.io",
                "127.0.0.1:5000",
                "localhost:5000",
                "10.0.0.1",
                "169.253.255.255",
                "169.255.0.1",
                "[fd00:ec2::253]",
                "[fec0::1]",
                "[::1]:5000",
                "[64:ff9b::a9fe:a9ff:1]",
                "169.254.1.300",
                "registry.lan:5000",
                "254.169.254.169",
                "metadata.example.com"
            })
    void everything_else_is_permitted_by_default(String registry) {
        assertThat(RegistryAccess.any().permits(registry)).isTrue();
        assertThat(RegistryAccess.any().refusal(registry)).isEmpty();
        assertThat(RegistryAccess.any().targetRefusal(registry)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "'ghcr.io', ghcr.io, true",
        "'ghcr.io', ghcr.io:443, true",
        "'ghcr.io', evil.io, false",
        "'ghcr.io', ghcr.io.evil.io, false",
        "'*.example.com', registry.example.com, true",
        "'*.example.com', a.b.example.com:5000, true",
        "'*.example.com', example.com, false",
        "'*.example.com', example.com.evil.io, false",
        "'registry.lan:5000', registry.lan:5000, true",
        "'registry.lan:5000', registry.lan:5001, false",
        "'registry.lan:5000', registry.lan, false",
        "'127.0.0.1:*', 127.0.0.1:5000, true",
        "'127.0.0.1:*', 127.0.0.2:5000, false",
        "'reg?.lan', reg1.lan, true",
        "'reg?.lan', reg10.lan, false",
        "'Docker.IO', docker.io, true",
        "'registry-1.docker.io', docker.io, true",
        "'docker.io', index.docker.io, true",
        "'ghcr.io,docker.io', docker.io, true",
        "'ghcr.io, quay.io', quay.io, true",
        "'', anything.example, true",
        "'169.254.169.254', 169.254.169.254, true",
        "'169.254.169.254', 169.254.169.254:5000, true",
        "'169.254.169.254:80', 169.254.169.254:81, false",
        "'169.254.*', 169.254.169.254, false",
        "'[fe80::1]:5000', [fe80::1]:5000, true",
        "'*', ghcr.io, true"
    })
    void allow_list_patterns(String patterns, String registry, boolean permitted) {
        RegistryAccess access = RegistryAccess.parse(patterns);
        assertThat(access.permits(registry)).isEqualTo(permitted);
        assertThat(access.refusal(registry).isEmpty()).isEqualTo(permitted);
    }

    @Test
    void a_refusal_names_the_registry_and_the_option() {
        assertThat(RegistryAccess.parse("ghcr.io,*.example.com").refusal("evil.io:5000"))
                .hasValue("registry evil.io:5000 is not in --allowed-registries");
        assertThat(RegistryAccess.parse("169.254.*").refusal("169.254.169.254"))
                .get()
                .asString()
                .endsWith("unless --allowed-registries names it without wildcards");
    }

    @Test
    void redirect_and_realm_targets_are_refused_only_for_link_local_and_metadata() {
        RegistryAccess access = RegistryAccess.parse("docker.io");
        assertThat(access.targetRefusal("auth.docker.io")).isEmpty();
        assertThat(access.targetRefusal("169.254.169.254:80")).isPresent();
        assertThat(RegistryAccess.parse("docker.io,169.254.169.254").targetRefusal("169.254.169.254:80"))
                .isEmpty();
    }

    @Test
    void invalid_patterns_are_rejected_with_the_pattern() {
        assertThatThrownBy(() -> RegistryAccess.of(List.of("ghcr.io/x"))).hasMessageContaining("'ghcr.io/x'");
        assertThatThrownBy(() -> RegistryAccess.of(List.of(" "))).hasMessageContaining("invalid registry pattern");
        assertThat(RegistryAccess.parse(" , ").patterns()).isEmpty();
        assertThat(RegistryAccess.parse("a.io, b.io").toString()).isEqualTo("a.io,b.io");
    }
}
