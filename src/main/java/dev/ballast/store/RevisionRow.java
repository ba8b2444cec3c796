package dev.ballast.store;

import dev.ballast.model.ResolutionRecord;

/** A service revision: the task definition of a deployment and its recorded image digests. */
public record RevisionRow(
        String arn,
        String serviceArn,
        String clusterArn,
        String taskDefinitionArn,
        long createdAt,
        ResolutionRecord resolution,
        String launchType) {
    public RevisionRow withResolution(ResolutionRecord r) {
        return new RevisionRow(arn, serviceArn, clusterArn, taskDefinitionArn, createdAt, r, launchType);
    }
}
