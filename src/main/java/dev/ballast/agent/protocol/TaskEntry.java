package dev.ballast.agent.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One task of a {@link PollTasksResponse}.
 *
 * @param taskDefinition the task definition document as registered, or null when the server no longer has it
 */
public record TaskEntry(PolledTask task, JsonNode taskDefinition) {}
