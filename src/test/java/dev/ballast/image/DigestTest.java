package dev.ballast.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DigestTest {

    @Test
    void sha256_of_known_content() {
        Digest d = Digest.sha256("abc".getBytes(StandardCharsets.UTF_8));
        assertThat(d).hasToString("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(d.matches("abc".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(d.matches("abd".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(Digest.parse(d.toString())).isEqualTo(d);
    }

    @Test
    void sha512_recomputes_with_its_algorithm() {
        Digest d = Digest.parse("sha512:" + "0".repeat(128));
        assertThat(d.recompute(new byte[0]).algorithm()).isEqualTo("sha512");
        assertThat(d.recompute(new byte[0]).hex()).startsWith("cf83e1357eefb8bd");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "sha256|expected algorithm:hex",
                "sha256:|expected algorithm:hex",
                ":abc|expected algorithm:hex",
                "sha1:da39a3ee5e6b4b0d3255bfef95601890afd80709|unsupported algorithm \"sha1\"",
                "sha256:00|needs 64 hex characters, got 2",
                "SHA256:0000000000000000000000000000000000000000000000000000000000000000|unsupported algorithm"
            })
    void rejects(String input, String reason) {
        assertThatThrownBy(() -> Digest.parse(input))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"" + input + "\"")
                .hasMessageContaining(reason);
    }
}
