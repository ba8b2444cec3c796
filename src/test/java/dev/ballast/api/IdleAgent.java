package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.testing.RawClient;

/**
 * A remote agent reduced to what an idle one does (docs/agent-protocol.md): it registers its container instance,
 * then long-polls with raw signed {@code PollTasks}. Used by the idle-agent and cross-replica notification tests.
 */
final class IdleAgent {
    private final String cluster;
    private final String instanceArn;

    private IdleAgent(String cluster, String instanceArn) {
        this.cluster = cluster;
        this.instanceArn = instanceArn;
    }

    /** Registers a container instance in {@code cluster} (which must exist) through {@code raw}. */
    static IdleAgent register(RawClient raw, String cluster) {
        RawClient.Response r = raw.call("RegisterContainerInstance", """
                {"cluster": "%s",
                 "totalResources": [{"name": "CPU", "type": "INTEGER", "integerValue": 1024},
                                    {"name": "MEMORY", "type": "INTEGER", "integerValue": 2048}],
                 "versionInfo": {"agentVersion": "idle-test-agent 1.0"},
                 "attributes": [{"name": "ballast.agent", "value": "remote"}]}
                """.formatted(cluster));
        JsonNode answer = WireFormatGoldenIT.ok("RegisterContainerInstance", r);
        return new IdleAgent(
                cluster,
                answer.path("containerInstance").path("containerInstanceArn").asText());
    }

    String instanceArn() {
        return instanceArn;
    }

    /** One {@code PollTasks} against the server behind {@code raw}, waiting up to {@code waitSeconds}. */
    JsonNode poll(RawClient raw, int waitSeconds) {
        return WireFormatGoldenIT.ok(
                "PollTasks",
                raw.request("""
                {"cluster": "%s", "containerInstance": "%s", "waitSeconds": %d}""".formatted(cluster, instanceArn, waitSeconds))
                        .target(AgentOperations.TARGET_PREFIX + ".PollTasks")
                        .send());
    }

    /** Creates {@code cluster} and registers a task definition {@code family} that needs no registry. */
    static void prepare(RawClient raw, String cluster, String family) {
        WireFormatGoldenIT.ok("CreateCluster", raw.call("CreateCluster", """
                {"clusterName": "%s"}""".formatted(cluster)));
        WireFormatGoldenIT.ok("RegisterTaskDefinition", raw.call("RegisterTaskDefinition", """
                {"family": "%s", "containerDefinitions": [{"name": "app", "image": "127.0.0.1:9/demo/idle:v1",
                  "memory": 64, "cpu": 64, "essential": true, "versionConsistency": "disabled"}]}
                """.formatted(family)));
    }

    /** RunTask of {@code family} in {@code cluster}; the new task's ARN. */
    static String runTask(RawClient raw, String cluster, String family) {
        return WireFormatGoldenIT.ok("RunTask", raw.call("RunTask", """
                {"cluster": "%s", "taskDefinition": "%s"}""".formatted(cluster, family)))
                .path("tasks")
                .get(0)
                .path("taskArn")
                .asText();
    }
}
