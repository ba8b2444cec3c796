package dev.ballast.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How awsvpc subnets map to engine networks: one per cluster by default, the user's mappings strictly otherwise. */
class SubnetNetworksTest {

    @Test
    void withoutMappingsEverySubnetOfAClusterIsTheClustersNetwork() {
        assertThat(SubnetNetworks.DEFAULT.networkOf("prod", "subnet-a")).contains("ballast-prod");
        assertThat(SubnetNetworks.DEFAULT.networkOf("prod", "subnet-b")).contains("ballast-prod");
        assertThat(SubnetNetworks.DEFAULT.networkOf("dev", "subnet-a")).contains("ballast-dev");
    }

    @Test
    void mappedSubnetsGoToTheirNetworkAndOthersAreRefused() {
        SubnetNetworks n = SubnetNetworks.parse(List.of("subnet-a=front", "subnet-b = back"));
        assertThat(n.networkOf("prod", "subnet-a")).contains("front");
        assertThat(n.networkOf("dev", "subnet-b")).contains("back");
        assertThat(n.networkOf("prod", "subnet-c")).isEmpty();
    }

    @Test
    void aWildcardTakesEveryOtherSubnet() {
        SubnetNetworks n = SubnetNetworks.parse(List.of("subnet-a=front", "*=rest"));
        assertThat(n.networkOf("prod", "subnet-a")).contains("front");
        assertThat(n.networkOf("prod", "subnet-zzz")).contains("rest");
    }

    @ParameterizedTest
    @ValueSource(strings = {"subnet-a", "=net", "subnet-a=", "subnet-a=-net", "subnet-a=net work"})
    void badEntriesAreRefusedNamingThem(String entry) {
        assertThatThrownBy(() -> SubnetNetworks.parse(List.of(entry)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + entry + "'");
    }

    @Test
    void aSubnetMappedTwiceIsRefused() {
        assertThatThrownBy(() -> SubnetNetworks.parse(List.of("subnet-a=x", "subnet-a=y")))
                .hasMessageContaining("'subnet-a' is mapped more than once");
    }

    @Test
    void platformVersionsResolveLatestToAConcreteVersion() {
        assertThat(PlatformVersions.concrete(null)).contains("1.4.0");
        assertThat(PlatformVersions.concrete("LATEST")).contains("1.4.0");
        assertThat(PlatformVersions.concrete("1.3.0")).contains("1.3.0");
        assertThat(PlatformVersions.concrete("1.9.9")).isEmpty();
    }
}
