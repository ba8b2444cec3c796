package dev.ballast.agent.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.util.List;

/**
 * The input of {@code SubmitTaskStateChange} as an agent sends it: ECS's members plus {@code stopCode}, Ballast's
 * extension member (docs/agent-protocol.md). Absent members mean "unchanged".
 *
 * @param stopCode why the agent stopped the task (ECS {@code TaskStopCode}), sent with {@code reason} whenever
 *     the agent itself stops it; the server records it as sent
 * @param pullStartedAt epoch seconds (AWS JSON timestamps), likewise the other times
 * @param attachments ECS's {@code attachments} (an awsvpc task's interface, with Ballast's address members);
 *     empty when the report changes none
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
        BigDecimal executionStoppedAt,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<AttachmentStateReport> attachments) {
    public TaskStateReport {
        containers = containers == null ? List.of() : List.copyOf(containers);
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    /** A report without attachments (a task without a network interface of its own). */
    public TaskStateReport(
            String cluster,
            String task,
            String status,
            String reason,
            String stopCode,
            List<ContainerStateReport> containers,
            BigDecimal pullStartedAt,
            BigDecimal pullStoppedAt,
            BigDecimal executionStoppedAt) {
        this(
                cluster,
                task,
                status,
                reason,
                stopCode,
                containers,
                pullStartedAt,
                pullStoppedAt,
                executionStoppedAt,
                List.of());
    }
}
