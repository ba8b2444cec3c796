package dev.ballast.model;

/**
 * How a task was launched, beyond its task definition: launch type, the capacity provider it was placed
 * through, the platform version (FARGATE), and its network interface (awsvpc).
 *
 * @param capacityProviderName null when no capacity provider strategy placed it
 * @param platformVersion the concrete platform version of a FARGATE task, else null
 * @param eni the awsvpc task's network interface, else null
 */
public record TaskLaunch(
        LaunchType launchType, String capacityProviderName, String platformVersion, EniAttachment eni) {
    /** A task launched as every task was before launch types: EC2, no provider, no interface. */
    public static final TaskLaunch EC2 = new TaskLaunch(LaunchType.EC2, null, null, null);

    public TaskLaunch {
        launchType = launchType == null ? LaunchType.EC2 : launchType;
    }

    public TaskLaunch withEni(EniAttachment e) {
        return new TaskLaunch(launchType, capacityProviderName, platformVersion, e);
    }
}
