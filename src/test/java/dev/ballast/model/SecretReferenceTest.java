package dev.ballast.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Table tests of {@code valueFrom} parsing: the three forms ECS accepts, and malformed ARNs refused by name. */
class SecretReferenceTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db                     | secretsmanager | prod/db        | -        | -          | -
            arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf              | secretsmanager | prod/db-AbCdEf | -        | -          | -
            arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db:password::          | secretsmanager | prod/db        | password | -          | -
            arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db:password            | secretsmanager | prod/db        | password | -          | -
            arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db::AWSPREVIOUS:       | secretsmanager | prod/db        | -        | AWSPREVIOUS | -
            arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db:user::0a1b-2c       | secretsmanager | prod/db        | user     | -          | 0a1b-2c
            arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:x                      | secretsmanager | x              | -        | -          | -
            arn:aws:ssm:us-east-1:123456789012:parameter/app/db-url                          | ssm            | /app/db-url    | -        | -          | -
            arn:aws:ssm:us-east-1:123456789012:parameter/plain                               | ssm            | plain          | -        | -          | -
            /app/db-url                                                                      | ssm            | /app/db-url    | -        | -          | -
            db_password                                                                      | ssm            | db_password    | -        | -          | -
            """)
    void parsesTheFormsEcsAccepts(
            String valueFrom, String source, String name, String jsonKey, String stage, String versionId) {
        SecretReference r = SecretReference.parse(valueFrom);
        assertThat(r.source().wire()).isEqualTo(source);
        assertThat(r.name()).isEqualTo(name);
        assertThat(r.jsonKey()).isEqualTo(jsonKey);
        assertThat(r.versionStage()).isEqualTo(stage);
        assertThat(r.versionId()).isEqualTo(versionId);
        assertThat(SecretReference.parse(r.toString()))
                .as("toString round-trips")
                .isEqualTo(r);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db:password::     | arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db:password::
            arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db:::             | arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db
            arn:aws:ssm:us-east-1:123456789012:parameter/app/x                          | arn:aws:ssm:us-east-1:123456789012:parameter/app/x
            """)
    void toStringWritesTheCanonicalForm(String valueFrom, String canonical) {
        assertThat(SecretReference.parse(valueFrom)).hasToString(canonical);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "arn:aws:secretsmanager:us-east-1:123456789012:prod/db",
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:",
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:a:b:c:d:e",
                "arn:aws:secretsmanager::123456789012:secret:a",
                "arn:aws:secretsmanager:us-east-1:acct:secret:a",
                "arn:aws:ssm:us-east-1:123456789012:parameter/",
                "arn:aws:ssm:us-east-1:123456789012:document/x",
                "arn:aws:s3:::bucket/key",
                "arn:aws:kms:us-east-1:123456789012:key/abc",
                "arn:aws:secretsmanager"
            })
    void malformedArnsAreRefusedNamingThem(String valueFrom) {
        assertThatThrownBy(() -> SecretReference.parse(valueFrom))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"" + valueFrom + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "has space"})
    void blankOrSpacedNamesAreRefused(String valueFrom) {
        assertThatThrownBy(() -> SecretReference.parse(valueFrom)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            arn:aws:secretsmanager:us-east-1:123456789012:secret:a                   | true
            arn:aws:secretsmanager:us-east-1:123456789012:secret:a::AWSCURRENT:      | true
            arn:aws:secretsmanager:us-east-1:123456789012:secret:a::AWSPENDING:      | false
            arn:aws:secretsmanager:us-east-1:123456789012:secret:a:::v1              | false
            """)
    void onlyTheCurrentVersionIsCurrent(String valueFrom, boolean current) {
        assertThat(SecretReference.parse(valueFrom).current()).isEqualTo(current);
    }
}
