package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** One ECS API operation: takes the validated input members, returns the output members. */
@FunctionalInterface
public interface Operation {
    JsonNode handle(ObjectNode input, Call call);

    /** Facts about the call an operation may need: the request id and the calling principal. */
    record Call(String requestId, String principalArn) {}
}
