package dev.ballast.store;

/**
 * A capacity provider created with CreateCapacityProvider (migration V14). It names a pool of container instances:
 * those whose attribute {@code ballast.auto-scaling-group} is {@link #groupName()}.
 *
 * @param autoScalingGroupArn as given: an Auto Scaling group ARN or a group name
 * @param doc the provider's {@code autoScalingGroupProvider} as ECS JSON
 */
public record CapacityProviderRow(
        String name, String arn, String autoScalingGroupArn, String doc, long createdAt, long updatedAt) {

    private static final String GROUP_NAME = "autoScalingGroupName/";

    /**
     * The Auto Scaling group's name: the part of the ARN after {@code autoScalingGroupName/}, or the whole value
     * when it is a name (ECS accepts both).
     */
    public String groupName() {
        int at = autoScalingGroupArn.indexOf(GROUP_NAME);
        return at < 0 ? autoScalingGroupArn : autoScalingGroupArn.substring(at + GROUP_NAME.length());
    }

    public CapacityProviderRow withDoc(String newDoc, long now) {
        return new CapacityProviderRow(name, arn, autoScalingGroupArn, newDoc, createdAt, now);
    }
}
