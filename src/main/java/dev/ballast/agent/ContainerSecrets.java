package dev.ballast.agent;

import dev.ballast.core.SecretStore;
import dev.ballast.model.ContainerDefinition;
import dev.ballast.model.ContainerError;
import dev.ballast.model.SecretReference;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Resolves a container's {@code secrets} from the agent's {@link SecretStore}. A secret that does not resolve stops
 * the task before any container starts, with ECS's reason {@code ResourceInitializationError: unable to pull secrets
 * or registry auth: …} naming the container, the variable and the reference (never a value).
 */
final class ContainerSecrets {

    /** ECS's words before the details of a secret that could not be fetched. */
    static final String UNABLE = "unable to pull secrets or registry auth: ";

    /** The outcome for one container. */
    sealed interface Result {}

    /** Every secret resolved. */
    record Resolved(SecretEnvironment environment) implements Result {}

    /** One secret did not resolve: {@code detail} names the container, the variable and the reference. */
    record Unavailable(String detail) implements Result {
        /** The task's and the container's stopped reason: {@code ResourceInitializationError: …}. */
        String reason() {
            return ContainerError.RESOURCE_INITIALIZATION.reason(UNABLE + detail);
        }

        /** The same, for a start that finds the secret gone. */
        StartFailedException asStartFailure() {
            return new StartFailedException(ContainerError.RESOURCE_INITIALIZATION.wire(), UNABLE + detail, null);
        }
    }

    private final SecretStore store;

    ContainerSecrets(SecretStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** The secrets of {@code container} of {@code task}; none when the task definition is unknown or has none. */
    Result resolve(AgentTask task, AgentContainer container) {
        if (task.taskDefinition() == null) {
            return new Resolved(SecretEnvironment.NONE);
        }
        ContainerDefinition definition =
                task.taskDefinition().container(container.name()).orElse(null);
        if (definition == null || definition.secrets().isEmpty()) {
            return new Resolved(SecretEnvironment.NONE);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (ContainerDefinition.Secret s : definition.secrets()) {
            String where = "container " + container.name() + ", secret " + s.name() + ": ";
            SecretReference reference;
            try {
                reference = s.reference();
            } catch (IllegalArgumentException e) {
                return new Unavailable(where + e.getMessage());
            }
            switch (store.lookup(reference)) {
                case SecretStore.Found found -> values.put(s.name(), found.value());
                case SecretStore.Unavailable u -> {
                    return new Unavailable(where + u.reason());
                }
            }
        }
        return new Resolved(new SecretEnvironment(values));
    }
}
