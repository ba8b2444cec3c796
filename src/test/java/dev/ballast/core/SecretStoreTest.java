package dev.ballast.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.model.SecretReference;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Lookups in the local secret store: by name and ARN, SSM names, JSON keys, versions, and what is never said. */
class SecretStoreTest {
    static final String ACCOUNT = "arn:aws:secretsmanager:us-east-1:123456789012:secret:";

    static final SecretStore STORE = new SecretStore(
            Map.of(
                    "prod/db",
                    "{\"username\":\"app\",\"password\":\"hunter2\",\"port\":5432}",
                    ACCOUNT + "prod/api-key-AbCdEf",
                    "k3y-value",
                    "/app/db-url",
                    "postgres://db/app",
                    "arn:aws:ssm:eu-west-1:123456789012:parameter/app/flag",
                    "on",
                    "plain-text",
                    "not json"),
            Set.of("ci/registry"),
            true);

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db:password::         | hunter2
            arn:aws:secretsmanager:eu-west-1:999999999999:secret:prod/db:username           | app
            arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db:port:AWSCURRENT:   | 5432
            arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/api-key-AbCdEf        | k3y-value
            /app/db-url                                                                     | postgres://db/app
            app/db-url                                                                      | postgres://db/app
            arn:aws:ssm:us-east-1:123456789012:parameter/app/db-url                         | postgres://db/app
            /app/flag                                                                       | on
            arn:aws:ssm:us-east-1:123456789012:parameter/app/flag                           | on
            """)
    void resolvesByNameOrArn(String valueFrom, String expected) {
        assertThat(STORE.lookup(SecretReference.parse(valueFrom))).isEqualTo(new SecretStore.Found(expected));
    }

    @Test
    void aWholeJsonSecretIsItsJsonText() {
        assertThat(STORE.lookup(SecretReference.parse(ACCOUNT + "prod/db")))
                .isInstanceOfSatisfying(
                        SecretStore.Found.class, f -> assertThat(f.value()).contains("\"password\":\"hunter2\""));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/nope            | is not in the secret store
            arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/api-key         | is not in the secret store
            arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db:nokey::      | has no JSON key "nokey"
            arn:aws:secretsmanager:us-east-1:123456789012:secret:plain-text:k::       | is not a JSON object
            arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db:password:AWSPREVIOUS: | version stage AWSPREVIOUS
            arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db:password::v7 | version id v7
            arn:aws:secretsmanager:us-east-1:123456789012:secret:ci/registry:password:: | registry credentials
            arn:aws:ssm:us-east-1:123456789012:parameter/app/nope                     | is not in the secret store
            """)
    void unavailableSecretsAreNamedNeverShown(String valueFrom, String expected) {
        SecretStore.Lookup lookup = STORE.lookup(SecretReference.parse(valueFrom));
        assertThat(lookup)
                .isInstanceOfSatisfying(
                        SecretStore.Unavailable.class,
                        u -> assertThat(u.reason())
                                .contains(expected)
                                .contains("secret \"")
                                .doesNotContain("hunter2")
                                .doesNotContain("not json")
                                .doesNotContain("k3y-value"));
    }

    @Test
    void valuesNeverAppearInToString() {
        assertThat(STORE.toString()).doesNotContain("hunter2").doesNotContain("k3y");
        assertThat(new SecretStore.Found("hunter2").toString()).doesNotContain("hunter2");
        assertThat(SecretStore.none().lookup(SecretReference.parse("x")))
                .isInstanceOfSatisfying(
                        SecretStore.Unavailable.class,
                        u -> assertThat(u.reason()).contains("no --registry-credentials file"));
    }
}
