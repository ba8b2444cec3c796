package dev.ballast.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.store.ClientTokenClaim;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * RunTask's {@code clientToken} (ECS "Ensuring idempotency"): the first call that inserts tasks claims the
 * token in the same transaction ({@link ClientTokenClaim}); a repeat with the same parameters answers the
 * first call's tasks, one with different parameters is a {@code ConflictException} naming them.
 */
final class RunTaskTokens {
    private static final ObjectMapper SORTED = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private RunTaskTokens() {}

    /** The claim for {@code token} on {@code cluster}, fingerprinting the request's other members. */
    static ClientTokenClaim claim(String cluster, String token, ObjectNode request) {
        ObjectNode rest = request.deepCopy();
        rest.remove(List.of("clientToken", "cluster"));
        try {
            byte[] canonical = SORTED.writeValueAsBytes(SORTED.convertValue(rest, Object.class));
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical);
            return new ClientTokenClaim(cluster, token, HexFormat.of().formatHex(digest));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("fingerprint RunTask request", e);
        }
    }

    /**
     * The tasks of the call that claimed the token, if one did.
     *
     * @throws AwsException {@code ConflictException} when that call had different parameters
     */
    static Optional<List<TaskRow>> previous(Store store, ClientTokenClaim claim) {
        Optional<String> hash = store.tasks().clientTokenHash(claim.cluster(), claim.token());
        if (hash.isEmpty()) {
            return Optional.empty();
        }
        List<TaskRow> tasks = store.tasks().byClientToken(claim.cluster(), claim.token());
        // "" marks a token claimed before fingerprints were kept: any parameters match it
        if (!hash.get().isEmpty() && !hash.get().equals(claim.requestHash())) {
            throw AwsException.clientTokenConflict(
                    tasks.stream().map(TaskRow::arn).toList());
        }
        return Optional.of(tasks);
    }
}
