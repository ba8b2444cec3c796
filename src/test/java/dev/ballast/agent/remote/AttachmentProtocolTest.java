package dev.ballast.agent.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.agent.AgentTask;
import dev.ballast.agent.protocol.AgentProtocol;
import dev.ballast.agent.protocol.AttachmentStateReport;
import dev.ballast.agent.protocol.PollTasksResponse;
import dev.ballast.agent.protocol.PolledTask;
import dev.ballast.agent.protocol.TaskEntry;
import dev.ballast.agent.protocol.TaskStateReport;
import dev.ballast.model.AttachmentStatus;
import dev.ballast.model.EniAttachment;
import dev.ballast.model.LaunchType;
import dev.ballast.model.TaskLaunch;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The awsvpc members of the agent protocol, through the protocol's own mapper: a polled task's {@code launch} reaches
 * the agent's task; the agent's report carries the attachment when it changed, and only then; an older agent's
 * report (no {@code attachments}) and an older server's poll (no {@code launch}) still read.
 */
class AttachmentProtocolTest {

    static final EniAttachment PRECREATED = new EniAttachment(
            "9f1c8a52-1d7e-4c1a-9b59-0d6a8f1e2b3c",
            AttachmentStatus.PRECREATED,
            "eni-0123456789abcdef0",
            "subnet-a",
            List.of("sg-a", "sg-b"),
            "ballast-subnet-a",
            null,
            null);

    static PolledTask polled(TaskLaunch launch) {
        return new PolledTask(
                "arn:aws:ecs:us-east-1:000000000000:task/default/0123",
                "default",
                "arn:aws:ecs:us-east-1:000000000000:cluster/default",
                "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1",
                null,
                null,
                null,
                "family:web",
                "arn:aws:ecs:us-east-1:000000000000:container-instance/default/i",
                "RUNNING",
                "PROVISIONING",
                List.of(),
                null,
                null,
                null,
                256,
                512,
                1L,
                null,
                null,
                null,
                null,
                null,
                3,
                false,
                launch);
    }

    static AgentTask roundTrip(PolledTask task) throws Exception {
        JsonNode wire = AgentProtocol.mapper()
                .valueToTree(new PollTasksResponse("i", "ACTIVE", 10, List.of(new TaskEntry(task, null))));
        String text = AgentProtocol.mapper().writeValueAsString(wire);
        PollTasksResponse read = AgentProtocol.mapper().readValue(text, PollTasksResponse.class);
        return RemoteTasks.toAgent(read.tasks().getFirst(), 1, null);
    }

    @Test
    void a_polled_awsvpc_task_reaches_the_agent_with_its_attachment() throws Exception {
        TaskLaunch launch = new TaskLaunch(LaunchType.FARGATE, "FARGATE", "1.4.0", PRECREATED);
        JsonNode wire = AgentProtocol.mapper().valueToTree(polled(launch));
        assertThat(wire.path("launch").path("eni").path("status").asText()).isEqualTo("PRECREATED");
        assertThat(wire.path("launch").path("launchType").asText()).isEqualTo("FARGATE");
        assertThat(wire.path("launch").path("eni").has("privateIPv4Address")).isFalse();

        AgentTask task = roundTrip(polled(launch));

        assertThat(task.launch()).isEqualTo(launch);
        assertThat(task.eni()).isEqualTo(PRECREATED);
    }

    @Test
    void a_poll_without_launch_is_a_plain_ec2_task() throws Exception {
        AgentTask task = roundTrip(polled(null));
        assertThat(task.launch()).isEqualTo(TaskLaunch.EC2);
        assertThat(task.eni()).isNull();
    }

    @Test
    void the_report_carries_the_attachment_when_the_agent_changed_it_and_only_then() throws Exception {
        AgentTask before = roundTrip(polled(TaskLaunch.EC2.withEni(PRECREATED)));
        EniAttachment attached = new EniAttachment(
                PRECREATED.attachmentId(),
                AttachmentStatus.ATTACHED,
                PRECREATED.networkInterfaceId(),
                PRECREATED.subnetId(),
                PRECREATED.securityGroups(),
                PRECREATED.networkName(),
                "10.88.0.7",
                "02:42:0a:58:00:07");
        AgentTask after = before.withEni(attached);

        TaskStateReport report = RemoteTasks.report("default", before, after);
        String text = AgentProtocol.mapper().writeValueAsString(report);
        TaskStateReport read = AgentProtocol.mapper().readValue(text, TaskStateReport.class);

        assertThat(read.attachments())
                .containsExactly(new AttachmentStateReport(
                        PRECREATED.attachmentId(), "ATTACHED", "10.88.0.7", "02:42:0a:58:00:07"));
        TaskStateReport unchanged = RemoteTasks.report("default", after, after);
        assertThat(unchanged.attachments()).isEmpty();
        assertThat(AgentProtocol.mapper().valueToTree(unchanged).has("attachments"))
                .as("no attachments member when nothing changed (what an older server saw before)")
                .isFalse();
    }

    @Test
    void an_older_agents_report_without_attachments_reads_as_none() throws Exception {
        TaskStateReport read = AgentProtocol.mapper()
                .readValue("{\"cluster\":\"default\",\"task\":\"t\",\"status\":\"RUNNING\"}", TaskStateReport.class);
        assertThat(read.attachments()).isEmpty();
    }
}
