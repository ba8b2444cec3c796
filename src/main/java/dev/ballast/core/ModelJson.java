package dev.ballast.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ballast.model.AwsVpcConfiguration;
import dev.ballast.model.CapacityProviderStrategyItem;
import dev.ballast.model.DeploymentConfiguration;
import dev.ballast.model.LaunchSpec;
import dev.ballast.model.LaunchType;
import dev.ballast.model.PlacementConstraint;
import dev.ballast.model.PlacementStrategy;
import dev.ballast.model.SchedulingStrategy;
import dev.ballast.model.TaskDefinition;
import java.util.List;
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

    /**
     * Where and how tasks launch, from a RunTask/StartTask/CreateService/UpdateService request or a service's
     * stored configuration: {@code launchType}, {@code capacityProviderStrategy}, {@code placementConstraints},
     * {@code placementStrategy}, {@code platformVersion} and {@code networkConfiguration.awsvpcConfiguration}.
     * Other members are ignored; values were (or are about to be) validated by the API.
     *
     * @throws IllegalArgumentException when a member does not have its shape
     */
    public static LaunchSpec launchSpec(JsonNode document) {
        return launchSpecOf(document);
    }

    /**
     * The launch type a service runs its tasks as, from its stored configuration ({@link
     * LaunchSpec#effectiveLaunchType}): what ListServices' {@code launchType} filter, DescribeClusters' statistics
     * and DescribeServices' platform members go by.
     */
    public static LaunchType serviceLaunchType(JsonNode serviceSpec) {
        return launchSpecOf(serviceSpec).effectiveLaunchType();
    }

    private static LaunchSpec launchSpecOf(JsonNode document) {
        if (document == null || !document.isObject()) {
            return LaunchSpec.DEFAULT;
        }
        try {
            LaunchMembers m = MAPPER.treeToValue(document, LaunchMembers.class);
            return new LaunchSpec(
                    m.launchType(),
                    m.capacityProviderStrategy(),
                    m.placementConstraints(),
                    m.placementStrategy(),
                    m.platformVersion(),
                    m.networkConfiguration() == null
                            ? null
                            : m.networkConfiguration().awsvpcConfiguration());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("launch members unreadable: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The {@code placementConstraints} of a stored task definition document (ECS
     * {@code TaskDefinitionPlacementConstraint}: {@code memberOf} with an expression), empty when it has none.
     *
     * @throws IllegalArgumentException when the member does not have its shape
     */
    public static List<PlacementConstraint> placementConstraints(String taskDefinitionDocument) {
        try {
            return launchSpec(MAPPER.readTree(taskDefinitionDocument)).placementConstraints();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("task definition unreadable: " + e.getOriginalMessage(), e);
        }
    }

    /** A service's {@code schedulingStrategy} from its stored configuration: REPLICA unless it says DAEMON. */
    public static SchedulingStrategy schedulingStrategy(JsonNode serviceSpec) {
        JsonNode s = serviceSpec == null ? null : serviceSpec.get("schedulingStrategy");
        return s != null && s.asText().equals(SchedulingStrategy.DAEMON.wire())
                ? SchedulingStrategy.DAEMON
                : SchedulingStrategy.REPLICA;
    }

    private record LaunchMembers(
            LaunchType launchType,
            List<CapacityProviderStrategyItem> capacityProviderStrategy,
            List<PlacementConstraint> placementConstraints,
            List<PlacementStrategy> placementStrategy,
            String platformVersion,
            NetworkConfiguration networkConfiguration) {}

    private record NetworkConfiguration(AwsVpcConfiguration awsvpcConfiguration) {}
}
