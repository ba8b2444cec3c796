package dev.ballast.resolve;

import dev.ballast.model.Mode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything besides the container's own value that the policy consults for one deployment, read once
 * when the deployment's resolution record is created (so later rule changes apply at the next deployment).
 *
 * @param clusterRules the cluster's image rules in creation order (the most specific match wins)
 * @param accountRules the account's image rules in creation order (the most specific match wins)
 * @param clusterSetting the cluster's {@code versionConsistency} setting ({@link Mode#VALUES}), if set
 * @param accountSetting the account root's {@code versionConsistency} setting, if set
 */
public record PolicyInputs(
        List<ImageRule> clusterRules,
        List<ImageRule> accountRules,
        Optional<String> clusterSetting,
        Optional<String> accountSetting) {
    public PolicyInputs {
        clusterRules = List.copyOf(clusterRules);
        accountRules = List.copyOf(accountRules);
        Objects.requireNonNull(clusterSetting, "clusterSetting");
        Objects.requireNonNull(accountSetting, "accountSetting");
    }

    /** No rules and no settings: only the container value, the catalog and the system default decide. */
    public static PolicyInputs none() {
        return new PolicyInputs(List.of(), List.of(), Optional.empty(), Optional.empty());
    }
}
