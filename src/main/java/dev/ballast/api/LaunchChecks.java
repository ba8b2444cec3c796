package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.core.ModelJson;
import dev.ballast.model.AwsVpcConfiguration;
import dev.ballast.model.LaunchSpec;
import dev.ballast.model.LaunchType;
import dev.ballast.model.NetworkMode;
import dev.ballast.model.TaskDefinition;
import dev.ballast.schedule.PlatformVersions;
import dev.ballast.schedule.SubnetNetworks;
import java.util.Set;

/**
 * ECS's checks of the launch type, platform version and awsvpc network configuration of RunTask, CreateService
 * and UpdateService (for UpdateService: the service's configuration with the request applied) against the task
 * definition they launch from. Each error is ECS's text where ECS has one, and names the input at fault.
 */
final class LaunchChecks {
    static final int MAX_SUBNETS = 16;
    static final int MAX_SECURITY_GROUPS = 5;
    private static final String ENABLED = "ENABLED";
    private static final Set<String> ASSIGN_PUBLIC_IP = Set.of(ENABLED, "DISABLED");

    private LaunchChecks() {}

    /**
     * Refuses launch members that ECS would refuse with this task definition; returns them as the model reads them.
     *
     * @param members the request (or the service's configuration with the request applied)
     * @param cluster the cluster the tasks launch in (its subnets map to networks)
     */
    static LaunchSpec check(JsonNode members, TaskDefinition td, String cluster, SubnetNetworks networks) {
        LaunchSpec spec;
        try {
            spec = ModelJson.launchSpec(members);
        } catch (IllegalArgumentException e) {
            throw AwsException.invalidParameter("Invalid launch parameters: " + e.getMessage());
        }
        // a capacity provider strategy (and no launch type) decides the launch type: FARGATE through the built-in
        // providers, EC2 through pools
        LaunchType type = spec.effectiveLaunchType();
        if (type == LaunchType.FARGATE && !td.compatibleWith(LaunchType.FARGATE)) {
            throw AwsException.invalidParameter("Task definition does not support launch_type FARGATE.");
        }
        String platform = spec.platformVersion();
        if (platform != null && type == LaunchType.EC2) {
            throw AwsException.invalidParameter(
                    "The platform version must be null when specifying an EC2 launch type.");
        }
        if (platform != null && PlatformVersions.concrete(platform).isEmpty()) {
            throw new AwsException(
                    "PlatformUnknownException",
                    400,
                    "The specified platform version does not exist: '" + ShapeValidator.clip(platform)
                            + "'. Ballast accepts LATEST (" + PlatformVersions.CURRENT + "), "
                            + PlatformVersions.CURRENT + " and 1.3.0.");
        }
        boolean configured = members.path("networkConfiguration").has("awsvpcConfiguration");
        if (td.effectiveNetworkMode() != NetworkMode.AWSVPC) {
            if (configured) {
                throw AwsException.invalidParameter(
                        "Network Configuration is not valid for the given networkMode of this task definition.");
            }
            return spec;
        }
        AwsVpcConfiguration vpc = spec.awsvpc();
        if (vpc == null) {
            throw AwsException.invalidParameter(
                    "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
        }
        checkAwsVpc(vpc, type, cluster, networks);
        return spec;
    }

    private static void checkAwsVpc(AwsVpcConfiguration vpc, LaunchType type, String cluster, SubnetNetworks networks) {
        if (vpc.subnets().isEmpty()) {
            throw AwsException.invalidParameter("subnets can not be empty.");
        }
        if (vpc.subnets().size() > MAX_SUBNETS) {
            throw AwsException.invalidParameter("subnets can have at most " + MAX_SUBNETS + " items, got "
                    + vpc.subnets().size() + ".");
        }
        if (vpc.securityGroups().size() > MAX_SECURITY_GROUPS) {
            throw AwsException.invalidParameter("securityGroups can have at most " + MAX_SECURITY_GROUPS
                    + " items, got " + vpc.securityGroups().size() + ".");
        }
        for (String g : vpc.securityGroups()) {
            if (g == null || g.isBlank()) {
                throw AwsException.invalidParameter(
                        "Invalid security group '' in 'awsvpcConfiguration.securityGroups'.");
            }
        }
        String assign = vpc.assignPublicIp();
        if (assign != null && !ASSIGN_PUBLIC_IP.contains(assign)) {
            throw AwsException.invalidParameter(
                    "Invalid 'assignPublicIp' '" + ShapeValidator.clip(assign) + "': ENABLED or DISABLED.");
        }
        if (ENABLED.equals(assign) && type == LaunchType.EC2) {
            throw AwsException.invalidParameter("Assign public IP is not supported for this launch type.");
        }
        for (String subnet : vpc.subnets()) {
            if (subnet == null || subnet.isBlank()) {
                throw AwsException.invalidParameter("Invalid subnet '' in 'awsvpcConfiguration.subnets'.");
            }
            if (networks.networkOf(cluster, subnet).isEmpty()) {
                throw AwsException.invalidParameter("Subnet '" + ShapeValidator.clip(subnet)
                        + "' is not mapped to an engine network on this server (mapped subnets: "
                        + String.join(
                                ", ",
                                networks.mappings().keySet().stream().sorted().toList())
                        + "); map it with --subnet-network " + ShapeValidator.clip(subnet)
                        + "=NETWORK (docs/networking.md).");
            }
        }
    }
}
