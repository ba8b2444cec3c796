package dev.ballast.api;

import dev.ballast.model.ResolutionRecord;
import dev.ballast.store.TaskDefinitionRecord;

/**
 * Resolves a task definition's images once for a standalone RunTask call. Throws an {@link AwsException}
 * (ClientException) naming container, image and the registry's reason when a strict container fails.
 */
@FunctionalInterface
public interface RunTaskResolution {
    ResolutionRecord resolve(TaskDefinitionRecord taskDefinition, String clusterArn);
}
