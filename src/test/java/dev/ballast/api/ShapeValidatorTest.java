package dev.ballast.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Table tests of request parsing and model validation. */
class ShapeValidatorTest {
    private static final ShapeValidator VALIDATOR = new ShapeValidator(ApiModel.load(Json.mapper()));

    private static ObjectNode validated(String operation, String body) {
        ObjectNode in = Json.parseRequest(body.getBytes(StandardCharsets.UTF_8));
        VALIDATOR.validate(operation, in);
        return in;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            ListClusters           | {"maxResults":"10"}                                   | SerializationException    | 'maxResults'
            ListClusters           | {"maxResults":1.5}                                    | SerializationException    | 'maxResults'
            ListClusters           | {"maxResults":99999999999}                            | SerializationException    | 'maxResults'
            ListClusters           | {"nextToken":{}}                                      | SerializationException    | 'nextToken'
            DescribeClusters       | {"clusters":"default"}                                | SerializationException    | 'clusters'
            DescribeClusters       | {"clusters":[null]}                                   | InvalidParameterException | 'clusters[0]'
            DescribeClusters       | {"include":["EVERYTHING"]}                            | InvalidParameterException | 'include[0]'
            RegisterTaskDefinition | {"containerDefinitions":[]}                           | InvalidParameterException | 'family'
            RegisterTaskDefinition | {"family":"f"}                                        | InvalidParameterException | 'containerDefinitions'
            RegisterTaskDefinition | {"family":"f","containerDefinitions":[{"memory":"x"}]} | SerializationException | 'containerDefinitions[0].memory'
            RegisterTaskDefinition | {"family":"f","containerDefinitions":[{"essential":"yes"}]} | SerializationException | 'containerDefinitions[0].essential'
            RegisterTaskDefinition | {"family":"f","containerDefinitions":[{"dockerLabels":{"a":1}}]} | SerializationException | 'containerDefinitions[0].dockerLabels.a'
            RegisterTaskDefinition | {"family":"f","networkMode":"mesh","containerDefinitions":[{}]} | InvalidParameterException | 'networkMode'
            TagResource            | {"resourceArn":"a","tags":[{"key":"","value":"v"}]}   | InvalidParameterException | 'tags[0].key'
            PutAccountSetting      | {"name":"versionConsistency"}                         | InvalidParameterException | 'value'
            ListAccountSettings    | {"effectiveSettings":"true"}                          | SerializationException    | 'effectiveSettings'
            """)
    void refusesWithTypeAndPath(String operation, String body, String type, String path) {
        assertThatThrownBy(() -> validated(operation, body)).isInstanceOfSatisfying(AwsException.class, e -> {
            assertThat(e.type()).isEqualTo(type);
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).contains(path);
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"clusters":["a"]
            [1,2]
            "text"
            {"a":1,"a":2}
            {"a":1} trailing
            """)
    void malformedJsonIsASerializationException(String body) {
        assertThatThrownBy(() -> validated("DescribeClusters", body))
                .isInstanceOfSatisfying(
                        AwsException.class, e -> assertThat(e.type()).isEqualTo("SerializationException"));
    }

    @Test
    void invalidUtf8AndDeepNestingAreRefused() {
        byte[] badUtf8 = {
            '{',
            '"',
            'c',
            'l',
            'u',
            's',
            't',
            'e',
            'r',
            'N',
            'a',
            'm',
            'e',
            '"',
            ':',
            '"',
            (byte) 0xC3,
            (byte) 0x28,
            '"',
            '}'
        };
        assertThatThrownBy(() -> VALIDATOR.validate("CreateCluster", Json.parseRequest(badUtf8)))
                .isInstanceOfSatisfying(
                        AwsException.class, e -> assertThat(e.type()).isEqualTo("SerializationException"));
        String deep = "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        assertThatThrownBy(() -> Json.parseRequest(deep.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(
                        AwsException.class, e -> assertThat(e.getMessage()).doesNotContain("com.fasterxml"));
    }

    @Test
    void emptyBodyIsAnEmptyObjectAndUnknownMembersAndNullsAreDropped() {
        assertThat(Json.parseRequest(new byte[0])).isEmpty();
        ObjectNode in = validated(
                "CreateCluster",
                "{\"clusterName\":\"x\",\"bogus\":1,\"tags\":null,\"settings\":[{\"name\":\"containerInsights\",\"value\":\"enabled\",\"extra\":true}]}");
        assertThat(in.toString())
                .isEqualTo(
                        "{\"clusterName\":\"x\",\"settings\":[{\"name\":\"containerInsights\",\"value\":\"enabled\"}]}");
    }
}
