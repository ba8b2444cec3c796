package dev.ballast.registry;

import dev.ballast.image.ImageReference;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@link RequestBudget} of each registry: {@code perRegistry} by {@code host[:port]} as image references name
 * it ({@code docker.io} for Docker Hub), {@code others} for the rest.
 *
 * <p>Defaults ({@link #defaults()}): Docker Hub {@value #DOCKER_HUB_DEFAULT}, others {@value #OTHERS_DEFAULT}.
 * Docker Hub does not count HEAD requests as pulls, but it limits an address's requests as a whole and answers
 * 429 to whoever passes that; one request a minute keeps a watcher far below any of its published limits, even
 * the anonymous 10 pulls an hour should HEADs ever count, so that the pulls deployments need are never crowded out.
 * Other registries (self-hosted ones, ECR, GHCR) take tens of requests a second; ten a second with bursts of 100
 * still watches thousands of tags a minute.
 *
 * @param perRegistry rates of named registries
 * @param others the rate of every other registry
 */
public record BudgetSettings(Map<String, BudgetRate> perRegistry, BudgetRate others) {

    /** Docker Hub's default rate: 60 requests an hour, at most 10 at once. */
    public static final String DOCKER_HUB_DEFAULT = "60/1h,burst=10";
    /** Every other registry's default rate: 600 requests a minute, at most 100 at once. */
    public static final String OTHERS_DEFAULT = "600/1m,burst=100";
    /** The name that sets the rate of registries not named otherwise. */
    public static final String OTHERS = "*";

    public BudgetSettings {
        perRegistry = Map.copyOf(perRegistry);
        Objects.requireNonNull(others, "others");
    }

    /** Docker Hub {@value #DOCKER_HUB_DEFAULT}, every other registry {@value #OTHERS_DEFAULT}. */
    public static BudgetSettings defaults() {
        return new BudgetSettings(
                Map.of("docker.io", BudgetRate.parse(DOCKER_HUB_DEFAULT)), BudgetRate.parse(OTHERS_DEFAULT));
    }

    /** The rate for {@code registry}. */
    public BudgetRate rateFor(String registry) {
        return perRegistry.getOrDefault(registry, others);
    }

    /**
     * The defaults changed by {@code HOST=N/PERIOD[,burst=B]} entries ({@code --registry-budget}, repeatable);
     * {@code *=…} sets the rate of every registry not named. A host is written as in an image reference: Docker
     * Hub's aliases ({@code index.docker.io}, {@code registry-1.docker.io}) count as {@code docker.io}.
     *
     * @throws IllegalArgumentException naming the entry that is not of that form
     */
    public static BudgetSettings parse(List<String> entries) {
        BudgetSettings defaults = defaults();
        Map<String, BudgetRate> rates = new LinkedHashMap<>(defaults.perRegistry());
        BudgetRate others = defaults.others();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(
                        "--registry-budget \"" + entry + "\" is not of the form HOST=N/PERIOD[,burst=B]");
            }
            String host = entry.substring(0, eq).trim();
            BudgetRate rate;
            try {
                rate = BudgetRate.parse(entry.substring(eq + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--registry-budget \"" + entry + "\": " + e.getMessage(), e);
            }
            if (host.equals(OTHERS)) {
                others = rate;
            } else {
                rates.put(canonicalHost(entry, host), rate);
            }
        }
        return new BudgetSettings(rates, others);
    }

    private static String canonicalHost(String entry, String host) {
        if (ImageReference.isDockerHubHost(host)) {
            return ImageReference.DOCKER_HUB;
        }
        try {
            String parsed = ImageReference.parse(host + "/x").registry();
            if (parsed.equals(host)) {
                return host;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new IllegalArgumentException("--registry-budget \"" + entry + "\": \"" + host
                + "\" is not a registry host[:port] (a host needs a dot or a port, or is localhost)");
    }
}
