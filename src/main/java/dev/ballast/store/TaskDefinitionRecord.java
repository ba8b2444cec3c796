package dev.ballast.store;

/**
 * A stored task definition revision. {@code doc} is the registered TaskDefinition as ECS JSON (without
 * status and timestamps, which live in columns).
 */
public record TaskDefinitionRecord(String family, int revision, String arn, String status, String doc,
                                   long registeredAt, Long deregisteredAt, Long deleteRequestedAt) {}
