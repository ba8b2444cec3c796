package dev.ballast.agent.protocol;

import java.math.BigDecimal;
import java.util.List;

/**
 * The input of {@code SubmitTaskStateChange} as an agent sends it: ECS's members plus {@code stopCode}, Ballast's
 * extension member (docs/agent-protocol.md). Absent members mean "unchanged".
 *
 * @param stopCode why the agent stopped the task (ECS {@code TaskStopCode}), sent with {@code reason} whenever
 *     the agent itself stops it; the server records it as sent
 * @param pullStartedAt epoch seconds (AWS JSON timestamps), likewise the other times
 */
public record TaskStateReport(
        String cluster,
        String task,
        String status,
        String reason,
        String stopCode,
        List<ContainerStateReport> containers,
        BigDecimal pullStartedAt,
        BigDecimal pullStoppedAt,
        BigDecimal executionStoppedAt) {
    public TaskStateReport {
        containers = containers == null ? List.of() : List.copyOf(containers);
    }
}
