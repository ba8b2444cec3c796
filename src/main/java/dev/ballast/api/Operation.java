package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.agent.protocol.AgentProtocol;

/** One ECS API operation: takes the validated input members, returns the output members. */
@FunctionalInterface
public interface Operation {
    JsonNode handle(ObjectNode input, Call call);

    /**
     * Facts about the call an operation may need: the request id, the calling principal and, for calls
     * from a container instance's agent, the instance it names in {@value #INSTANCE_HEADER} (null otherwise;
     * the header is covered by the SigV4 signature like every other).
     */
    record Call(String requestId, String principalArn, String containerInstance) {
        public Call(String requestId, String principalArn) {
            this(requestId, principalArn, null);
        }
    }

    /** The header a remote agent names its container instance in (docs/agent-protocol.md). */
    String INSTANCE_HEADER = AgentProtocol.INSTANCE_HEADER;
}
