package dev.ballast.agent.protocol;

/**
 * One attachment's state in a {@link TaskStateReport}: ECS's {@code AttachmentStateChange} ({@code attachmentArn},
 * {@code status}) plus Ballast's extension members {@code privateIPv4Address} and {@code macAddress}, the address
 * the agent's engine gave an awsvpc task's network namespace (docs/agent-protocol.md). Absent: unchanged.
 *
 * @param attachmentArn the attachment's id as {@code PollTasks} shipped it ({@code launch.eni.attachmentId}), or an
 *     ARN ending in {@code /<id>}
 * @param status {@code ATTACHED}, {@code DETACHED} or {@code DELETED} (ECS {@code AttachmentStatus} wire strings)
 */
public record AttachmentStateReport(
        String attachmentArn, String status, String privateIPv4Address, String macAddress) {}
