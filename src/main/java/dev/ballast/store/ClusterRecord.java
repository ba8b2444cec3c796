package dev.ballast.store;

/** A stored cluster: {@code doc} holds its settings and configuration as ECS JSON. */
public record ClusterRecord(String name, String arn, String status, String doc, long createdAt, long updatedAt) {}
