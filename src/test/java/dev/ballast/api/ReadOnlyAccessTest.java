package dev.ballast.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReadOnlyAccessTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "DescribeServices",
                "DescribeTasks",
                "DescribeDrift",
                "DescribeServiceImagePolicy",
                "ListTasks",
                "ListPins",
                "ListMissingImages",
                "ExplainPolicy"
            })
    void readOperationsAreAllowed(String operation) {
        assertThat(ReadOnlyAccess.allows(operation)).isTrue();
        ReadOnlyAccess.check(operation, "viewer");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "UpdateService",
                "CreateService",
                "DeleteCluster",
                "RunTask",
                "StopTask",
                "RegisterTaskDefinition",
                "TagResource",
                "PutImageRule",
                "PutServiceImagePolicy",
                "ApproveDigest",
                "RollbackService",
                "SubmitTaskStateChange",
                "RegisterContainerInstance",
                "PollTasks",
                "Heartbeat"
            })
    void everythingElseIsRefusedNamingTheOperationAndTheKey(String operation) {
        assertThat(ReadOnlyAccess.allows(operation)).isFalse();
        assertThatThrownBy(() -> ReadOnlyAccess.check(operation, "viewer"))
                .isInstanceOfSatisfying(AwsException.class, e -> {
                    assertThat(e.type()).isEqualTo("AccessDeniedException");
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains(operation).contains("viewer");
                });
    }
}
