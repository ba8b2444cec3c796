package dev.ballast.api;

import java.util.List;

/**
 * The task-level CPU and memory combinations Fargate offers (ECS developer guide, "Task CPU and memory"): a task
 * definition that requires FARGATE must name one of them. Ballast sizes a FARGATE task on the agent's serverless
 * capacity by them.
 */
final class FargateSizes {
    /** One CPU size and the memory sizes (MiB) offered with it: {@code from} to {@code to} in {@code step}s. */
    private record Row(long cpu, long from, long to, long step) {}

    private static final List<Row> ROWS = List.of(
            new Row(256, 512, 512, 1), // 256 CPU: 512, 1024 and 2048 MiB (below)
            new Row(256, 1024, 2048, 1024),
            new Row(512, 1024, 4096, 1024),
            new Row(1024, 2048, 8192, 1024),
            new Row(2048, 4096, 16384, 1024),
            new Row(4096, 8192, 30720, 1024),
            new Row(8192, 16384, 61440, 4096),
            new Row(16384, 32768, 122880, 8192));

    private FargateSizes() {}

    /** Whether Fargate offers {@code cpu} units with {@code memory} MiB. */
    static boolean offered(long cpu, long memory) {
        for (Row r : ROWS) {
            if (r.cpu() == cpu && memory >= r.from() && memory <= r.to() && (memory - r.from()) % r.step() == 0) {
                return true;
            }
        }
        return false;
    }

    /** Refuses a combination Fargate does not offer, with ECS's error. */
    static void check(long cpu, long memory) {
        if (!offered(cpu, memory)) {
            throw AwsException.client("No Fargate configuration exists for given values: " + cpu + " CPU, " + memory
                    + " memory. See the Amazon ECS documentation for the valid values.");
        }
    }
}
