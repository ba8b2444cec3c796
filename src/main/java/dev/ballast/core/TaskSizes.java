package dev.ballast.core;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** ECS's task-level size strings: memory as MiB ("512") or GB ("1GB", "1 GB"); CPU as units ("1024") or vCPUs ("1 vCPU"). */
public final class TaskSizes {
    private static final Pattern MEMORY = Pattern.compile("(?i)\\s*(\\d+(?:\\.\\d+)?)\\s*(gb|mb|mib|gib)?\\s*");
    private static final Pattern CPU = Pattern.compile("(?i)\\s*(\\d+(?:\\.\\d+)?)\\s*(vcpu)?\\s*");

    private TaskSizes() {}

    /** MiB, or -1 when the text is not a memory size. */
    public static long memoryMiB(String text) {
        Matcher m = MEMORY.matcher(text);
        if (!m.matches()) {
            return -1;
        }
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
        return Math.round(unit.startsWith("g") ? v * 1024 : v);
    }

    /** CPU units, or -1 when the text is not a CPU size. */
    public static long cpuUnits(String text) {
        Matcher m = CPU.matcher(text);
        if (!m.matches()) {
            return -1;
        }
        double v = Double.parseDouble(m.group(1));
        return Math.round(m.group(2) == null ? v : v * 1024);
    }
}
