package dev.ballast.api;

import java.util.List;
import java.util.Map;

/**
 * ECS operations of features Ballast does not serve, answered with {@code UnsupportedFeatureException} naming the
 * feature rather than {@code UnknownOperationException}: task sets, which belong to the EXTERNAL deployment
 * controller (CreateService refuses that controller in {@link Unserved}).
 */
final class UnservedOperations {
    private static final List<String> TASK_SETS = List.of(
            "CreateTaskSet", "DeleteTaskSet", "DescribeTaskSets", "UpdateTaskSet", "UpdateServicePrimaryTaskSet");

    private UnservedOperations() {}

    static void register(Map<String, Operation> ops) {
        for (String op : TASK_SETS) {
            ops.put(op, (in, call) -> {
                throw new AwsException(
                        "UnsupportedFeatureException",
                        400,
                        op + ": task sets (the EXTERNAL and CODE_DEPLOY deployment controllers) are not served by "
                                + "Ballast: services use the ECS (rolling update) deployment controller.");
            });
        }
    }
}
