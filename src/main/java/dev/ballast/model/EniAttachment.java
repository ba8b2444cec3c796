package dev.ballast.model;

import java.util.List;

/**
 * An awsvpc task's network interface, shown by DescribeTasks as an {@code ElasticNetworkInterface} attachment
 * and in its containers' {@code networkInterfaces}. The server names it at launch; the agent reports the
 * address and MAC the engine gave the task's network namespace.
 *
 * @param attachmentId the attachment's id (a UUID)
 * @param networkInterfaceId {@code eni-…}
 * @param subnetId the subnet from {@code awsvpcConfiguration}
 * @param securityGroups the security groups from {@code awsvpcConfiguration}
 * @param networkName the engine network the subnet maps to on the host
 * @param privateIPv4Address null until the agent reports it
 * @param macAddress null until the agent reports it
 */
public record EniAttachment(
        String attachmentId,
        AttachmentStatus status,
        String networkInterfaceId,
        String subnetId,
        List<String> securityGroups,
        String networkName,
        String privateIPv4Address,
        String macAddress) {
    public EniAttachment {
        securityGroups = securityGroups == null ? List.of() : List.copyOf(securityGroups);
    }

    /** This attachment in {@code s} (the server marks it DELETED when it stops a task no agent will report). */
    public EniAttachment withStatus(AttachmentStatus s) {
        return new EniAttachment(
                attachmentId,
                s,
                networkInterfaceId,
                subnetId,
                securityGroups,
                networkName,
                privateIPv4Address,
                macAddress);
    }
}
