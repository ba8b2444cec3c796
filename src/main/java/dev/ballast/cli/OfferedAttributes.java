package dev.ballast.cli;

import dev.ballast.agent.AgentTasks;
import dev.ballast.agent.ControlPlane;
import dev.ballast.schedule.Capacity;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A control plane through which an agent's registration publishes extra attributes, as the server's or the
 * agent's options say (e.g. {@code ballast.serverless=true}: the instance offers serverless, FARGATE, capacity).
 */
final class OfferedAttributes implements ControlPlane {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.\\-/]{1,128}");
    private static final Pattern VALUE = Pattern.compile("[a-zA-Z0-9_.\\-/@: ]{1,128}");
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

    /**
     * What an instance offers beyond its runtime's attributes: the user's {@code --attribute}s, and
     * {@code ballast.serverless=true} when it offers serverless capacity.
     */
    static Map<String, String> offered(Map<String, String> attributes, boolean serverless) {
        Map<String, String> all = new TreeMap<>(attributes);
        if (serverless) {
            all.put(Capacity.SERVERLESS_ATTRIBUTE, "true");
        }
        return all;
    }

    /**
     * The {@code NAME=VALUE} attributes given on the command line, checked as ECS checks attribute names and values.
     *
     * @throws IllegalArgumentException naming the option and the attribute when one is malformed
     */
    static Map<String, String> checked(String option, Map<String, String> given) {
        Map<String, String> out = new TreeMap<>();
        given.forEach((name, value) -> {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        option + ": attribute name '" + name
                                + "' must be 1-128 letters, digits, hyphens, underscores, periods or slashes (as PutAttributes accepts).");
            }
            if (!VALUE.matcher(value).matches() || !value.equals(value.strip())) {
                throw new IllegalArgumentException(
                        option + ": the value of attribute '" + name
                                + "' must be 1-128 letters, digits, hyphens, underscores, periods, at signs, slashes, colons or inner spaces (as PutAttributes accepts).");
            }
            out.put(name, value);
        });
        return out;
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
