package dev.ballast.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.store.InstanceRow;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reasons placement gives when nothing can take a task, and the service events that quote them. */
class PlacementFailuresTest {
    private static final Demand SMALL = new Demand(128, 64);

    @Test
    void an_empty_cluster_has_no_container_instances() {
        Placement.Result r = Placement.place(List.of(), List.of(), SMALL, 1);
        assertThat(r.instanceArns()).isEmpty();
        assertThat(r.failureReason()).isEqualTo("No Container Instances were found in your cluster.");
    }

    @Test
    void a_registered_instance_whose_agent_is_disconnected_is_not_a_missing_instance() {
        Placement.Result r = Placement.place(List.of(instance("a", "ACTIVE", false)), List.of(), SMALL, 1);
        assertThat(r.instanceArns()).isEmpty();
        assertThat(r.failureReason()).isEqualTo("AGENT");
        assertThat(PlacementFailures.serviceEvent("web", r.failureReason()))
                .doesNotContain("No Container Instances")
                .isEqualTo(
                        "(service web) was unable to place a task because no container instance met all of its requirements."
                                + " The closest matching container-instance encountered error \"AGENT\": the cluster's container"
                                + " instances are registered, but their agents are disconnected.");
    }

    @Test
    void a_draining_instance_alone_counts_as_none() {
        Placement.Result r = Placement.place(List.of(instance("a", "DRAINING", false)), List.of(), SMALL, 1);
        assertThat(r.failureReason()).isEqualTo(PlacementFailures.NO_INSTANCES);
    }

    @Test
    void service_events_end_in_one_period() {
        assertThat(PlacementFailures.serviceEvent("web", PlacementFailures.NO_INSTANCES))
                .endsWith("Reason: No Container Instances were found in your cluster.")
                .doesNotContain("..");
        assertThat(PlacementFailures.serviceEvent("web", "RESOURCE:MEMORY")).endsWith("Reason: RESOURCE:MEMORY.");
    }

    private static InstanceRow instance(String id, String status, boolean connected) {
        return new InstanceRow(
                "arn:aws:ecs:us-east-1:000000000000:container-instance/default/" + id,
                "default",
                "arn:aws:ecs:us-east-1:000000000000:cluster/default",
                "i-" + id,
                status,
                connected,
                1024,
                1024,
                Map.of(),
                "ballast-test",
                0L,
                null,
                0L);
    }
}
