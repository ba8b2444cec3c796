package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.model.SecretReference;
import java.util.HashSet;
import java.util.Set;

/**
 * RegisterTaskDefinition's rules for a container's {@code secrets} (ECS {@code Secret}): a name and a
 * {@code valueFrom} each, names unique and not shared with the container's {@code environment} (ECS's own errors),
 * and a {@code valueFrom} that is a Secrets Manager secret ARN, an SSM parameter ARN or a parameter name. Values are
 * never seen here: the agent resolves the references (docs/secrets.md). {@code logConfiguration.secretOptions} is
 * refused by name, since Ballast configures no log drivers.
 */
final class SecretChecks {
    private SecretChecks() {}

    static void check(ObjectNode c, String where) {
        Set<String> environment = new HashSet<>();
        for (JsonNode e : c.path("environment")) {
            environment.add(e.path("name").asText(""));
        }
        Set<String> names = new HashSet<>();
        for (JsonNode s : c.path("secrets")) {
            String name = s.path("name").asText("");
            if (name.isBlank()) {
                throw AwsException.client("Invalid 'secrets'" + where + ": every secret needs a 'name'.");
            }
            if (!names.add(name)) {
                throw AwsException.client("Duplicate secret names found: " + ShapeValidator.clip(name)
                        + ". Each secret name must be unique.");
            }
            if (environment.contains(name)) {
                throw AwsException.client("The secret name must be unique and not shared with any new or existing "
                        + "environment variables set on the container, such as '" + ShapeValidator.clip(name) + "'.");
            }
            String valueFrom = s.path("valueFrom").asText("");
            try {
                SecretReference.parse(valueFrom);
            } catch (IllegalArgumentException e) {
                throw AwsException.client("Invalid 'secrets' entry '" + ShapeValidator.clip(name) + "'" + where + ": "
                        + e.getMessage() + ".");
            }
        }
        if (!c.path("logConfiguration").path("secretOptions").isEmpty()) {
            throw new AwsException(
                    "UnsupportedFeatureException",
                    400,
                    "'logConfiguration.secretOptions'" + where + " is not served by Ballast: it configures no log "
                            + "drivers (containers log to the engine's default); put the secret in 'secrets' instead.");
        }
    }
}
