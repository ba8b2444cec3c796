package dev.ballast.agent.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.agent.AgentTask;
import dev.ballast.agent.ControlPlane;
import dev.ballast.agent.protocol.AgentProtocol;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ControlPlane} of a remote {@code ballast agent}: the server's API. Registration is ECS's
 * {@code RegisterContainerInstance} (with the saved ARN, to register the same instance again), the heartbeat is
 * the extension's {@code Heartbeat} (a {@code PollTasks} counts as one too), and the tasks are
 * {@link RemoteTasks}. Failures are {@link JsonApiClient.Failure}s; the caller decides whether to retry.
 */
public final class RemoteControlPlane implements ControlPlane {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteControlPlane.class);

    private final JsonApiClient client;
    private final String cluster;
    private final Consumer<AgentTask> onRefused;

    /**
     * @param onRefused called with a task whose report the server refused (no longer assigned here), to stop its
     *     containers
     */
    public RemoteControlPlane(JsonApiClient client, String cluster, Consumer<AgentTask> onRefused) {
        this.client = client;
        this.cluster = cluster;
        this.onRefused = onRefused;
    }

    @Override
    public String register(Registration r) {
        ObjectNode in = AgentProtocol.mapper().createObjectNode().put("cluster", r.cluster());
        if (r.arn() != null) {
            in.put("containerInstanceArn", r.arn());
        }
        ArrayNode resources = in.putArray("totalResources");
        resources.addObject().put("name", "CPU").put("type", "INTEGER").put("integerValue", r.cpu());
        resources.addObject().put("name", "MEMORY").put("type", "INTEGER").put("integerValue", r.memory());
        in.putObject("versionInfo").put("agentVersion", r.agentVersion());
        ArrayNode attrs = in.putArray("attributes");
        new TreeMap<>(r.attributes())
                .forEach((k, v) -> attrs.addObject().put("name", k).put("value", v));
        JsonNode answer = client.call(AgentProtocol.ECS_TARGET_PREFIX, "RegisterContainerInstance", in);
        String arn =
                answer.path("containerInstance").path("containerInstanceArn").asText();
        LOG.info(
                "agent: {} container instance {}",
                r.arn() != null && r.arn().equals(arn) ? "re-registered" : "registered",
                arn);
        return arn;
    }

    @Override
    public void heartbeat(String instanceArn, long now) {
        client.call(
                AgentProtocol.EXTENSION_TARGET_PREFIX,
                "Heartbeat",
                AgentProtocol.mapper()
                        .createObjectNode()
                        .put("cluster", cluster)
                        .put("containerInstance", instanceArn));
    }

    @Override
    public RemoteTasks tasks(String instanceArn) {
        return new RemoteTasks(client, cluster, instanceArn, onRefused);
    }

    /** The attributes a remote agent publishes: its runtime's, and {@code ballast.agent=remote}. */
    public static Map<String, String> attributes(Map<String, String> runtimeAttributes) {
        Map<String, String> attributes = new TreeMap<>(runtimeAttributes);
        attributes.put("ballast.agent", "remote");
        return attributes;
    }
}
