/**
 * The domain model: ordered status enums with their ECS wire strings. Every package may import it; it
 * imports only the JDK (ArchitectureTest). Outside this package no status or stop code is written as a
 * string literal.
 */
package dev.ballast.model;
