package dev.ballast.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.image.Digest;
import java.util.List;
import java.util.Map;

/**
 * The remote-agent half of {@link WireFormatGoldenIT}: this test is the agent of a container instance it
 * registers in cluster {@code remote} (docs/agent-protocol.md), with raw signed requests. Two tasks are run there;
 * PollTasks is captured when the first is newly assigned, and when the first runs while the second (running) is
 * wanted STOPPED by StopTask; then the agent reports the second STOPPED and the first stopped on its own (an
 * essential container exited), and DescribeTasks shows both as the reports left them.
 */
final class RemoteAgent {
    private final WireFormatGoldenIT test;
    private String instanceArn;

    RemoteAgent(WireFormatGoldenIT test) {
        this.test = test;
    }

    void run(Map<String, JsonNode> answers, Digest app, Digest log) {
        test.call("CreateCluster", """
                {"clusterName": "remote"}""");
        instanceArn = test.call("RegisterContainerInstance", """
                {"cluster": "remote",
                 "totalResources": [{"name": "CPU", "type": "INTEGER", "integerValue": 1024},
                                    {"name": "MEMORY", "type": "INTEGER", "integerValue": 2048}],
                 "versionInfo": {"agentVersion": "golden-test-agent 1.0"},
                 "attributes": [{"name": "ballast.agent", "value": "remote"}, {"name": "ballast.runtime", "value": "golden"}]}
                """)
                .path("containerInstance")
                .path("containerInstanceArn")
                .asText();

        String first = runTask("remote-1");
        answers.put("poll-tasks-assigned", poll());
        report("""
                {"cluster": "remote", "task": "%s", "status": "RUNNING", "pullStartedAt": 1764979200, "pullStoppedAt": 1764979201.5,
                 "containers": [
                   {"containerName": "log-router", "status": "RUNNING", "imageDigest": "%s", "runtimeId": "remote-log-1"},
                   {"containerName": "app", "status": "RUNNING", "imageDigest": "%s", "runtimeId": "remote-app-1",
                    "healthStatus": "HEALTHY"}]}
                """.formatted(first, log, app));
        String second = runTask("remote-2");
        report("""
                {"cluster": "remote", "task": "%s", "status": "RUNNING",
                 "containers": [
                   {"containerName": "log-router", "status": "RUNNING", "imageDigest": "%s", "runtimeId": "remote-log-2"},
                   {"containerName": "app", "status": "RUNNING", "imageDigest": "%s", "runtimeId": "remote-app-2"}]}
                """.formatted(second, log, app));
        test.call("StopTask", """
                {"cluster": "remote", "task": "%s", "reason": "golden: stopped while its agent polls"}""".formatted(second));
        JsonNode both = poll();
        assertThat(both.path("tasks")).hasSize(2);
        answers.put("poll-tasks-running-and-stopping", both);

        report("""
                {"cluster": "remote", "task": "%s", "status": "STOPPED", "executionStoppedAt": 1764979260,
                 "containers": [{"containerName": "app", "status": "STOPPED", "exitCode": 143},
                                {"containerName": "log-router", "status": "STOPPED", "exitCode": 0}]}
                """.formatted(second));
        report("""
                {"cluster": "remote", "task": "%s", "status": "STOPPED", "reason": "Essential container in task exited",
                 "containers": [{"containerName": "app", "status": "STOPPED", "exitCode": 1, "reason": "exited on its own"},
                                {"containerName": "log-router", "status": "STOPPED", "exitCode": 0}]}
                """.formatted(first));
        answers.put("poll-tasks-idle", poll());
        answers.put("describe-tasks-remote", test.call("DescribeTasks", """
                {"cluster": "remote", "tasks": %s, "include": ["TAGS"]}""".formatted(
                        WireFormatGoldenIT.json(List.of(first, second)))));
    }

    private String runTask(String startedBy) {
        return test.call("RunTask", """
                {"cluster": "remote", "taskDefinition": "golden:1", "startedBy": "%s"}""".formatted(startedBy))
                .path("tasks")
                .get(0)
                .path("taskArn")
                .asText();
    }

    /** PollTasks without waiting: every task of the instance that is not STOPPED. */
    private JsonNode poll() {
        return WireFormatGoldenIT.ok(
                "PollTasks",
                test.raw()
                        .request("""
                {"cluster": "remote", "containerInstance": "%s", "waitSeconds": 0}""".formatted(instanceArn))
                        .target(AgentOperations.TARGET_PREFIX + ".PollTasks")
                        .send());
    }

    /** SubmitTaskStateChange from this instance's agent (it names itself in the instance header, signed). */
    private void report(String json) {
        WireFormatGoldenIT.ok(
                "SubmitTaskStateChange",
                test.raw()
                        .request(json)
                        .operation("SubmitTaskStateChange")
                        .header("X-Ballast-Container-Instance", instanceArn)
                        .send());
    }
}
