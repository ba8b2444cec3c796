/**
 * The domain model: ordered status enums with their ECS wire strings, and the typed task definition
 * ({@link dev.ballast.model.TaskDefinition}, {@link dev.ballast.model.ContainerDefinition}) and deployment
 * configuration with ECS's defaults. Every package may import it; it imports only the JDK and Jackson
 * annotations (ArchitectureTest, StatusLiteralsTest); {@code core.ModelJson} reads documents into it. Outside
 * this package no status or stop code is written as a string literal.
 */
package dev.ballast.model;
