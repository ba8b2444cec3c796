package dev.ballast.deploy;

import dev.ballast.testing.EcsTasks;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;

/** Small reads through the SDK used by the deployment tests. */
final class EcsHelpers {
    private EcsHelpers() {}

    static Service service(EcsClient ecs, String cluster, String name) {
        return ecs.describeServices(r -> r.cluster(cluster).services(name))
                .services()
                .get(0);
    }

    /** Steady as the CLI waiter sees it, and the deployment has been marked COMPLETED. */
    static boolean stable(EcsClient ecs, String cluster, String name) {
        Service s = service(ecs, cluster, name);
        return s.deployments().size() == 1
                && s.runningCount().equals(s.desiredCount()) // Integers: == fails above 127
                && s.pendingCount() == 0
                && "COMPLETED".equals(s.deployments().get(0).rolloutStateAsString());
    }

    static List<Task> tasks(EcsClient ecs, String cluster, String service, DesiredStatus status) {
        List<String> arns = ecs
                .listTasksPaginator(r -> r.cluster(cluster).serviceName(service).desiredStatus(status))
                .taskArns()
                .stream()
                .toList();
        if (arns.isEmpty()) {
            return List.of();
        }
        List<Task> out = new ArrayList<>();
        for (int i = 0; i < arns.size(); i += 100) {
            List<String> batch = arns.subList(i, Math.min(arns.size(), i + 100));
            out.addAll(ecs.describeTasks(r -> r.cluster(cluster).tasks(batch)).tasks());
        }
        return out;
    }

    static Container container(Task t, String name) {
        return EcsTasks.container(t, name);
    }
}
