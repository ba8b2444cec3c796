package dev.ballast.resolve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.store.AccountSettings;
import dev.ballast.store.ImageRules;
import dev.ballast.store.Store;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the {@link PolicyInputs} of a deployment on a cluster from the store: the cluster's and the
 * account's image rules, the cluster's {@code versionConsistency} setting (cluster document
 * {@code settings[]}) and the account root's {@code versionConsistency} account setting.
 */
public final class PolicyLoader {
    /** The setting name used on clusters and in account settings. */
    public static final String SETTING = "versionConsistency";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Store store;

    public PolicyLoader(Store store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** @param clusterArn the cluster of the deployment, or null for account-level inputs only */
    public PolicyInputs load(String clusterArn) {
        List<ImageRule> clusterRules = clusterArn == null ? List.of() : rules(clusterArn);
        Optional<String> clusterSetting = clusterArn == null ? Optional.empty() : clusterSetting(clusterArn);
        Optional<String> accountSetting = store.accountSettings().all().stream()
                .filter(s -> s.name().equals(SETTING) && s.principalArn().endsWith(":root"))
                .map(AccountSettings.Setting::value)
                .findFirst();
        return new PolicyInputs(clusterRules, rules(ImageRules.ACCOUNT), clusterSetting, accountSetting);
    }

    private List<ImageRule> rules(String scope) {
        return store.imageRules().of(scope).stream()
                .map(r -> ImageRule.of(r.pattern(), r.mode()))
                .toList();
    }

    private Optional<String> clusterSetting(String clusterArn) {
        int slash = clusterArn.lastIndexOf('/');
        String name = slash < 0 ? clusterArn : clusterArn.substring(slash + 1);
        return store.clusters().find(name).flatMap(c -> {
            try {
                for (JsonNode s : JSON.readTree(c.doc()).path("settings")) {
                    if (SETTING.equals(s.path("name").asText())) {
                        return Optional.ofNullable(s.path("value").asText(null));
                    }
                }
                return Optional.empty();
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("stored cluster " + name + " has an unreadable document", e);
            }
        });
    }
}
