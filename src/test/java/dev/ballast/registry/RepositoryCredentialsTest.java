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
                {'ci/registry': {'username': 'alice', 'password': 'wonderland', 'registry': 'registry.example.com'},
                 'arn:aws:secretsmanager:us-east-1:123456789012:secret:by-arn': {'username': 'bob', 'password': 'builder',
                   'registry': ['registry.example.com', '127.0.0.1:5000']}}
                """, "rw-------"));
        assertThat(creds.lookup(parameter, "registry.example.com")
                        .map(Credential::username)
                        .orElse(""))
                .isEqualTo(user);
        assertThat(creds.problem(parameter, "registry.example.com").isEmpty()).isEqualTo(!user.isEmpty());
        assertThat(creds.size()).isEqualTo(2);
        assertThat(creds.toString()).doesNotContain("wonderland").doesNotContain("builder");
    }

    @Test
    void aSecretIsOfferedOnlyToTheRegistriesItsEntryNames() throws IOException {
        Path path = file("""
                {'ci/registry': {'username': 'alice', 'password': 'wonderland', 'registry': 'registry.example.com'},
                 'hub': {'username': 'bob', 'password': 'builder', 'registry': ['index.docker.io', '127.0.0.1:5000']}}
                """, "rw-------");
        RepositoryCredentials creds = RepositoryCredentials.load(path);
        // an image elsewhere naming the secret (a caller trying to send it to a host of their choice) gets nothing
        assertThat(creds.lookup("ci/registry", "attacker.example")).isEmpty();
        assertThat(creds.problem("ci/registry", "attacker.example"))
                .get()
                .asString()
                .contains("\"ci/registry\"")
                .contains("only to registry.example.com")
                .contains("not to attacker.example")
                .doesNotContain("wonderland")
                .doesNotContain(path.toString())
                .doesNotContain(path.getFileName().toString());
        assertThat(creds.lookup("hub", "docker.io"))
                .as("Docker Hub aliases normalised")
                .isPresent();
        assertThat(creds.lookup("hub", "127.0.0.1:5000")).isPresent();
        assertThat(creds.lookup("hub", "127.0.0.1:5001")).isEmpty();
        assertThat(creds.problem("nope", "registry.example.com"))
                .get()
                .asString()
                .contains("is not in the registry credentials")
                .as("the file's path is the operator's business, not the API caller's")
                .doesNotContain(path.toString())
                .doesNotContain(path.getFileName().toString());
    }

    @Test
    void noneKnowsNothing() {
        assertThat(RepositoryCredentials.none().lookup("anything", "registry.example.com"))
                .isEmpty();
        assertThat(RepositoryCredentials.none().lookup(null, "registry.example.com"))
                .isEmpty();
        assertThat(RepositoryCredentials.none().describe()).contains("no --registry-credentials file");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {'x': {'username': 'alice', 'registry': 'r.example'}}                            | entry "x" must be
            {'x': {'username': '', 'password': 'wonderland', 'registry': 'r.example'}}       | entry "x" must be
            {'x': {'username': 'a:b', 'password': 'wonderland', 'registry': 'r.example'}}    | must not contain ':'
            {'x': 42}                                                                         | must be a string or an object
            {'x': {'username': 'alice', 'password': 'wonderland', 'registry': 'myhost'}}     | "myhost" is not a registry host
            {'x': {'username': 'alice', 'password': 'wonderland', 'registry': []}}           | needs "registry"
            ['wonderland']                                                                    | must hold a JSON object
            {'x': {'username': 'alice', 'password': 'wonderland'}                            | invalid JSON at line
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
    void entriesWithoutRegistryAreContainerSecretsNeverRegistryCredentials() throws IOException {
        Path f = file(
                "{'db': {'username': 'alice', 'password': 'wonderland'}, 'token': 'abc',"
                        + " 'ci/registry': {'username': 'bob', 'password': 'pw', 'registry': 'r.example'}}",
                "rw-------");
        RepositoryCredentials loaded = RepositoryCredentials.load(f);
        assertThat(loaded.size()).isEqualTo(1);
        assertThat(loaded.secrets().size()).isEqualTo(2);
        assertThat(loaded.lookup("db", "r.example")).isEmpty();
        assertThat(loaded.problem("db", "r.example"))
                .get()
                .asString()
                .contains("is a container secret")
                .doesNotContain("wonderland");
        assertThat(loaded.lookup("ci/registry", "r.example")).isPresent();
    }

    @Test
    void groupOrWorldReadableFilesAreReported() throws IOException {
        String json = "{'x': {'username': 'alice', 'password': 'wonderland'}}";
        assertThat(RepositoryCredentials.permissionProblem(file(json, "rw-------")))
                .isEmpty();
        assertThat(RepositoryCredentials.permissionProblem(file(json, "rw-r-----")))
                .get()
                .asString()
                .contains("readable by group or others")
                .contains("chmod 600");
        assertThat(RepositoryCredentials.permissionProblem(file(json, "rw----r--")))
                .isPresent();
    }
}
