package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.model.TaskStatus;
import dev.ballast.schedule.ClusterQuery;
import dev.ballast.schedule.InvalidQueryException;
import dev.ballast.store.InstanceRow;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;
import dev.ballast.store.Versioned;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** ListContainerInstances' {@code filter}: the cluster's instances that a cluster query language expression selects. */
final class InstanceFilter {
    private InstanceFilter() {}

    /**
     * Up to {@code limit} instances of {@code cluster} (in {@code status}, else any but INACTIVE) after the
     * page position {@code after}, in ARN order, that {@code filter} selects.
     */
    static List<InstanceRow> matching(
            Store store, String cluster, String status, String filter, JsonNode after, int limit) {
        ClusterQuery query;
        try {
            query = ClusterQuery.parse(filter);
        } catch (InvalidQueryException e) {
            throw AwsException.invalidParameter("Invalid 'filter': " + e.getMessage());
        }
        Map<String, List<String>> groups = new HashMap<>();
        Map<String, Integer> running = new HashMap<>();
        if (query.readsTasks()) {
            for (TaskRow t : store.tasks().liveInCluster(cluster)) {
                if (!t.isStopped() && t.containerInstanceArn() != null) {
                    groups.computeIfAbsent(t.containerInstanceArn(), k -> new ArrayList<>())
                            .add(t.group());
                    if (t.lastStatus().equals(TaskStatus.RUNNING.wire())) {
                        running.merge(t.containerInstanceArn(), 1, Integer::sum);
                    }
                }
            }
        }
        String from = after == null ? "" : after.path("arn").asText();
        List<InstanceRow> out = new ArrayList<>();
        for (Versioned<InstanceRow> v : store.instances().inCluster(cluster, status)) {
            InstanceRow i = v.value();
            if (i.arn().compareTo(from) > 0
                    && query.matches(i, groups.getOrDefault(i.arn(), List.of()), running.getOrDefault(i.arn(), 0))) {
                out.add(i);
                if (out.size() == limit) {
                    break;
                }
            }
        }
        return out;
    }
}
