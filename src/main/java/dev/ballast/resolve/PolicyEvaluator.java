package dev.ballast.resolve;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Decides the effective version-consistency mode of one container (DESIGN.md, "Layered policy"), first
 * match wins:
 * <ol>
 *   <li>the container's {@code versionConsistency}: {@code enabled}/{@code consistent} → consistent,
 *       {@code disabled} → disabled; absent or {@code default} inherits;</li>
 *   <li>the cluster's image rules;</li>
 *   <li>the account's image rules, then the {@link ManagedCatalog} (whose entries an account rule with the
 *       same pattern overrides) → disabled;</li>
 *   <li>the cluster setting {@code versionConsistency}: enabled → best-effort, disabled → disabled;</li>
 *   <li>the account setting {@code versionConsistency}, mapped the same way;</li>
 *   <li>the system default, best-effort.</li>
 * </ol>
 * Pure and thread-safe.
 */
public final class PolicyEvaluator {
    private final ManagedCatalog catalog;

    public PolicyEvaluator(ManagedCatalog catalog) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
    }

    public ManagedCatalog catalog() {
        return catalog;
    }

    /**
     * @param containerValue the container's {@code versionConsistency} as registered (null when absent)
     * @param image the container's image as written
     * @throws IllegalArgumentException for a container value registration would have refused
     */
    public Decision decide(String containerValue, String image, PolicyInputs inputs) {
        Optional<Mode> own = containerMode(containerValue);
        if (own.isPresent()) {
            return new Decision(own.get(), Layer.CONTAINER, null);
        }
        ImagePattern.Image forms = ImagePattern.Image.of(image);
        Optional<ImageRule> rule = first(inputs.clusterRules(), forms);
        if (rule.isPresent()) {
            return new Decision(rule.get().mode(), Layer.CLUSTER_RULE, rule.get().pattern().text());
        }
        rule = first(inputs.accountRules(), forms);
        if (rule.isPresent()) {
            return new Decision(rule.get().mode(), Layer.ACCOUNT_RULE, rule.get().pattern().text());
        }
        Optional<ManagedCatalog.Entry> managed = catalog.match(forms, overridden(inputs.accountRules()));
        if (managed.isPresent()) {
            return new Decision(Mode.DISABLED, Layer.MANAGED_CATALOG, managed.get().pattern().text());
        }
        Optional<Mode> setting = settingMode(inputs.clusterSetting());
        if (setting.isPresent()) {
            return new Decision(setting.get(), Layer.CLUSTER_SETTING, null);
        }
        setting = settingMode(inputs.accountSetting());
        if (setting.isPresent()) {
            return new Decision(setting.get(), Layer.ACCOUNT_SETTING, null);
        }
        return new Decision(Mode.BEST_EFFORT, Layer.SYSTEM_DEFAULT, null);
    }

    /** The patterns of the account's rules, which override catalog entries with the same pattern. */
    static Set<String> overridden(List<ImageRule> accountRules) {
        Set<String> patterns = new HashSet<>();
        accountRules.forEach(r -> patterns.add(r.pattern().text()));
        return patterns;
    }

    private static Optional<Mode> containerMode(String value) {
        if (value == null) {
            return Optional.empty();
        }
        return switch (value) {
            case "enabled", "consistent" -> Optional.of(Mode.CONSISTENT);
            case "disabled" -> Optional.of(Mode.DISABLED);
            case "default" -> Optional.empty();
            default -> throw new IllegalArgumentException("invalid versionConsistency \"" + value
                    + "\": accepted values are enabled, consistent, disabled, default");
        };
    }

    private static Optional<Mode> settingMode(Optional<String> setting) {
        return setting.flatMap(s -> switch (s) {
            case "enabled" -> Optional.of(Mode.BEST_EFFORT);
            case "disabled" -> Optional.of(Mode.DISABLED);
            default -> Optional.<Mode>empty();
        });
    }

    private static Optional<ImageRule> first(List<ImageRule> rules, ImagePattern.Image image) {
        return rules.stream().filter(r -> r.pattern().matches(image)).findFirst();
    }
}
