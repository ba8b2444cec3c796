package dev.ballast.core;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The account and region this Ballast installation presents itself as: every ARN it mints uses them.
 * ARNs follow ECS's long format, e.g. {@code arn:aws:ecs:us-east-1:000000000000:cluster/default}.
 */
public record Account(String accountId, String region) {
    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");

    public Account {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(region, "region");
        if (!ACCOUNT_ID.matcher(accountId).matches()) {
            throw new IllegalArgumentException("account id must be 12 digits, got \"" + accountId + "\"");
        }
        if (!REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("region must look like us-east-1, got \"" + region + "\"");
        }
    }

    public static Account defaults() {
        return new Account("000000000000", "us-east-1");
    }

    /** {@code arn:aws:ecs:<region>:<account>:} — the prefix of every ECS ARN of this account. */
    public String ecsArnPrefix() {
        return "arn:aws:ecs:" + region + ":" + accountId + ":";
    }

    public String clusterArn(String clusterName) {
        return ecsArnPrefix() + "cluster/" + clusterName;
    }

    public String taskDefinitionArn(String family, int revision) {
        return ecsArnPrefix() + "task-definition/" + family + ":" + revision;
    }

    public String serviceArn(String cluster, String service) {
        return ecsArnPrefix() + "service/" + cluster + "/" + service;
    }

    public String taskArn(String cluster, String id) {
        return ecsArnPrefix() + "task/" + cluster + "/" + id;
    }

    public String containerInstanceArn(String cluster, String id) {
        return ecsArnPrefix() + "container-instance/" + cluster + "/" + id;
    }

    public String serviceRevisionArn(String cluster, String service, String id) {
        return ecsArnPrefix() + "service-revision/" + cluster + "/" + service + "/" + id;
    }

    public String serviceDeploymentArn(String cluster, String service, String id) {
        return ecsArnPrefix() + "service-deployment/" + cluster + "/" + service + "/" + id;
    }

    /** The IAM principal every authenticated caller acts as (Ballast has no IAM users). */
    public String rootPrincipalArn() {
        return "arn:aws:iam::" + accountId + ":root";
    }
}
