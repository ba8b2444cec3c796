package dev.ballast.api;

import dev.ballast.agent.protocol.AttachmentStateReport;
import dev.ballast.model.AttachmentStatus;
import dev.ballast.model.EniAttachment;
import dev.ballast.store.TaskRow;
import java.util.List;

/**
 * The {@code attachments} of {@code SubmitTaskStateChange} (ECS {@code AttachmentStateChange}, plus Ballast's
 * {@code privateIPv4Address} and {@code macAddress}; docs/agent-protocol.md): an agent reports the address its engine
 * gave an awsvpc task's network namespace, and the attachment's status. Merged onto the task's
 * {@link EniAttachment}; a status never moves backwards.
 */
final class AttachmentReports {
    private static final String IPV4 = "(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}";
    private static final String MAC = "[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}";

    private AttachmentReports() {}

    /** Refuses a report whose members are not what they say, naming the member. */
    static void check(List<AttachmentStateReport> reports) {
        for (AttachmentStateReport r : reports) {
            if (r.attachmentArn() == null || r.attachmentArn().isEmpty()) {
                throw AwsException.invalidParameter("Each attachment state change needs an 'attachmentArn'.");
            }
            String name = ShapeValidator.clip(r.attachmentArn());
            try {
                AttachmentStatus.fromWire(r.status());
            } catch (IllegalArgumentException e) {
                throw AwsException.invalidParameter("Unknown attachment status '" + ShapeValidator.clip(r.status())
                        + "' for attachment " + name + "; expected one of " + List.of(AttachmentStatus.values())
                        + ".");
            }
            if (r.privateIPv4Address() != null && !r.privateIPv4Address().matches(IPV4)) {
                throw AwsException.invalidParameter(
                        "'privateIPv4Address' of attachment " + name + " is not an IPv4 address.");
            }
            if (r.macAddress() != null && !r.macAddress().matches(MAC)) {
                throw AwsException.invalidParameter("'macAddress' of attachment " + name + " is not a MAC address.");
            }
        }
    }

    /** {@code t} with the checked {@code reports} applied; refuses one naming an attachment the task does not have. */
    static TaskRow apply(TaskRow t, List<AttachmentStateReport> reports) {
        TaskRow next = t;
        for (AttachmentStateReport r : reports) {
            EniAttachment eni = next.launch().eni();
            if (eni == null || !names(r.attachmentArn(), eni.attachmentId())) {
                throw AwsException.invalidParameter(
                        "Task " + t.arn() + " has no attachment " + ShapeValidator.clip(r.attachmentArn()) + ".");
            }
            AttachmentStatus reported = AttachmentStatus.fromWire(r.status());
            AttachmentStatus status =
                    eni.status() != null && reported.compareTo(eni.status()) < 0 ? eni.status() : reported;
            next = AgentTaskRows.withAgentEni(
                    next,
                    new EniAttachment(
                            eni.attachmentId(),
                            status,
                            eni.networkInterfaceId(),
                            eni.subnetId(),
                            eni.securityGroups(),
                            eni.networkName(),
                            r.privateIPv4Address(),
                            r.macAddress()));
        }
        return next;
    }

    /** True when {@code ref} is the attachment id or an ARN ending in {@code /<id>}. */
    private static boolean names(String ref, String attachmentId) {
        return attachmentId != null && (ref.equals(attachmentId) || ref.endsWith("/" + attachmentId));
    }
}
