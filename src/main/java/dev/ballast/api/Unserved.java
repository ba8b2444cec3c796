package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.model.LaunchType;
import dev.ballast.model.TaskDefinition;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What Ballast does not serve, refused instead of silently accepted: one row per request member (or task
 * definition member, checked when a task is launched from it) with the error ECS's callers get. Where ECS
 * itself has an error text for the case, the row uses it; otherwise {@code UnsupportedFeatureException}
 * names the member. When a feature lands (load balancers, Service Connect…), its rows go: Fargate and awsvpc
 * ({@link LaunchChecks}), capacity providers ({@link CapacityStrategies}), placement ({@link PlacementChecks}) and
 * DAEMON services ({@link DaemonRules}) did. Task definitions are documents: registering one that uses these
 * members is accepted, running it is not.
 */
final class Unserved {
    /**
     * @param operations the operations whose requests carry {@code member}
     * @param member     the member, as written in the request (documentation and tests)
     * @param refused    whether a request (or task definition) uses what is not served
     * @param error      the error for that request
     */
    record Row(
            Set<String> operations,
            String member,
            Predicate<JsonNode> refused,
            Function<JsonNode, AwsException> error) {}

    /** A task definition member Ballast does not serve, as {@link Row} for a request member. */
    record TaskDefinitionRow(
            Set<String> operations,
            String member,
            Predicate<TaskDefinition> refused,
            Function<TaskDefinition, AwsException> error) {}

    private static final Set<String> LAUNCHES = Set.of("RunTask", "CreateService", "UpdateService");
    /** LAUNCHES and StartTask, for the members StartTask shares with them. */
    private static final Set<String> STARTS = Set.of("RunTask", "StartTask", "CreateService", "UpdateService");

    private static final Set<String> SERVICES = Set.of("CreateService", "UpdateService");
    private static final Set<String> SERVED_LAUNCH_TYPES = Set.of(LaunchType.EC2.wire(), LaunchType.FARGATE.wire());
    private static final Set<String> LONG_ARN_SETTINGS =
            Set.of("serviceLongArnFormat", "taskLongArnFormat", "containerInstanceLongArnFormat");

    /** Request members. */
    static final List<Row> REQUEST = List.of(
            new Row(
                    Set.of("RunTask", "CreateService"),
                    "launchType",
                    in -> in.has("launchType")
                            && !SERVED_LAUNCH_TYPES.contains(
                                    in.path("launchType").asText()),
                    in -> unsupported("launchType "
                            + ShapeValidator.clip(in.path("launchType").asText())
                            + " is not served by Ballast: tasks run on the cluster's container instances "
                            + "(launchType EC2) or on their serverless capacity (launchType FARGATE).")),
            new Row(
                    SERVICES,
                    "loadBalancers",
                    in -> nonEmpty(in, "loadBalancers"),
                    in -> unsupported(
                            "'loadBalancers' are not served by Ballast: it registers no targets with a load balancer.")),
            new Row(
                    SERVICES,
                    "serviceRegistries",
                    in -> nonEmpty(in, "serviceRegistries"),
                    in -> unsupported("'serviceRegistries' (Cloud Map service discovery) are not served by Ballast.")),
            new Row(
                    SERVICES,
                    "serviceConnectConfiguration",
                    in -> in.path("serviceConnectConfiguration").path("enabled").asBoolean(false),
                    in -> unsupported("'serviceConnectConfiguration' (Service Connect) is not served by Ballast.")),
            new Row(
                    STARTS,
                    "volumeConfigurations",
                    in -> nonEmpty(in, "volumeConfigurations"),
                    in -> unsupported(
                            "'volumeConfigurations' (EBS volumes attached at launch) are not served by Ballast.")),
            new Row(
                    SERVICES,
                    "vpcLatticeConfigurations",
                    in -> nonEmpty(in, "vpcLatticeConfigurations"),
                    in -> unsupported("'vpcLatticeConfigurations' are not served by Ballast.")),
            new Row(
                    Set.of("CreateService"),
                    "role",
                    in -> in.hasNonNull("role"),
                    in -> AwsException.invalidParameter(
                            "Invalid 'role': a service role is only used to register tasks with "
                                    + "load balancers, which Ballast does not serve; leave 'role' out.")),
            new Row(
                    SERVICES,
                    "deploymentController",
                    in -> !in.path("deploymentController")
                            .path("type")
                            .asText("ECS")
                            .equals("ECS"),
                    in -> unsupported("deploymentController "
                            + ShapeValidator.clip(
                                    in.path("deploymentController").path("type").asText())
                            + " is not served by Ballast (task sets of the EXTERNAL and CODE_DEPLOY controllers are "
                            + "out of scope): only the ECS (rolling update) deployment controller is supported.")),
            new Row(
                    Set.of("RunTask", "StartTask"),
                    "overrides",
                    Unserved::hasOverrides,
                    in -> unsupported(
                            "RunTask and StartTask 'overrides' are not served by Ballast: register a task definition revision "
                                    + "with the command, environment or sizes instead.")),
            new Row(
                    STARTS,
                    "enableExecuteCommand",
                    in -> in.path("enableExecuteCommand").asBoolean(false),
                    in -> unsupported("'enableExecuteCommand' (ECS Exec) is not served by Ballast.")),
            new Row(
                    STARTS,
                    "enableECSManagedTags",
                    in -> in.path("enableECSManagedTags").asBoolean(false),
                    in -> unsupported(
                            "'enableECSManagedTags' is not served by Ballast: it adds no aws:ecs: tags to tasks "
                                    + "(propagateTags and tags are served).")),
            new Row(
                    Set.of("PutAccountSetting", "PutAccountSettingDefault"),
                    "value",
                    in -> LONG_ARN_SETTINGS.contains(in.path("name").asText())
                            && "disabled".equals(in.path("value").asText()),
                    in -> AwsException.invalidParameter("You can no longer disable Long Arn settings.")));

    /** Task definition members, checked when RunTask, CreateService or UpdateService launches from the revision. */
    static final List<TaskDefinitionRow> TASK_DEFINITION = List.of();

    /** Request members checked after the task definition's (their error assumes a task definition Ballast can run). */
    static final List<Row> AFTER_TASK_DEFINITION = List.of();

    private Unserved() {}

    /** Refuses a request to {@code operation} that uses what is not served. */
    static void check(String operation, ObjectNode in) {
        check(REQUEST, operation, in);
    }

    /**
     * Refuses launching from a task definition (null when the request keeps a service's
     * current one) that uses what is not served, then the request members that depend on it.
     */
    static void checkTaskDefinition(String operation, ObjectNode in, TaskDefinition taskDefinition) {
        if (taskDefinition != null) {
            for (TaskDefinitionRow row : TASK_DEFINITION) {
                if (row.operations().contains(operation) && row.refused().test(taskDefinition)) {
                    throw row.error().apply(taskDefinition);
                }
            }
        }
        check(AFTER_TASK_DEFINITION, operation, in);
    }

    private static void check(List<Row> rows, String operation, JsonNode node) {
        for (Row row : rows) {
            if (row.operations().contains(operation) && row.refused().test(node)) {
                throw row.error().apply(node);
            }
        }
    }

    private static AwsException unsupported(String message) {
        return new AwsException("UnsupportedFeatureException", 400, message);
    }

    private static boolean nonEmpty(JsonNode in, String member) {
        JsonNode n = in.path(member);
        return n.isArray() && !n.isEmpty();
    }

    /** Overrides that would change what runs: any container override beyond its name, or a task-level one. */
    private static boolean hasOverrides(JsonNode in) {
        JsonNode o = in.path("overrides");
        if (!o.isObject()) {
            return false;
        }
        var fields = o.fieldNames();
        while (fields.hasNext()) {
            String f = fields.next();
            if (!f.equals("containerOverrides") && !o.get(f).isNull()) {
                return true;
            }
        }
        for (JsonNode c : o.path("containerOverrides")) {
            var cf = c.fieldNames();
            while (cf.hasNext()) {
                String f = cf.next();
                JsonNode v = c.get(f);
                if (!f.equals("name") && !v.isNull() && !(v.isArray() && v.isEmpty())) {
                    return true;
                }
            }
        }
        return false;
    }
}
