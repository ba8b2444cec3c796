package dev.ballast.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ballast.model.DeploymentConfiguration;
import dev.ballast.model.TaskDefinition;
import java.util.Objects;

/**
 * The one reader of stored ECS documents into the model's records: a task definition
 * ({@link TaskDefinition}) and a service's deployment configuration ({@link DeploymentConfiguration}). Members
 * the model does not type are ignored, and so is an enum value it does not know (a newer server's, sent to an
 * older remote agent): the member then has its default, as if absent. The documents were validated when they
 * were registered, by the API's shape and semantic checks; ECS's defaults come from the records themselves.
 */
public final class ModelJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
            .build();

    private ModelJson() {}

    /**
     * The task definition in {@code document} (ECS JSON, as registered).
     *
     * @throws IllegalArgumentException when the document is not JSON or does not have the task definition's shape
     */
    public static TaskDefinition taskDefinition(String document) {
        Objects.requireNonNull(document, "document");
        try {
            return MAPPER.readValue(document, TaskDefinition.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("task definition document unreadable: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The task definition in {@code document} (a parsed ECS JSON tree, as registered).
     *
     * @throws IllegalArgumentException when the document does not have the task definition's shape
     */
    public static TaskDefinition taskDefinition(JsonNode document) {
        Objects.requireNonNull(document, "document");
        try {
            return MAPPER.treeToValue(document, TaskDefinition.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("task definition document unreadable: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * A service's {@code deploymentConfiguration}; a missing or null node is the defaults.
     *
     * @throws IllegalArgumentException when the node does not have the deployment configuration's shape
     */
    public static DeploymentConfiguration deploymentConfiguration(JsonNode configuration) {
        if (configuration == null || configuration.isNull() || configuration.isMissingNode()) {
            return DeploymentConfiguration.DEFAULTS;
        }
        try {
            return MAPPER.treeToValue(configuration, DeploymentConfiguration.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("deploymentConfiguration unreadable: " + e.getOriginalMessage(), e);
        }
    }
}
