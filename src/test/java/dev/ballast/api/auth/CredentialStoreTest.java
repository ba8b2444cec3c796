package dev.ballast.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CredentialStoreTest {

    @TempDir
    Path dir;

    Path write(String content) throws IOException {
        Path file = dir.resolve("credentials");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void loadsEveryProfileOfASharedCredentialsFile() throws IOException {
        Path file = write("""
                # Ballast API keys
                [default]
                aws_access_key_id = AKIDDEFAULT
                aws_secret_access_key = secret/default+1
                region = us-east-1

                ; a CI key, indented and without spaces around '='
                  [ci]   # trailing comment on the section line
                  aws_access_key_id=AKIDCI
                  aws_secret_access_key=ci-secret

                [temporary]
                aws_access_key_id	=	ASIATEMP
                aws_secret_access_key = temp-secret
                aws_session_token = FwoGZXIvYXdzEXAMPLE==

                [role-only]
                role_arn = arn:aws:iam::111122223333:role/deployer
                source_profile = default
                """);

        CredentialStore store = CredentialStore.load(file);

        assertThat(store.size()).isEqualTo(3);
        assertThat(store.isEmpty()).isFalse();
        assertThat(store.find("AKIDDEFAULT")).contains(Credential.of("AKIDDEFAULT", "secret/default+1"));
        assertThat(store.find("AKIDCI")).contains(Credential.of("AKIDCI", "ci-secret"));
        assertThat(store.find("ASIATEMP"))
                .contains(Credential.temporary("ASIATEMP", "temp-secret", "FwoGZXIvYXdzEXAMPLE=="));
        assertThat(store.find("AKIDUNKNOWN")).isEmpty();
    }

    @Test
    void readOnlyFlagMarksAKeyThatMayOnlyRead() throws IOException {
        Path file = write("""
                [writer]
                aws_access_key_id = AKIDWRITER
                aws_secret_access_key = w
                [viewer]
                aws_access_key_id = AKIDVIEWER
                aws_secret_access_key = v
                ballast_read_only = true
                [explicit]
                aws_access_key_id = AKIDEXPLICIT
                aws_secret_access_key = e
                ballast_read_only = false
                """);

        CredentialStore store = CredentialStore.load(file);

        assertThat(store.find("AKIDWRITER").orElseThrow().readOnly()).isFalse();
        assertThat(store.find("AKIDVIEWER").orElseThrow().readOnly()).isTrue();
        assertThat(store.find("AKIDVIEWER"))
                .contains(Credential.of("AKIDVIEWER", "v").asReadOnly());
        assertThat(store.find("AKIDEXPLICIT").orElseThrow().readOnly()).isFalse();
        assertThat(store.find("AKIDVIEWER").orElseThrow().toString())
                .contains("readOnly")
                .doesNotContain("=v,");
    }

    @Test
    void toleratesByteOrderMarkAndCrLf() throws IOException {
        Path file = write("\uFEFF[default]\r\naws_access_key_id = AKID1\r\naws_secret_access_key = s1\r\n");

        assertThat(CredentialStore.load(file).find("AKID1")).contains(Credential.of("AKID1", "s1"));
    }

    static Stream<Arguments> malformedFiles() {
        return Stream.of(
                Arguments.of("property before any section", "aws_access_key_id = A\n", 1, "before any [profile]"),
                Arguments.of("unclosed section", "[default\naws_access_key_id = A\n", 1, "missing ']'"),
                Arguments.of("empty section name", "[ ]\n", 1, "empty profile name"),
                Arguments.of("text after section", "[a] b\n", 1, "unexpected text"),
                Arguments.of("line without '='", "[a]\naws_access_key_id A\n", 2, "key = value"),
                Arguments.of("property without name", "[a]\n = x\n", 2, "without a name"),
                Arguments.of("repeated property", "[a]\naws_access_key_id = A\naws_access_key_id = B\n", 3, "repeated"),
                Arguments.of(
                        "repeated profile",
                        "[a]\naws_access_key_id = A\naws_secret_access_key = s\n[a]\n",
                        4,
                        "already defined on line 1"),
                Arguments.of("missing secret", "# keys\n[a]\naws_access_key_id = A\n", 2, "no aws_secret_access_key"),
                Arguments.of("missing key id", "[a]\naws_secret_access_key = s\n", 1, "no aws_access_key_id"),
                Arguments.of(
                        "empty secret",
                        "[a]\naws_access_key_id = A\naws_secret_access_key =\n",
                        1,
                        "no aws_secret_access_key"),
                Arguments.of("token without keys", "[a]\naws_session_token = t\n", 1, "no aws_access_key_id"),
                Arguments.of(
                        "empty token",
                        "[a]\naws_access_key_id = A\naws_secret_access_key = s\n" + "aws_session_token =\n",
                        1,
                        "empty aws_session_token"),
                Arguments.of(
                        "key id with '/'",
                        "[a]\naws_access_key_id = A/B\naws_secret_access_key = s\n",
                        1,
                        "without '/'"),
                Arguments.of(
                        "read-only flag neither true nor false",
                        "# keys\n[viewer]\naws_access_key_id = A\naws_secret_access_key = s\nballast_read_only = yes\n",
                        2,
                        "ballast_read_only must be true or false, not 'yes'"),
                Arguments.of(
                        "same key, two secrets",
                        "[a]\naws_access_key_id = A\naws_secret_access_key = s1\n"
                                + "[b]\naws_access_key_id = A\naws_secret_access_key = s2\n",
                        0,
                        "twice"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedFiles")
    void malformedContentIsReportedWithFileAndLine(String name, String content, int line, String problem)
            throws IOException {
        Path file = write(content);

        String location = line > 0 ? file + ":" + line + ": " : file + ": ";
        assertThatThrownBy(() -> CredentialStore.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(location)
                .hasMessageContaining(problem)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s1").doesNotContain("s2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("emptyFiles")
    void fileWithoutCredentialsIsAnError(String name, String content) throws IOException {
        Path file = write(content);

        assertThatThrownBy(() -> CredentialStore.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(file + ": holds no credentials (expected a [profile] with aws_access_key_id and "
                        + "aws_secret_access_key)");
    }

    static Stream<Arguments> emptyFiles() {
        return Stream.of(
                Arguments.of("empty file", ""),
                Arguments.of("comments only", "# nothing\n; here\n"),
                Arguments.of("profiles without keys", "[default]\nregion = us-east-1\noutput = json\n"));
    }

    @Test
    void missingFileIsAnIoError() {
        Path missing = dir.resolve("absent");

        assertThatThrownBy(() -> CredentialStore.load(missing))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void developmentPairIsTestTest() {
        CredentialStore store = CredentialStore.developmentPair();

        assertThat(store.size()).isEqualTo(1);
        assertThat(store.find("test")).contains(Credential.of("test", "test"));
    }

    @Test
    void ofHoldsTheGivenCredentialsAndMayBeEmpty() {
        assertThat(CredentialStore.of().isEmpty()).isTrue();
        CredentialStore store =
                CredentialStore.of(Credential.of("A", "s"), Credential.of("A", "s"), Credential.of("B", "t"));
        assertThat(store.size()).isEqualTo(2);
        assertThatThrownBy(() -> CredentialStore.of(Credential.of("A", "s"), Credential.of("A", "other")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("A")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("other"));
    }

    @Test
    void toStringNeverShowsSecretsOrTokens() {
        Credential longTerm = Credential.of("AKIDVISIBLE", "very-secret-value");
        Credential temporary = Credential.temporary("ASIAVISIBLE", "another-secret", "session-token-value");

        assertThat(longTerm.toString())
                .contains("AKIDVISIBLE")
                .doesNotContain("very-secret-value")
                .contains("sessionToken=none");
        assertThat(temporary.toString())
                .contains("ASIAVISIBLE")
                .doesNotContain("another-secret")
                .doesNotContain("session-token-value");
        assertThat(CredentialStore.of(longTerm, temporary).toString())
                .isEqualTo("CredentialStore[AKIDVISIBLE, ASIAVISIBLE]");
    }

    @Test
    void credentialValidatesItsParts() {
        assertThatThrownBy(() -> Credential.of("", "s")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Credential.of("A B", "s")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Credential.of("A", "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Credential("A", "s", Optional.of("")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Credential("A", "s", null)).isInstanceOf(NullPointerException.class);
    }
}
