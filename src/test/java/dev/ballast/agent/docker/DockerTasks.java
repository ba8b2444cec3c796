package dev.ballast.agent.docker;

import dev.ballast.agent.AgentTask;
import dev.ballast.api.AgentTaskRows;
import dev.ballast.core.ModelJson;
import dev.ballast.store.TaskRow;
import dev.ballast.store.TaskRow.ContainerRow;
import java.util.List;
import java.util.UUID;

/** Task and container rows as the scheduler writes them, for runtime tests that call the runtime directly. */
final class DockerTasks {

    static final String CLUSTER = "default";
    static final String ACCOUNT_PREFIX = "arn:aws:ecs:us-east-1:000000000000:";

    private DockerTasks() {}

    /** A task of {@code taskDefinitionArn} with one container {@code name} to run from a pulled {@code launchImage}. */
    static TaskRow task(String taskDefinitionArn, String instanceArn, String name, String launchImage, String digest) {
        String id = UUID.randomUUID().toString().replace("-", "");
        String arn = ACCOUNT_PREFIX + "task/" + CLUSTER + "/" + id;
        String image = launchImage.contains("@") ? launchImage.substring(0, launchImage.indexOf('@')) : launchImage;
        ContainerRow c = new ContainerRow(
                name,
                ACCOUNT_PREFIX + "container/" + CLUSTER + "/" + id + "/" + UUID.randomUUID(),
                image,
                launchImage,
                digest,
                "PENDING",
                null,
                null,
                null,
                true);
        return new TaskRow(
                arn,
                CLUSTER,
                ACCOUNT_PREFIX + "cluster/" + CLUSTER,
                taskDefinitionArn,
                null,
                null,
                "test",
                "family:app",
                instanceArn,
                "RUNNING",
                "PROVISIONING",
                List.of(c),
                null,
                null,
                null,
                256,
                512,
                System.currentTimeMillis(),
                null,
                null,
                null,
                null,
                null,
                0);
    }

    /** A task definition document with one container definition (the JSON fragment {@code container}). */
    /** As {@link #task}, as the agent sees it: with its task definition document. */
    static AgentTask agentTask(
            String taskDefinitionArn,
            String taskDefinition,
            String instanceArn,
            String name,
            String launchImage,
            String digest) {
        return AgentTaskRows.toAgent(
                task(taskDefinitionArn, instanceArn, name, launchImage, digest),
                0,
                taskDefinition == null ? null : ModelJson.taskDefinition(taskDefinition));
    }

    static String taskDefinition(String family, String container) {
        return "{\"family\":\"" + family + "\",\"containerDefinitions\":[" + container + "]}";
    }
}
