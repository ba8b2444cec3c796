package dev.ballast.deploy;

import dev.ballast.model.ResolutionRecord;
import dev.ballast.store.RevisionRow;
import dev.ballast.store.TaskDefinitionRecord;
import java.util.List;

/** One step of progress on a service revision's image resolution (see dev.ballast.resolve). */
@FunctionalInterface
public interface ResolutionStep {
    Outcome step(
            RevisionRow revision,
            TaskDefinitionRecord taskDefinition,
            String clusterArn,
            boolean circuitBreakerEnabled);

    /** The updated record (not yet stored) and the service events it produced. */
    record Outcome(ResolutionRecord record, List<String> events) {}
}
