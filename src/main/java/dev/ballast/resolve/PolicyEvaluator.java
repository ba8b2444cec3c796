package dev.ballast.resolve;

import dev.ballast.model.Layer;
import dev.ballast.model.Mode;
import dev.ballast.model.VersionConsistency;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides the effective version-consistency mode of one container (DESIGN.md, "Layered policy"). The
 * layers are consulted in order and the first that matches decides:
 * <ol>
 *   <li>the container's {@code versionConsistency}: {@code enabled}/{@code consistent} → consistent,
 *       {@code disabled} → disabled; absent or {@code default} inherits;</li>
 *   <li>the cluster's image rules;</li>
 *   <li>the account layer: the account's image rules and the {@link ManagedCatalog} (→ disabled);</li>
 *   <li>the cluster setting {@code versionConsistency};</li>
 *   <li>the account setting {@code versionConsistency};</li>
 *   <li>the system default, best-effort.</li>
 * </ol>
 * Rules and settings share one vocabulary ({@link Mode#of}): {@code enabled}/{@code consistent} strict,
 * {@code best-effort}, {@code disabled}. Within a layer the most {@linkplain ImagePattern#specificity()
 * specific} matching pattern wins (creation order among equals). In the account layer an account rule wins
 * over a catalog entry at least as specific, and an account rule with exactly an entry's pattern overrides
 * that entry wherever it matches, mirrors included. Pure and thread-safe.
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
     * @param containerValue the container's {@code versionConsistency} (null when absent)
     * @param image the container's image as written
     */
    public Decision decide(VersionConsistency containerValue, String image, PolicyInputs inputs) {
        Optional<Mode> own = Mode.ofContainer(containerValue);
        if (own.isPresent()) {
            return new Decision(own.get(), Layer.CONTAINER, null);
        }
        ImagePattern.Image forms = ImagePattern.Image.of(image);
        Optional<ImageRule> rule = mostSpecific(inputs.clusterRules(), forms);
        if (rule.isPresent()) {
            return new Decision(
                    rule.get().mode(), Layer.CLUSTER_RULE, rule.get().pattern().text());
        }
        Optional<Decision> account = accountLayer(inputs.accountRules(), forms);
        if (account.isPresent()) {
            return account.get();
        }
        Optional<Mode> accountSetting = inputs.accountSetting().flatMap(Mode::of);
        Optional<Mode> clusterSetting = inputs.clusterSetting().flatMap(Mode::of);
        if (clusterSetting.isPresent()) {
            return new Decision(
                    clusterSetting.get(),
                    Layer.CLUSTER_SETTING,
                    null,
                    clusterSetting.get() == Mode.DISABLED ? unpinned(accountSetting) : null);
        }
        if (accountSetting.isPresent()) {
            return new Decision(accountSetting.get(), Layer.ACCOUNT_SETTING, null);
        }
        return new Decision(Mode.BEST_EFFORT, Layer.SYSTEM_DEFAULT, null);
    }

    /** The account rules and the catalog, as one layer; empty when neither matches. */
    private Optional<Decision> accountLayer(List<ImageRule> rules, ImagePattern.Image forms) {
        Optional<ImageRule> rule = mostSpecific(rules, forms);
        Optional<ManagedCatalog.Match> managed = catalog.match(forms);
        if (managed.isPresent()
                && (rule.isEmpty()
                        || rule.get()
                                        .pattern()
                                        .specificity()
                                        .compareTo(managed.get().specificity())
                                < 0)) {
            ManagedCatalog.Entry entry = managed.get().entry();
            String note = managed.get().mirror()
                    ? "image " + forms.written() + " is recognised as a mirror of "
                            + entry.pattern().text() + " (" + entry.sidecar() + ")"
                    : null;
            Optional<ImageRule> override = rules.stream()
                    .filter(r -> r.pattern().text().equals(entry.pattern().text()))
                    .findFirst();
            if (override.isPresent()) {
                return Optional.of(new Decision(
                        override.get().mode(),
                        Layer.ACCOUNT_RULE,
                        entry.pattern().text(),
                        note));
            }
            return Optional.of(new Decision(
                    Mode.DISABLED, Layer.MANAGED_CATALOG, entry.pattern().text(), note));
        }
        return rule.map(
                r -> new Decision(r.mode(), Layer.ACCOUNT_RULE, r.pattern().text()));
    }

    /** The note for a cluster setting {@code disabled}, when the lower layers would have resolved the image. */
    private static String unpinned(Optional<Mode> accountSetting) {
        Mode below = accountSetting.orElse(Mode.BEST_EFFORT);
        if (below == Mode.DISABLED) {
            return null;
        }
        return "the cluster setting versionConsistency=disabled un-pins this container: without it the "
                + (accountSetting.isPresent() ? "account setting" : "system default") + " (" + below.wire()
                + ") would resolve its image to a digest";
    }

    /** The matching rule with the most specific pattern; the first of equally specific ones. */
    static Optional<ImageRule> mostSpecific(List<ImageRule> rules, ImagePattern.Image image) {
        ImageRule best = null;
        for (ImageRule r : rules) {
            if (r.pattern().matches(image)
                    && (best == null
                            || r.pattern()
                                            .specificity()
                                            .compareTo(best.pattern().specificity())
                                    > 0)) {
                best = r;
            }
        }
        return Optional.ofNullable(best);
    }
}
