package dev.ballast.cli;

import dev.ballast.agent.AgentTasks;
import dev.ballast.agent.ControlPlane;
import java.util.Map;
import java.util.TreeMap;

/**
 * A control plane through which an agent's registration publishes extra attributes, as the server's or the
 * agent's options say (e.g. {@code ballast.serverless=true}: the instance offers serverless, FARGATE, capacity).
 */
final class OfferedAttributes implements ControlPlane {
    private final ControlPlane delegate;
    private final Map<String, String> extra;

    private OfferedAttributes(ControlPlane delegate, Map<String, String> extra) {
        this.delegate = delegate;
        this.extra = Map.copyOf(extra);
    }

    /** {@code delegate}, whose registrations also publish {@code extra} (which win over the runtime's). */
    static ControlPlane adding(ControlPlane delegate, Map<String, String> extra) {
        return extra.isEmpty() ? delegate : new OfferedAttributes(delegate, extra);
    }

    /** {@code attributes} with {@code extra} added. */
    static Map<String, String> with(Map<String, String> attributes, Map<String, String> extra) {
        Map<String, String> all = new TreeMap<>(attributes);
        all.putAll(extra);
        return all;
    }

    @Override
    public String register(Registration r) {
        return delegate.register(new Registration(
                r.cluster(),
                r.arn(),
                r.ec2InstanceId(),
                r.cpu(),
                r.memory(),
                with(r.attributes(), extra),
                r.agentVersion()));
    }

    @Override
    public void heartbeat(String instanceArn, long now) {
        delegate.heartbeat(instanceArn, now);
    }

    @Override
    public AgentTasks tasks(String instanceArn) {
        return delegate.tasks(instanceArn);
    }
}
