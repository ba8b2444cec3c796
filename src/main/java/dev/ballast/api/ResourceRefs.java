package dev.ballast.api;

import dev.ballast.core.Account;
import dev.ballast.core.Names;
import java.util.Optional;

/** Reads the ways ECS lets callers name resources: short names or ARNs of this account and region. */
final class ResourceRefs {
    private final Account account;

    ResourceRefs(Account account) {
        this.account = account;
    }

    /** The cluster name a short name or cluster ARN denotes; empty when it cannot name one of ours. */
    Optional<String> clusterName(String ref) {
        String name = ref;
        if (ref.startsWith("arn:")) {
            String prefix = account.ecsArnPrefix() + "cluster/";
            if (!ref.startsWith(prefix)) {
                return Optional.empty();
            }
            name = ref.substring(prefix.length());
        }
        return Names.isValid(name) ? Optional.of(name) : Optional.empty();
    }

    /** family:revision parsed from {@code family:revision} or a task definition ARN; revision 0 when absent. */
    Optional<FamilyRevision> taskDefinition(String ref) {
        String s = ref;
        if (ref.startsWith("arn:")) {
            String prefix = account.ecsArnPrefix() + "task-definition/";
            if (!ref.startsWith(prefix)) {
                return Optional.empty();
            }
            s = ref.substring(prefix.length());
            if (s.indexOf(':') < 0) {
                return Optional.empty();
            }
        }
        int colon = s.indexOf(':');
        String family = colon < 0 ? s : s.substring(0, colon);
        int revision = 0;
        if (colon >= 0) {
            String rev = s.substring(colon + 1);
            if (!rev.matches("[1-9][0-9]{0,8}")) {
                return Optional.empty();
            }
            revision = Integer.parseInt(rev);
        }
        return Names.isValid(family) ? Optional.of(new FamilyRevision(family, revision)) : Optional.empty();
    }

    /** A task definition family with a revision, or revision 0 meaning "latest ACTIVE". */
    record FamilyRevision(String family, int revision) {}
}
