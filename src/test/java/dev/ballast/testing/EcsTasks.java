package dev.ballast.testing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.Task;

/** Reading one task through the SDK, as the end-to-end tests do. */
public final class EcsTasks {
    private EcsTasks() {}

    /** The task as DescribeTasks shows it now (default cluster). */
    public static Task describe(EcsClient ecs, String arn) {
        return ecs.describeTasks(r -> r.tasks(arn)).tasks().get(0);
    }

    /** Waits until the task meets {@code condition}; returns the description that met it. */
    public static Task await(EcsClient ecs, String what, String arn, Duration timeout, Predicate<Task> condition) {
        AtomicReference<Task> last = new AtomicReference<>();
        Eventually.await(what + " (" + arn + ")", timeout, () -> {
            last.set(describe(ecs, arn));
            return condition.test(last.get());
        });
        return last.get();
    }

    /** The task's container named {@code name}. */
    public static Container container(Task t, String name) {
        return t.containers().stream()
                .filter(c -> c.name().equals(name))
                .findFirst()
                .orElseThrow();
    }
}
