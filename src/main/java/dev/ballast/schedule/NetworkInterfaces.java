package dev.ballast.schedule;

import dev.ballast.core.Ids;
import dev.ballast.model.AttachmentStatus;
import dev.ballast.model.AwsVpcConfiguration;
import dev.ballast.model.EniAttachment;
import dev.ballast.model.NetworkMode;
import dev.ballast.model.TaskDefinition;
import dev.ballast.model.TaskLaunch;
import dev.ballast.store.TaskRow;
import java.util.List;
import java.util.UUID;

/**
 * The network interfaces of one launch's awsvpc tasks, named by the server (docs/networking.md): a UUID
 * attachment id, an {@code eni-} id of 17 hex digits, the next of the request's subnets (tasks are spread over
 * them round-robin, counting on from the group's live tasks), its security groups and the engine network the
 * subnet maps to; PRECREATED until the agent reports the address its engine gave the task's namespace.
 */
final class NetworkInterfaces {
    private final Launcher.Launch launch;
    private final boolean awsvpc;
    private final Ids ids;
    private final SubnetNetworks networks;
    private int next;

    NetworkInterfaces(Launcher.Launch launch, TaskDefinition td, List<TaskRow> live, Ids ids, SubnetNetworks networks) {
        this.launch = launch;
        this.ids = ids;
        this.networks = networks;
        this.awsvpc =
                td.effectiveNetworkMode() == NetworkMode.AWSVPC && launch.spec().awsvpc() != null;
        this.next = (int)
                live.stream().filter(t -> launch.group().equals(t.group())).count();
    }

    /** {@code how} with the next task's interface, when the launch is awsvpc. */
    TaskLaunch next(TaskLaunch how) {
        if (!awsvpc) {
            return how;
        }
        AwsVpcConfiguration vpc = launch.spec().awsvpc();
        String subnet = vpc.subnets().get(next++ % vpc.subnets().size());
        return how.withEni(new EniAttachment(
                UUID.randomUUID().toString(),
                AttachmentStatus.PRECREATED,
                "eni-" + ids.hex32().substring(0, 17),
                subnet,
                vpc.securityGroups(),
                networks.networkOf(launch.cluster(), subnet).orElse(SubnetNetworks.clusterNetwork(launch.cluster())),
                null,
                null));
    }
}
