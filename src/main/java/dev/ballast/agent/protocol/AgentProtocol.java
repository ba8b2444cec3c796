package dev.ballast.agent.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The protocol between the server and its agents (docs/agent-protocol.md): AWS JSON 1.1 calls, ECS's own
 * {@code SubmitTaskStateChange} and {@code SubmitContainerStateChange} under {@link #ECS_TARGET_PREFIX}, and
 * Ballast's extension ({@code PollTasks}, {@code Heartbeat}) under {@link #EXTENSION_TARGET_PREFIX}. The
 * extension's target prefix is the protocol's version ({@link #VERSION}); members are only ever added, and a
 * reader ignores members it does not know, so an agent and a server of different releases of one version
 * understand each other. A change that is not additive gets a new target prefix.
 */
public final class AgentProtocol {
    /** The protocol version: the date in the extension's target prefix. */
    public static final String VERSION = "2026-11-28";
    /** The {@code X-Amz-Target} prefix of the extension operations. */
    public static final String EXTENSION_TARGET_PREFIX = "BallastAgent_20261128";
    /** The {@code X-Amz-Target} prefix of the ECS operations (ECS API version 2014-11-13). */
    public static final String ECS_TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113";
    /** The signed header in which an agent names its container instance on state-change reports. */
    public static final String INSTANCE_HEADER = "X-Ballast-Container-Instance";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .defaultPropertyInclusion(
                    JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .build();

    private AgentProtocol() {}

    /**
     * The mapper for the wire records: absent members are not written, members a reader does not know are ignored
     * (see the compatibility rule above).
     */
    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
