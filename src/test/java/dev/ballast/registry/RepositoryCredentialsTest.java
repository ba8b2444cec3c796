package dev.ballast.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RepositoryCredentialsTest {
    static final String ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:";

    @TempDir
    Path dir;

    private Path file(String json, String mode) throws IOException {
        Path f = dir.resolve("registry-credentials.json");
        Files.writeString(f, json.replace('\'', '"'));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(textBlock = """
            ci/registry,                                                      alice
            arn:aws:secretsmanager:us-east-1:123456789012:secret:ci/registry, alice
            arn:aws:secretsmanager:eu-west-1:999999999999:secret:ci/registry, alice
            by-arn,                                                           bob
            arn:aws:secretsmanager:us-east-1:123456789012:secret:by-arn,      bob
            ci/other,                                                         ''
            arn:aws:ssm:us-east-1:123456789012:parameter/ci/registry,         ''
            """)
    void namesAndArnsMatchEitherWay(String parameter, String user) throws IOException {
        RepositoryCredentials creds = RepositoryCredentials.load(file("""
                {'ci/registry': {'username': 'alice', 'password': 'wonderland'},
                 'arn:aws:secretsmanager:us-east-1:123456789012:secret:by-arn': {'username': 'bob', 'password': 'builder'}}
                """, "rw-------"));
        assertThat(creds.lookup(parameter).map(Credential::username).orElse("")).isEqualTo(user);
        assertThat(creds.size()).isEqualTo(2);
        assertThat(creds.toString()).doesNotContain("wonderland").doesNotContain("builder");
    }

    @Test
    void noneKnowsNothing() {
        assertThat(RepositoryCredentials.none().lookup("anything")).isEmpty();
        assertThat(RepositoryCredentials.none().lookup(null)).isEmpty();
        assertThat(RepositoryCredentials.none().describe()).contains("no --registry-credentials file");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {'x': {'username': 'alice'}}                             | entry "x" must be
            {'x': {'username': '', 'password': 'wonderland'}}        | entry "x" must be
            {'x': {'username': 'a:b', 'password': 'wonderland'}}     | must not contain ':'
            ['wonderland']                                           | must hold a JSON object
            {'x': {'username': 'alice', 'password': 'wonderland'}   | invalid JSON at line
            """)
    void badFilesAreRefusedWithoutQuotingSecrets(String json, String expected) throws IOException {
        Path f = file(json, "rw-------");
        assertThatThrownBy(() -> RepositoryCredentials.load(f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wonderland"));
    }

    @Test
    void groupOrWorldReadableFilesAreReported() throws IOException {
        String json = "{'x': {'username': 'alice', 'password': 'wonderland'}}";
        assertThat(RepositoryCredentials.permissionProblem(file(json, "rw-------"))).isEmpty();
        assertThat(RepositoryCredentials.permissionProblem(file(json, "rw-r-----"))).get().asString()
                .contains("readable by group or others").contains("chmod 600");
        assertThat(RepositoryCredentials.permissionProblem(file(json, "rw----r--"))).isPresent();
    }
}
