package dev.ballast.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.core.HostPorts;
import dev.ballast.model.ContainerInstanceStatus;
import dev.ballast.model.TaskStatus;
import dev.ballast.schedule.Capacity;
import dev.ballast.schedule.TaskPorts;
import dev.ballast.store.InstanceRow;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;
import dev.ballast.store.Versioned;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders a container instance as the ECS {@code ContainerInstance} shape. Remaining CPU and memory are the
 * registered amounts less what the instance's tasks that are not STOPPED reserve; remaining {@code PORTS}
 * and {@code PORTS_UDP}, as in ECS, list the ports that are taken: the registered (reserved) ones plus
 * those tasks' fixed host ports. Running and pending counts are over the same tasks.
 */
final class InstanceDocs {
    private InstanceDocs() {}

    static ObjectNode instance(Versioned<InstanceRow> v, boolean tags, Store store, TaskPorts ports) {
        InstanceRow i = v.value();
        List<TaskRow> live = i.status().equals(ContainerInstanceStatus.INACTIVE.wire())
                ? List.of()
                : store.tasks().forInstance(i.arn()).stream()
                        .map(Versioned::value)
                        .toList();
        int usedCpu = live.stream().mapToInt(TaskRow::cpu).sum();
        int usedMemory = live.stream().mapToInt(TaskRow::memory).sum();
        HostPorts taken = live.stream().map(ports::of).reduce(i.reserved(), HostPorts::plus);
        int running = (int) live.stream()
                .filter(t -> t.lastStatus().equals(TaskStatus.RUNNING.wire()))
                .count();
        ObjectNode out = Json.object();
        out.put("containerInstanceArn", i.arn());
        out.put("ec2InstanceId", i.ec2InstanceId());
        Capacity.providerOf(i, store).ifPresent(p -> out.put("capacityProviderName", p));
        out.put("version", v.version());
        out.putObject("versionInfo").put("agentVersion", i.agentVersion());
        out.set("remainingResources", resources(i.cpu() - usedCpu, i.memory() - usedMemory, taken));
        out.set("registeredResources", resources(i.cpu(), i.memory(), i.reserved()));
        out.put("status", i.status());
        if (i.statusReason() != null) {
            out.put("statusReason", i.statusReason());
        }
        out.put("agentConnected", i.agentConnected());
        out.put("runningTasksCount", running);
        out.put("pendingTasksCount", live.size() - running);
        ArrayNode attributes = out.putArray("attributes");
        new TreeMap<>(i.attributes() == null ? Map.<String, String>of() : i.attributes())
                .forEach((name, value) ->
                        attributes.addObject().put("name", name).put("value", value));
        out.put("registeredAt", TaskDefinitionDocs.seconds(i.registeredAt()));
        out.putArray("attachments");
        if (tags) {
            out.set("tags", Params.tagsJson(store.tags().list(i.arn())));
        }
        return out;
    }

    private static ArrayNode resources(int cpu, int memory, HostPorts ports) {
        ArrayNode a = Json.mapper().createArrayNode();
        a.addObject().put("name", "CPU").put("type", "INTEGER").put("integerValue", cpu);
        a.addObject().put("name", "MEMORY").put("type", "INTEGER").put("integerValue", memory);
        ArrayNode tcp =
                a.addObject().put("name", "PORTS").put("type", "STRINGSET").putArray("stringSetValue");
        ports.tcp().forEach(p -> tcp.add(Integer.toString(p)));
        ArrayNode udp =
                a.addObject().put("name", "PORTS_UDP").put("type", "STRINGSET").putArray("stringSetValue");
        ports.udp().forEach(p -> udp.add(Integer.toString(p)));
        return a;
    }
}
