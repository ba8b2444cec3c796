package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.core.ModelJson;
import dev.ballast.model.LaunchSpec;
import dev.ballast.model.PlacementConstraint;
import dev.ballast.model.PlacementConstraintType;
import dev.ballast.model.PlacementStrategy;
import dev.ballast.model.PlacementStrategyType;
import dev.ballast.schedule.ClusterQuery;
import dev.ballast.schedule.InvalidQueryException;
import java.util.List;
import java.util.Set;

/**
 * Validates {@code placementConstraints} and {@code placementStrategy} of RunTask, CreateService and
 * UpdateService as ECS does (API reference, {@code PlacementConstraint} / {@code PlacementStrategy}): at most
 * {@value #MAX_CONSTRAINTS} constraints and {@value #MAX_STRATEGIES} strategies; {@code distinctInstance} takes
 * no expression, {@code memberOf} needs a cluster query language expression of at most 2000 characters that
 * parses; {@code spread} needs a field ({@code instanceId}, {@code host} or {@code attribute:NAME}),
 * {@code binpack} one of {@code cpu} and {@code memory}. Each error names the entry and what is wrong with it.
 */
final class PlacementChecks {
    static final int MAX_CONSTRAINTS = 10;
    static final int MAX_STRATEGIES = 5;
    private static final Set<String> CONSTRAINT_TYPES = Set.of("distinctInstance", "memberOf");
    private static final Set<String> STRATEGY_TYPES = Set.of("random", "spread", "binpack");

    private PlacementChecks() {}

    /** Refuses the request's placement members when ECS would. */
    static void check(ObjectNode in) {
        JsonNode constraints = in.path("placementConstraints");
        JsonNode strategies = in.path("placementStrategy");
        if (constraints.isMissingNode() && strategies.isMissingNode()) {
            return;
        }
        checkTypes(constraints, "placementConstraints", CONSTRAINT_TYPES, "distinctInstance or memberOf");
        checkTypes(strategies, "placementStrategy", STRATEGY_TYPES, "random, spread or binpack");
        ObjectNode members = Json.object();
        members.set("placementConstraints", constraints.isArray() ? constraints : null);
        members.set("placementStrategy", strategies.isArray() ? strategies : null);
        LaunchSpec spec;
        try {
            spec = ModelJson.launchSpec(members);
        } catch (IllegalArgumentException e) {
            throw AwsException.invalidParameter(
                    "Invalid 'placementConstraints' or 'placementStrategy': each entry is an object with a 'type' and "
                            + "a string 'expression' or 'field'.");
        }
        constraints(spec.placementConstraints());
        strategies(spec.placementStrategy());
    }

    /**
     * Refuses a RegisterTaskDefinition whose {@code placementConstraints} ECS would refuse: at most
     * {@value #MAX_CONSTRAINTS}, each {@code memberOf} with an expression that parses.
     */
    static void checkTaskDefinition(ObjectNode td) {
        JsonNode constraints = td.path("placementConstraints");
        if (constraints.isMissingNode() || constraints.isNull() || constraints.isEmpty()) {
            return;
        }
        checkTypes(constraints, "placementConstraints", Set.of("memberOf"), "memberOf");
        ObjectNode members = Json.object();
        members.set("placementConstraints", constraints);
        List<PlacementConstraint> parsed;
        try {
            parsed = ModelJson.launchSpec(members).placementConstraints();
        } catch (IllegalArgumentException e) {
            throw AwsException.client(
                    "Invalid 'placementConstraints': each entry is an object with a 'type' and a string 'expression'.");
        }
        constraints(parsed);
    }

    private static void constraints(List<PlacementConstraint> constraints) {
        if (constraints.size() > MAX_CONSTRAINTS) {
            throw AwsException.invalidParameter("'placementConstraints' can have at most " + MAX_CONSTRAINTS
                    + " constraints, got " + constraints.size() + ".");
        }
        for (int k = 0; k < constraints.size(); k++) {
            PlacementConstraint c = constraints.get(k);
            String where = "placementConstraints[" + k + "]";
            if (c.type() == PlacementConstraintType.DISTINCT_INSTANCE) {
                if (c.expression() != null && !c.expression().isEmpty()) {
                    throw AwsException.invalidParameter(
                            where + ": a distinctInstance constraint takes no expression, got '"
                                    + ShapeValidator.clip(c.expression()) + "'.");
                }
                continue;
            }
            if (c.expression() == null || c.expression().isBlank()) {
                throw AwsException.invalidParameter(
                        where + ": a memberOf constraint needs an 'expression' (cluster query language).");
            }
            try {
                ClusterQuery.parse(c.expression());
            } catch (InvalidQueryException e) {
                throw AwsException.invalidParameter(where + " (memberOf): " + e.getMessage());
            }
        }
    }

    private static void strategies(List<PlacementStrategy> strategies) {
        if (strategies.size() > MAX_STRATEGIES) {
            throw AwsException.invalidParameter("'placementStrategy' can have at most " + MAX_STRATEGIES
                    + " strategies, got " + strategies.size() + ".");
        }
        for (int k = 0; k < strategies.size(); k++) {
            PlacementStrategy s = strategies.get(k);
            String where = "placementStrategy[" + k + "]";
            String field = s.field();
            if (s.type() == PlacementStrategyType.SPREAD) {
                boolean ok = field != null
                        && (field.equals("instanceId")
                                || field.equals("host")
                                || field.startsWith("attribute:") && field.length() > "attribute:".length());
                if (!ok) {
                    throw AwsException.invalidParameter(where + ": the spread strategy needs a 'field' of instanceId, "
                            + "host or attribute:NAME, got " + quoted(field) + ".");
                }
            } else if (s.type() == PlacementStrategyType.BINPACK
                    && !"cpu".equalsIgnoreCase(field)
                    && !"memory".equalsIgnoreCase(field)) {
                throw AwsException.invalidParameter(
                        where + ": the binpack strategy needs a 'field' of cpu or memory, got " + quoted(field) + ".");
            }
        }
    }

    private static void checkTypes(JsonNode list, String member, Set<String> types, String expected) {
        if (list.isMissingNode() || list.isNull()) {
            return;
        }
        if (!list.isArray()) {
            throw AwsException.invalidParameter("'" + member + "' must be a list.");
        }
        for (int k = 0; k < list.size(); k++) {
            JsonNode type = list.get(k).path("type");
            if (!type.isTextual() || !types.contains(type.asText())) {
                throw AwsException.invalidParameter(member + "[" + k + "]: 'type' must be " + expected + ", got "
                        + (type.isMissingNode() || type.isNull()
                                ? "none"
                                : "'" + ShapeValidator.clip(type.asText()) + "'")
                        + ".");
            }
        }
    }

    private static String quoted(String field) {
        return field == null ? "none" : "'" + ShapeValidator.clip(field) + "'";
    }
}
