package dev.ballast.agent.simulated;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.agent.AgentTask;
import dev.ballast.agent.NetworkAddress;
import dev.ballast.model.AttachmentStatus;
import dev.ballast.model.DesiredStatus;
import dev.ballast.model.EniAttachment;
import dev.ballast.model.TaskLaunch;
import dev.ballast.model.TaskStatus;
import dev.ballast.registry.RegistryClient;
import dev.ballast.registry.RegistryConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The simulated runtime's made-up awsvpc addresses: one per task, the same for the same task, never shared. */
class SimulatedAddressesTest {

    static SimulatedRuntime runtime() {
        return new SimulatedRuntime("i", new RegistryClient(RegistryConfig.defaults(), new SimpleMeterRegistry()));
    }

    static AgentTask task(String id, boolean awsvpc) {
        EniAttachment eni = new EniAttachment(
                "att-" + id, AttachmentStatus.PRECREATED, "eni-" + id, "subnet-a", List.of(), "net-a", null, null);
        return new AgentTask(
                "arn:aws:ecs:us-east-1:000000000000:task/default/" + id,
                "default",
                null,
                "i",
                DesiredStatus.RUNNING,
                TaskStatus.PENDING,
                List.of(),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                1,
                awsvpc ? TaskLaunch.EC2.withEni(eni) : TaskLaunch.EC2);
    }

    @Test
    void an_awsvpc_task_gets_the_same_address_every_time_and_on_another_runtime_too() {
        NetworkAddress first = runtime().address(task("a", true), "c1").orElseThrow();
        SimulatedRuntime other = runtime();
        assertThat(other.address(task("a", true), "c1")).contains(first);
        assertThat(other.address(task("a", true), "c2")).contains(first);
        assertThat(first.privateIPv4Address()).matches("10\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}");
        assertThat(first.macAddress()).matches("02:42:0a(:[0-9a-f]{2}){3}");
    }

    @Test
    void no_two_tasks_of_a_runtime_share_an_address() {
        SimulatedRuntime runtime = runtime();
        Set<String> addresses = new HashSet<>();
        Set<String> macs = new HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            NetworkAddress a = runtime.address(task("t" + i, true), "c").orElseThrow();
            addresses.add(a.privateIPv4Address());
            macs.add(a.macAddress());
        }
        assertThat(addresses).hasSize(5_000);
        assertThat(macs).hasSize(5_000);
    }

    @Test
    void a_stopped_tasks_address_is_free_again() {
        // `kept` never stops a task, `freed` stops each before the next: once two ARNs map to one address, `kept`
        // probes past it while `freed` hands it out again (the same ARNs, in the same order: deterministic)
        SimulatedRuntime kept = runtime();
        SimulatedRuntime freed = runtime();
        int firstDifference = -1;
        for (int i = 0; i < 50_000 && firstDifference < 0; i++) {
            NetworkAddress probed = kept.address(task("t" + i, true), "k" + i).orElseThrow();
            NetworkAddress own = freed.address(task("t" + i, true), "f" + i).orElseThrow();
            freed.stop("f" + i, Duration.ZERO);
            if (!probed.equals(own)) {
                firstDifference = i;
            }
        }
        assertThat(firstDifference).as("an ARN whose address another task held").isPositive();
    }

    @Test
    void a_task_without_an_interface_gets_no_address() {
        assertThat(runtime().address(task("b", false), "c1")).isEmpty();
    }
}
