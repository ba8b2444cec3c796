package dev.ballast.agent;

import dev.ballast.model.AttachmentStatus;
import dev.ballast.model.EniAttachment;
import java.util.Collection;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's part of an awsvpc task's network interface ({@link AgentTask#eni()}): the server names it at launch
 * (PRECREATED); the agent reports the address and MAC the runtime gave the task's namespace once a container runs
 * in it (ATTACHED), and DELETED once the task stopped (its namespace is gone with its containers). The server
 * owns every other field of the attachment.
 */
final class Attachments {
    private static final Logger LOG = LoggerFactory.getLogger(Attachments.class);

    private Attachments() {}

    /**
     * The task's interface as observed now: ATTACHED with its address when it was not yet and one of
     * {@code containers} runs in the namespace and the runtime can tell its address; otherwise as it was (null for
     * a task without one).
     */
    static EniAttachment observed(AgentTask task, Collection<AgentContainer> containers, ContainerRuntime runtime) {
        EniAttachment eni = task.eni();
        if (eni == null || eni.status() != null && eni.status() != AttachmentStatus.PRECREATED) {
            return eni;
        }
        for (AgentContainer c : containers) {
            if (c.runtimeId() == null || EcsStatus.containerState(c.lastStatus(), true) != ContainerState.RUNNING) {
                continue;
            }
            Optional<NetworkAddress> address;
            try {
                address = runtime.address(task, c.runtimeId());
            } catch (RuntimeException e) {
                // the engine did not answer: the containers run, the address is asked again next pass
                LOG.warn(
                        "agent task={}: cannot read the address of {}: {}",
                        task.arn(),
                        eni.networkName(),
                        e.toString());
                return eni;
            }
            if (address.isPresent()) {
                return attached(eni, address.get());
            }
        }
        return eni;
    }

    static EniAttachment attached(EniAttachment eni, NetworkAddress address) {
        return new EniAttachment(
                eni.attachmentId(),
                AttachmentStatus.ATTACHED,
                eni.networkInterfaceId(),
                eni.subnetId(),
                eni.securityGroups(),
                eni.networkName(),
                address.privateIPv4Address(),
                address.macAddress());
    }

    /** The task with its interface DELETED (its containers stopped); unchanged without one. Keeps the address. */
    static AgentTask released(AgentTask t) {
        EniAttachment eni = t.eni();
        if (eni == null || eni.status() == AttachmentStatus.DELETED) {
            return t;
        }
        return t.withEni(new EniAttachment(
                eni.attachmentId(),
                AttachmentStatus.DELETED,
                eni.networkInterfaceId(),
                eni.subnetId(),
                eni.securityGroups(),
                eni.networkName(),
                eni.privateIPv4Address(),
                eni.macAddress()));
    }

    /** {@code fresh} (the task as re-read for a write) with the interface as {@code observed} on an earlier read. */
    static AgentTask withObserved(AgentTask fresh, EniAttachment observed) {
        return fresh.eni() == null || observed == null || observed.equals(fresh.eni())
                ? fresh
                : fresh.withEni(observed);
    }
}
