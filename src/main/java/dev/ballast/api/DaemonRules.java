package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.core.ModelJson;
import dev.ballast.model.LaunchType;
import dev.ballast.model.SchedulingStrategy;
import dev.ballast.store.ServiceRow;

/**
 * ECS's rules for the {@code schedulingStrategy} of CreateService and UpdateService. A DAEMON service runs one task
 * on each eligible container instance, so it takes no {@code desiredCount} (ECS refuses one, on UpdateService too),
 * no {@code placementStrategy}, no FARGATE launch type, no {@code capacityProviderStrategy}, and no
 * {@code maximumPercent} above 100; its deployment configuration defaults to maximumPercent 100 and
 * minimumHealthyPercent 0. The error texts are ECS's.
 */
final class DaemonRules {
    private DaemonRules() {}

    /** The scheduling strategy CreateService asks for (REPLICA when absent), its DAEMON rules checked. */
    static SchedulingStrategy checkCreate(ObjectNode in) {
        JsonNode requested = in.get("schedulingStrategy");
        if (requested == null || requested.isNull()) {
            return SchedulingStrategy.REPLICA;
        }
        SchedulingStrategy strategy;
        try {
            strategy = SchedulingStrategy.fromWire(requested.asText());
        } catch (IllegalArgumentException e) {
            throw AwsException.invalidParameter("Invalid 'schedulingStrategy' '"
                    + ShapeValidator.clip(requested.asText()) + "': it must be REPLICA or DAEMON.");
        }
        if (strategy == SchedulingStrategy.DAEMON) {
            checkDaemon(in, "create");
            if (LaunchType.FARGATE.wire().equals(in.path("launchType").asText())) {
                throw AwsException.invalidParameter("The daemon scheduling strategy does not support the FARGATE "
                        + "launch type. Change the launch type and try again");
            }
        }
        return strategy;
    }

    /** Refuses an UpdateService request that a DAEMON service {@code s} does not take. */
    static void checkUpdate(ObjectNode in, ServiceRow s) {
        if (ModelJson.schedulingStrategy(s.spec()) == SchedulingStrategy.DAEMON) {
            checkDaemon(in, "update");
        }
    }

    /** The deployment configuration a service of {@code strategy} starts from, before the request's members. */
    static ObjectNode baseConfiguration(SchedulingStrategy strategy) {
        ObjectNode c = Json.object();
        if (strategy == SchedulingStrategy.DAEMON) {
            c.put("maximumPercent", 100).put("minimumHealthyPercent", 0);
        }
        return c;
    }

    private static void checkDaemon(ObjectNode in, String verb) {
        if (in.hasNonNull("desiredCount")) {
            throw AwsException.invalidParameter("The daemon scheduling strategy does not support a desired count "
                    + "for services. Remove the desired count value and try again");
        }
        if (nonEmpty(in, "placementStrategy")) {
            throw AwsException.invalidParameter("The daemon scheduling strategy does not support placement "
                    + "strategies. Remove the placement strategy and try again");
        }
        if (nonEmpty(in, "capacityProviderStrategy")) {
            throw AwsException.invalidParameter("Specifying a capacity provider strategy is not supported when you "
                    + verb + " a service using the DAEMON scheduling strategy.");
        }
        JsonNode max = in.path("deploymentConfiguration").path("maximumPercent");
        if (max.isNumber() && max.asInt() > 100) {
            throw AwsException.invalidParameter("The daemon scheduling strategy does not support values above 100 "
                    + "for maximumPercent on a deployment configuration. Change the maximumPercent value to 100, "
                    + "and try again");
        }
    }

    private static boolean nonEmpty(JsonNode in, String member) {
        JsonNode n = in.path(member);
        return n.isArray() && !n.isEmpty();
    }
}
