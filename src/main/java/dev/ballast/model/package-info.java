/**
 * The domain model: ordered status enums with their ECS wire strings, the resolution vocabulary ({@link
 * dev.ballast.model.Mode}, {@link dev.ballast.model.Layer}, {@link dev.ballast.model.ResolutionState},
 * {@link dev.ballast.model.ResolutionOutcome}) and the records built from them (resolution record, container
 * resolution, task health), and the typed task definition ({@link dev.ballast.model.TaskDefinition}, {@link
 * dev.ballast.model.ContainerDefinition}) and deployment configuration with ECS's defaults. Every package may
 * import it; it imports only the JDK and Jackson annotations (ArchitectureTest, StatusLiteralsTest);
 * {@code core.ModelJson} reads documents into it. Outside this package no status, stop code, mode, layer or
 * resolution state is written as a string literal.
 */
package dev.ballast.model;
