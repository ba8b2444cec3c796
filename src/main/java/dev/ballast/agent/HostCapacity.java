package dev.ballast.agent;

/**
 * What the host of a container instance has to offer: its CPUs and memory, as the container engine reports them.
 * An instance registers {@link #cpuUnits()} CPU units (ECS: 1,024 per core) and its memory minus a reserve for
 * what else runs on the host ({@link #memoryMiB(int)}, as the ECS agent's {@code ECS_RESERVED_MEMORY}).
 *
 * @param cpus the host's CPUs (cores, as the engine counts them)
 * @param memoryBytes the host's memory, bytes
 */
public record HostCapacity(int cpus, long memoryBytes) {
    /** CPU units per core, as ECS counts them. */
    public static final int UNITS_PER_CPU = 1024;

    public HostCapacity {
        if (cpus < 1 || memoryBytes < 1) {
            throw new IllegalArgumentException(
                    "host capacity must be positive, got " + cpus + " CPUs and " + memoryBytes + " bytes");
        }
    }

    /** The CPU units an instance on this host registers: 1,024 per CPU. */
    public int cpuUnits() {
        return (int) Math.min(Integer.MAX_VALUE, (long) cpus * UNITS_PER_CPU);
    }

    /**
     * The memory an instance on this host registers, MiB: the host's less {@code reservedMiB}.
     *
     * @throws IllegalArgumentException when the reserve leaves nothing
     */
    public int memoryMiB(int reservedMiB) {
        long total = memoryBytes / (1024 * 1024);
        long left = total - reservedMiB;
        if (reservedMiB < 0 || left < 1) {
            throw new IllegalArgumentException(
                    "reserved memory " + reservedMiB + " MiB leaves nothing of the host's " + total + " MiB");
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }
}
