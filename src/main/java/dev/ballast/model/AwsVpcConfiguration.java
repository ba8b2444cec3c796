package dev.ballast.model;

import java.util.List;

/**
 * A request's {@code networkConfiguration.awsvpcConfiguration}: the subnets and security groups an awsvpc
 * task's network interface is placed in. On Ballast a subnet names an engine network on the host (see
 * docs/networking.md).
 *
 * @param assignPublicIp {@code ENABLED} or {@code DISABLED} as written, or null
 */
public record AwsVpcConfiguration(List<String> subnets, List<String> securityGroups, String assignPublicIp) {
    public AwsVpcConfiguration {
        subnets = subnets == null ? List.of() : List.copyOf(subnets);
        securityGroups = securityGroups == null ? List.of() : List.copyOf(securityGroups);
    }
}
