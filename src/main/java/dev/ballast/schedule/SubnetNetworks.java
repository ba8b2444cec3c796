package dev.ballast.schedule;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which engine network an awsvpc task's subnet maps to on the host (docs/networking.md). With no mappings every
 * subnet of a cluster maps to one bridge network per cluster, {@code ballast-<cluster>}. With mappings
 * ({@code --subnet-network SUBNET=NETWORK}) a subnet maps to its network; a subnet not mapped is refused unless a
 * {@value #ANY} entry names the network every other subnet maps to.
 *
 * @param mappings subnet id (or {@value #ANY}) to engine network name
 */
public record SubnetNetworks(Map<String, String> mappings) {
    /** The entry that maps every subnet not named otherwise. */
    public static final String ANY = "*";

    /** No mappings: one network per cluster. */
    public static final SubnetNetworks DEFAULT = new SubnetNetworks(Map.of());

    /** Engine network names as Docker and Podman accept them. */
    private static final Pattern NETWORK = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    public SubnetNetworks {
        mappings = Map.copyOf(mappings);
        mappings.forEach((subnet, network) -> {
            if (subnet.isBlank() || !NETWORK.matcher(network).matches()) {
                throw new IllegalArgumentException("invalid subnet mapping '" + subnet + "=" + network
                        + "': the network name must be 1-128 letters, digits, '_', '.' or '-', starting with a letter"
                        + " or digit");
            }
        });
    }

    /**
     * Mappings written as {@code SUBNET=NETWORK} (the server option, one per entry).
     *
     * @throws IllegalArgumentException naming the entry that is not {@code SUBNET=NETWORK} or maps a subnet twice
     */
    public static SubnetNetworks parse(List<String> entries) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String e : entries) {
            int eq = e.indexOf('=');
            if (eq < 1 || eq == e.length() - 1) {
                throw new IllegalArgumentException("invalid subnet mapping '" + e + "': expected SUBNET=NETWORK");
            }
            String subnet = e.substring(0, eq).trim();
            if (m.put(subnet, e.substring(eq + 1).trim()) != null) {
                throw new IllegalArgumentException("subnet '" + subnet + "' is mapped more than once");
            }
        }
        return new SubnetNetworks(m);
    }

    /** The network of the cluster's default: {@code ballast-<cluster>}. */
    public static String clusterNetwork(String cluster) {
        return "ballast-" + cluster;
    }

    /** The engine network {@code subnet} maps to in {@code cluster}; empty when mappings exist and none covers it. */
    public Optional<String> networkOf(String cluster, String subnet) {
        if (mappings.isEmpty()) {
            return Optional.of(clusterNetwork(cluster));
        }
        String n = mappings.get(subnet);
        return Optional.ofNullable(n != null ? n : mappings.get(ANY));
    }
}
