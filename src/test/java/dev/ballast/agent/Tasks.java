package dev.ballast.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.api.StoreControlPlane;
import dev.ballast.core.Account;
import dev.ballast.store.Store;
import dev.ballast.store.TaskDefinitions;
import dev.ballast.store.TaskRow;
import dev.ballast.store.TaskRow.ContainerRow;
import dev.ballast.store.Versioned;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Test helpers that play the scheduler's part: insert tasks as it would, ask them to stop, and read them. */
final class Tasks {

    static final String CLUSTER = "default";
    static final String CLUSTER_ARN = "arn:aws:ecs:us-east-1:000000000000:cluster/default";

    private final Store store;

    Tasks(Store store) {
        this.store = store;
    }

    /** What an embedded agent reads and writes its tasks through: the store, as the server wires it. */
    static AgentTasks source(Store store) {
        return new StoreControlPlane(store, Account.defaults(), Clock.systemUTC()).tasks("");
    }

    /** A task placed on {@code instance}: desired RUNNING, PROVISIONING, one PENDING container per image. */
    TaskRow place(String instance, String... launchImages) {
        String id = UUID.randomUUID().toString().replace("-", "");
        String arn = "arn:aws:ecs:us-east-1:000000000000:task/" + CLUSTER + "/" + id;
        List<ContainerRow> containers = new ArrayList<>();
        for (int i = 0; i < launchImages.length; i++) {
            String image = launchImages[i].contains("@")
                    ? launchImages[i].substring(0, launchImages[i].indexOf('@'))
                    : launchImages[i];
            containers.add(new ContainerRow(
                    "c" + i,
                    "arn:aws:ecs:us-east-1:000000000000:container/" + CLUSTER + "/" + id + "/" + UUID.randomUUID(),
                    image,
                    launchImages[i],
                    null,
                    "PENDING",
                    null,
                    null,
                    null,
                    i == 0));
        }
        TaskRow task = new TaskRow(
                arn,
                CLUSTER,
                CLUSTER_ARN,
                "arn:aws:ecs:us-east-1:000000000000:task-definition/app:1",
                null,
                null,
                "test",
                "family:app",
                instance,
                "RUNNING",
                "PROVISIONING",
                containers,
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
        store.clusters().createOrGet(CLUSTER, CLUSTER_ARN, "{\"settings\":[]}", List.of());
        store.tasks().insertAll(List.of(task));
        return task;
    }

    /**
     * Registers {@code taskDefinitionDoc} (ECS JSON with {@code family} and {@code containerDefinitions}) and
     * places a task of it on {@code instance}: one PENDING container per definition, with its name, image
     * and {@code essential}.
     */
    TaskRow placeDefined(String instance, String taskDefinitionDoc) throws IOException {
        JsonNode doc = new ObjectMapper().readTree(taskDefinitionDoc);
        String family = doc.path("family").asText();
        String tdArn = store.taskDefinitions()
                .register(
                        family,
                        rev -> new TaskDefinitions.Registration(
                                "arn:aws:ecs:us-east-1:000000000000:task-definition/" + family + ":" + rev,
                                taskDefinitionDoc,
                                List.of()))
                .arn();
        String id = UUID.randomUUID().toString().replace("-", "");
        String arn = "arn:aws:ecs:us-east-1:000000000000:task/" + CLUSTER + "/" + id;
        List<ContainerRow> containers = new ArrayList<>();
        for (JsonNode c : doc.path("containerDefinitions")) {
            String name = c.path("name").asText();
            containers.add(new ContainerRow(
                    name,
                    "arn:aws:ecs:us-east-1:000000000000:container/" + CLUSTER + "/" + id + "/" + name,
                    c.path("image").asText(),
                    c.path("image").asText(),
                    null,
                    "PENDING",
                    null,
                    null,
                    null,
                    c.path("essential").asBoolean(true)));
        }
        TaskRow task = new TaskRow(
                arn,
                CLUSTER,
                CLUSTER_ARN,
                tdArn,
                null,
                null,
                "test",
                "family:" + family,
                instance,
                "RUNNING",
                "PROVISIONING",
                containers,
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
        store.clusters().createOrGet(CLUSTER, CLUSTER_ARN, "{\"settings\":[]}", List.of());
        store.tasks().insertAll(List.of(task));
        return task;
    }

    TaskRow get(TaskRow task) {
        return store.tasks().find(task.arn()).orElseThrow().value();
    }

    /** The scheduler's StopTask: desired STOPPED with a stop code, compare-and-set. */
    void stop(TaskRow task) {
        while (true) {
            Versioned<TaskRow> v = store.tasks().find(task.arn()).orElseThrow();
            if (store.tasks()
                    .update(v.value().withDesired("STOPPED", "UserInitiated", "stopped by test", null), v.version())) {
                return;
            }
        }
    }

    /** Passes with the pulls in between awaited, until nothing changes (at most 12 passes). */
    static void settle(Agent agent) throws InterruptedException {
        for (int i = 0; i < 12; i++) {
            agent.reconcileOnce();
            if (!agent.awaitPulls(Duration.ofSeconds(20))) {
                throw new AssertionError("pulls still running after 20 s");
            }
        }
    }
}
